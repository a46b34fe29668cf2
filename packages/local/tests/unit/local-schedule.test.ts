import type { Context } from 'aws-lambda';
import { LocalSchedule } from '../../src/local-schedule';
import type { ScheduledEvent } from '../../src/local-schedule';

interface Call {
  event: ScheduledEvent;
  context: Context;
  finish: () => void;
}

/** A target whose invocations end only when the test says so. */
const controllableTarget = () => {
  const calls: Call[] = [];
  const handler = (event: unknown, context: Context): Promise<void> =>
    new Promise<void>((resolve) => {
      calls.push({ event: event as ScheduledEvent, context, finish: resolve });
    });
  return { calls, handler };
};

const flush = async (): Promise<void> => {
  for (let turn = 0; turn < 5; turn += 1) await Promise.resolve();
};

describe('LocalSchedule', () => {
  beforeEach(() => {
    jest.useFakeTimers();
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('invokes the target at start with a scheduled event, then once per interval', async () => {
    // Prepare
    const target = controllableTarget();
    const schedule = new LocalSchedule({ name: 'collector-every-5s', functionName: 'outbound-collector', handler: target.handler, intervalSeconds: 5 });

    // Act
    schedule.start();
    await flush();
    target.calls[0]?.finish();
    await flush();
    jest.advanceTimersByTime(5_000);
    await flush();

    // Assert
    expect(target.calls).toHaveLength(2);
    expect(target.calls[0]!.event).toMatchObject({
      'detail-type': 'Scheduled Event',
      source: 'aws.scheduler',
      resources: ['arn:aws:scheduler:us-east-1:000000000000:schedule/default/collector-every-5s'],
      detail: {},
    });
    expect(target.calls[0]!.event).not.toHaveProperty('tenantId');
    expect(target.calls[0]!.context.functionName).toBe('outbound-collector');
    expect(schedule.counters).toEqual({ invocations: 2, errors: 0, skipped: 0 });
    target.calls[1]?.finish();
    await schedule.stop();
  });

  it('skips a tick while the previous invocation is still running', async () => {
    // Prepare
    const target = controllableTarget();
    const schedule = new LocalSchedule({ name: 'slow', functionName: 'outbound-collector', handler: target.handler, intervalSeconds: 1 });
    schedule.start();
    await flush();

    // Act
    jest.advanceTimersByTime(1_000);
    await flush();

    // Assert
    expect(target.calls).toHaveLength(1);
    expect(schedule.counters.skipped).toBe(1);
    target.calls[0]?.finish();
    await schedule.stop();
  });

  it('stops ticking and waits for the invocation in progress', async () => {
    // Prepare
    const target = controllableTarget();
    const schedule = new LocalSchedule({ name: 'stopping', functionName: 'outbound-collector', handler: target.handler, intervalSeconds: 1 });
    schedule.start();
    await flush();
    let stopped = false;

    // Act
    const stopping = schedule.stop().then(() => {
      stopped = true;
    });
    await flush();
    const stoppedBeforeTheInvocationEnded = stopped;
    target.calls[0]?.finish();
    await stopping;
    jest.advanceTimersByTime(10_000);
    await flush();

    // Assert
    expect(stoppedBeforeTheInvocationEnded).toBe(false);
    expect(stopped).toBe(true);
    expect(target.calls).toHaveLength(1);
    expect(schedule.isRunning).toBe(false);
  });

  it('counts a failed invocation and goes on ticking', async () => {
    // Prepare
    let calls = 0;
    const schedule = new LocalSchedule({
      name: 'failing',
      functionName: 'outbound-collector',
      handler: async () => {
        calls += 1;
        throw new Error('tenant list unavailable');
      },
      intervalSeconds: 1,
    });

    // Act
    schedule.start();
    await flush();
    jest.advanceTimersByTime(1_000);
    await flush();
    await schedule.stop();

    // Assert
    expect(calls).toBe(2);
    expect(schedule.counters).toEqual({ invocations: 2, errors: 2, skipped: 0 });
  });
});
