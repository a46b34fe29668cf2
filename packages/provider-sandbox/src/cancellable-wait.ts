export interface CancellableWait {
  /** Resolves after `ms`, or at once when released. */
  wait(ms: number): Promise<void>;
  /** Ends every pending wait now (on close), so nothing keeps the process alive. */
  releaseAll(): void;
}

export const createCancellableWait = (): CancellableWait => {
  const pending = new Set<() => void>();
  return {
    wait: (ms) =>
      new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          pending.delete(done);
          resolve();
        };
        const timer = setTimeout(done, ms);
        pending.add(done);
      }),
    releaseAll: () => {
      for (const release of [...pending]) release();
    },
  };
};
