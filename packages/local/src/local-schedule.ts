import { randomUUID } from 'node:crypto';
import { createLambdaContext } from './lambda-context';
import type { InvokableFunction } from './lambda-invoke-server';
import { errorFields, silentLogger } from './local-logger';
import type { LocalLogger } from './local-logger';

export interface LocalScheduleOptions {
  /** The schedule's name (its ARN in the event, logs). */
  name: string;
  /** The target function's name (its Lambda context). */
  functionName: string;
  handler: InvokableFunction;
  /** A tick every this many seconds, the first one at start(). */
  intervalSeconds: number;
  /** The target's function timeout (context.getRemainingTimeInMillis). Default 60 s. */
  timeoutMs?: number;
  region?: string;
  logger?: LocalLogger;
}

export interface ScheduleCounters {
  /** Ticks that invoked the target. */
  invocations: number;
  /** Invocations that threw. */
  errors: number;
  /** Ticks skipped because the previous invocation was still running. */
  skipped: number;
}

/** What EventBridge Scheduler hands a Lambda target when the schedule's input is the event itself. */
export interface ScheduledEvent {
  version: '0';
  id: string;
  'detail-type': 'Scheduled Event';
  source: 'aws.scheduler';
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, never>;
}

const ACCOUNT = '000000000000';

export const scheduledEvent = (name: string, region: string, at: Date): ScheduledEvent => ({
  version: '0',
  id: randomUUID(),
  'detail-type': 'Scheduled Event',
  source: 'aws.scheduler',
  account: ACCOUNT,
  time: at.toISOString(),
  region,
  resources: [`arn:aws:scheduler:${region}:${ACCOUNT}:schedule/default/${name}`],
  detail: {},
});

/**
 * A rate schedule like EventBridge Scheduler's `rate(N seconds)` with a Lambda target: invokes the
 * handler in this process at start and then every interval (fixed rate, not fixed delay). A tick
 * that finds the previous invocation still running is skipped rather than stacked. stop() cancels the
 * next tick and waits for the running invocation.
 */
export class LocalSchedule {
  readonly counters: ScheduleCounters = { invocations: 0, errors: 0, skipped: 0 };
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = true;
  private readonly logger: LocalLogger;
  private readonly region: string;

  constructor(private readonly options: LocalScheduleOptions) {
    if (!(options.intervalSeconds > 0)) throw new RangeError('intervalSeconds must be above 0');
    this.logger = options.logger ?? silentLogger;
    this.region = options.region ?? 'us-east-1';
  }

  get intervalSeconds(): number {
    return this.options.intervalSeconds;
  }

  get isRunning(): boolean {
    return !this.stopped;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    const startedAt = Date.now();
    const intervalMs = this.options.intervalSeconds * 1000;
    let tick = 0;
    const next = (): void => {
      if (this.stopped) return;
      this.fire();
      tick += 1;
      this.timer = setTimeout(next, Math.max(0, startedAt + tick * intervalMs - Date.now()));
    };
    next();
  }

  /** Stops ticking; resolves once the invocation in progress (if any) has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private fire(): void {
    if (this.running !== undefined) {
      this.counters.skipped += 1;
      this.logger.warn({ schedule: this.options.name }, 'previous scheduled invocation still running; tick skipped');
      return;
    }
    const { functionName, handler, timeoutMs = 60_000 } = this.options;
    this.counters.invocations += 1;
    const context = createLambdaContext({ functionName, region: this.region, timeoutMs });
    const event = scheduledEvent(this.options.name, this.region, new Date());
    this.running = Promise.resolve()
      .then(() => handler(event, context))
      .then(
        () => undefined,
        (error: unknown) => {
          this.counters.errors += 1;
          this.logger.error({ ...errorFields(error), schedule: this.options.name, functionName }, 'scheduled invocation failed');
        },
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
