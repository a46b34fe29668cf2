import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { ReceiveMessageCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { localS3, localSqs } from '../support/local-sdk';
import { createGatewayResources } from '../../src/gateway-resources';
import type { RunningEmulator } from '../../src/start-emulator';
import { startEmulator } from '../../src/start-emulator';

const canConnect = (host: string, port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

// Each test starts the emulator as a child process, which can be slow on a loaded machine.
jest.setTimeout(30_000);

describe('startEmulator', () => {
  const running: RunningEmulator[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('serves on 127.0.0.1 only, on a free port', async () => {
    // Act
    const emulator = await startEmulator();
    running.push(emulator);

    // Assert
    expect(emulator.port).toBeGreaterThan(0);
    expect(emulator.endpoint).toBe(`http://127.0.0.1:${emulator.port}`);
    const health = await fetch(`${emulator.endpoint}/health`);
    expect(await health.json()).toEqual({ status: 'ok' });
    // Another loopback address reaches a 0.0.0.0 listener but not one bound to 127.0.0.1.
    expect(await canConnect('127.0.0.2', emulator.port)).toBe(false);
  });

  it('stops the emulator process', async () => {
    // Prepare
    const emulator = await startEmulator();

    // Act
    await emulator.stop();

    // Assert
    expect(await canConnect('127.0.0.1', emulator.port)).toBe(false);
  });

  it('keeps queues, messages and objects across a restart on the same data directory', async () => {
    // Prepare
    const dataDir = mkdtempSync(join(tmpdir(), 'wagw-emulator-'));
    dirs.push(dataDir);
    const first = await startEmulator({ dataDir });
    const firstSqs = localSqs(first.endpoint);
    const firstS3 = localS3(first.endpoint);
    const created = await createGatewayResources({ sqs: firstSqs, s3: firstS3, bucket: 'restart-bucket' });
    await firstSqs.send(
      new SendMessageCommand({ QueueUrl: created.queueUrls['inbound-events'], MessageBody: 'kept', MessageGroupId: 'g', MessageDeduplicationId: 'd' }),
    );
    await firstS3.send(new PutObjectCommand({ Bucket: 'restart-bucket', Key: 'raw/a.json', Body: '{"kept":true}' }));
    firstSqs.destroy();
    firstS3.destroy();
    await first.stop();

    // Act
    const second = await startEmulator({ dataDir });
    running.push(second);
    const sqs = localSqs(second.endpoint);
    const s3 = localS3(second.endpoint);
    const again = await createGatewayResources({ sqs, s3, bucket: 'restart-bucket' });
    const received = await sqs.send(new ReceiveMessageCommand({ QueueUrl: again.queueUrls['inbound-events'], MaxNumberOfMessages: 10 }));
    const object = await s3.send(new GetObjectCommand({ Bucket: 'restart-bucket', Key: 'raw/a.json' }));

    // Assert
    expect(received.Messages?.map((message) => message.Body)).toEqual(['kept']);
    expect(await object.Body?.transformToString()).toBe('{"kept":true}');
    expect(again.queueUrls['inbound-events']).toBe(`${second.endpoint}/000000000000/inbound-events.fifo`);
    sqs.destroy();
    s3.destroy();
  });

  it('rejects with the emulator\'s stderr when it cannot listen', async () => {
    // Prepare
    const taken = await startEmulator();
    running.push(taken);

    // Act
    const attempt = startEmulator({ port: taken.port });

    // Assert
    await expect(attempt).rejects.toThrow(/did not start[\s\S]*EADDRINUSE/);
  });
});
