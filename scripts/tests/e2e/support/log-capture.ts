/**
 * A pino destination that keeps every line in memory, so a test can search the whole log output of a
 * run (e.g. for secrets). Lines are also counted per level for a quick sanity check.
 */
export class LogCapture {
  private readonly chunks: string[] = [];

  write(chunk: string): void {
    this.chunks.push(chunk);
  }

  get text(): string {
    return this.chunks.join('');
  }

  get lines(): string[] {
    return this.text.split('\n').filter((line) => line.length > 0);
  }

  /** The configured values that appear anywhere in the captured output. */
  leaked(values: readonly string[]): string[] {
    const text = this.text;
    return values.filter((value) => value.length > 0 && text.includes(value));
  }
}
