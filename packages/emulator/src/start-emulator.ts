import type { ChildProcessByStdio } from 'node:child_process';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export interface EmulatorOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Directory for fauxqs' SQLite state; without it the state lives in memory only. */
  dataDir?: string;
  /** How long to wait for the ready line; default 20 s. */
  readyTimeoutMs?: number;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`, for every SQS and S3 client. */
  endpoint: string;
  port: number;
  /** Stops the emulator (SIGTERM, then SIGKILL after 5 s) and resolves once it has exited. */
  stop(): Promise<void>;
}

const SERVER_SCRIPT = join(__dirname, 'fauxqs-server.mjs');
const MIN_NODE_MAJOR = 22;
const STDERR_KEEP = 8 * 1024;

const workspaceRoot = (from: string): string | undefined => {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
};

/** fauxqs needs Node 22 (node:sqlite); the workspace installs it as a package when the machine's is older. */
export const nodeForEmulator = (): string => {
  if (Number(process.versions.node.split('.')[0]) >= MIN_NODE_MAJOR) return process.execPath;
  const root = workspaceRoot(__dirname);
  // The real binary first: the .bin shim runs node as its child, so a signal to it would not reach node.
  const candidates = root === undefined ? [] : [join(root, 'node_modules/node/bin/node'), join(root, 'node_modules/.bin/node')];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found === undefined) {
    throw new Error(`the emulator needs Node >= ${MIN_NODE_MAJOR} (this is ${process.version}); run through pnpm after pnpm install`);
  }
  return found;
};

type EmulatorProcess = ChildProcessByStdio<Writable, Readable, Readable>;

const waitForExit = (child: EmulatorProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));

const stopChild = async (child: EmulatorProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = waitForExit(child);
  child.kill('SIGTERM');
  const killTimer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  try {
    await exited;
  } finally {
    clearTimeout(killTimer);
    child.stdin.destroy();
  }
};

/** Starts the local SQS + S3 emulator (fauxqs) in a child process, listening on 127.0.0.1 only. */
export const startEmulator = async (options: EmulatorOptions = {}): Promise<RunningEmulator> => {
  const args = ['--disable-warning=ExperimentalWarning', SERVER_SCRIPT, '--port', String(options.port ?? 0), '--exit-with-stdin'];
  if (options.dataDir !== undefined) args.push('--data-dir', options.dataDir);
  // Its own process group: a terminal's Ctrl-C must reach only the gateway, which stops the emulator
  // last, in order. --exit-with-stdin still ends it if the gateway dies.
  const child: EmulatorProcess = spawn(nodeForEmulator(), args, { stdio: ['pipe', 'pipe', 'pipe'], detached: true });

  let stderr = '';
  const keepStderr = (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_KEEP);
  };
  child.stderr.on('data', keepStderr);

  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    const fail = (reason: string) => {
      cleanup();
      void stopChild(child).finally(() => reject(new Error(`fauxqs emulator did not start: ${reason}\n${stderr.trim()}`)));
    };
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      let newline = stdout.indexOf('\n');
      while (newline >= 0) {
        const line = stdout.slice(0, newline).trim();
        stdout = stdout.slice(newline + 1);
        newline = stdout.indexOf('\n');
        try {
          const message = JSON.parse(line) as { ready?: boolean; port?: number };
          if (message.ready === true && typeof message.port === 'number') {
            cleanup();
            resolve(message.port);
            return;
          }
        } catch {
          // not the ready line
        }
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => fail(`exited early (code ${code}, signal ${signal})`);
    const onError = (error: Error) => fail(error.message);
    const timer = setTimeout(() => fail(`no ready line within ${options.readyTimeoutMs ?? 20_000} ms`), options.readyTimeoutMs ?? 20_000);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onError);
    };
    child.stdout.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onError);
  });

  // Keep draining the pipes so the child never blocks on a full buffer; later errors go to our stderr.
  child.stdout.resume();
  child.stderr.off('data', keepStderr);
  child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));

  let stopped: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stop: () => (stopped ??= stopChild(child)),
  };
};
