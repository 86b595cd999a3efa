/**
 * How busy the whole machine and one other process (the broker's JVM) were over a span, from
 * Linux's /proc: the evidence that a second thread in the worker would have a core to run on.
 * Both files count in the same clock ticks, so shares need no tick rate.
 *
 * Elsewhere than Linux (no /proc) a sample is undefined and the span reports nothing.
 */
import { readFileSync } from 'node:fs';

export interface CpuSample {
  /** All CPUs' ticks since boot, and those of them idle or waiting for I/O. */
  total: number;
  idle: number;
  cpus: number;
  /** The process's user + system ticks (all its threads), or NaN without a pid. */
  proc: number;
}

export interface CpuSpan {
  /** Cores' worth of time the machine was idle over the span (0..cpus). */
  idleCores: number;
  /** Cores' worth of time the process used (NaN without a pid). */
  procCores: number;
  cpus: number;
}

export function sampleCpu(pid?: number): CpuSample | undefined {
  let stat: string;
  try {
    stat = readFileSync('/proc/stat', 'utf8');
  } catch {
    return undefined;
  }
  let proc = Number.NaN;
  if (pid !== undefined) {
    try {
      proc = pidTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      // gone, or not ours to read: the span reports the machine only
    }
  }
  return { ...machineTicks(stat), proc };
}

/** From /proc/stat: the first line is "cpu  user nice system idle iowait irq softirq steal ...". */
export function machineTicks(stat: string): Omit<CpuSample, 'proc'> {
  const lines = stat.split('\n');
  const [label, ...counters] = lines[0]!.trim().split(/\s+/);
  const f = counters.slice(0, 8).map(Number);
  if (label !== 'cpu' || f.length < 8 || f.some((v) => !Number.isFinite(v))) {
    throw new Error(`/proc/stat: unexpected first line "${lines[0]}"`);
  }
  return {
    total: f.reduce((a, b) => a + b, 0),
    idle: f[3]! + f[4]!,
    cpus: lines.filter((l) => /^cpu\d/.test(l)).length,
  };
}

/**
 * utime + stime from /proc/<pid>/stat: fields 14 and 15, counted after the ")" that ends the
 * process's name (a name may hold spaces and parentheses itself).
 */
export function pidTicks(stat: string): number {
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]);
  if (!Number.isFinite(ticks)) throw new Error('/proc/<pid>/stat: no utime and stime where expected');
  return ticks;
}

export function cpuSpan(from: CpuSample | undefined, to: CpuSample | undefined): CpuSpan | undefined {
  if (from === undefined || to === undefined || to.total <= from.total) return undefined;
  const perCore = (to.total - from.total) / to.cpus;
  return {
    idleCores: (to.idle - from.idle) / perCore,
    procCores: (to.proc - from.proc) / perCore,
    cpus: to.cpus,
  };
}
