import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { arch, cpus, totalmem } from 'node:os';

export interface MachineInfo {
  date: string;
  arch: string;
  cpuModel: string;
  cpuCount: number;
  memoryGb: number;
  node: string;
}

/** CPU model as /proc/cpuinfo names it (falls back to os.cpus() where there is no /proc). */
const cpuModel = (): string => {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((candidate) => candidate.startsWith('model name'));
    if (line !== undefined) return line.split(':').slice(1).join(':').trim();
  } catch {
    // not Linux
  }
  return cpus()[0]?.model ?? 'unknown';
};

const unameMachine = (): string => {
  try {
    return execFileSync('uname', ['-m'], { encoding: 'utf8' }).trim();
  } catch {
    return arch();
  }
};

export const machineInfo = (): MachineInfo => ({
  date: new Date().toISOString(),
  arch: unameMachine(),
  cpuModel: cpuModel(),
  cpuCount: cpus().length,
  memoryGb: Math.round(totalmem() / 2 ** 30),
  node: process.version,
});
