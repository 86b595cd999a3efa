import { describe, expect, it } from 'vitest';
import { cpuSpan, machineTicks, pidTicks, sampleCpu } from '../../bench/machine-cpu.js';

const STAT = [
  'cpu  100 5 40 800 20 0 3 2 0 0',
  'cpu0 50 2 20 400 10 0 2 1 0 0',
  'cpu1 50 3 20 400 10 0 1 1 0 0',
  'intr 12345',
].join('\n');

describe('machine-cpu', () => {
  it('given /proc/stat, then it sums all eight counters and counts idle and I/O wait as idle', () => {
    expect(machineTicks(STAT)).toEqual({ total: 970, idle: 820, cpus: 2 });
  });

  it('given a process name with spaces and parentheses, then utime and stime are read after its last ")"', () => {
    const stat = '4242 (java (broker) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 731 129 0 0 20 0 60 0';
    expect(pidTicks(stat)).toBe(731 + 129);
  });

  it('given text that is not /proc/stat, then it says so instead of returning a number', () => {
    expect(() => machineTicks('nonsense 1 2')).toThrow(/unexpected first line/);
    expect(() => pidTicks('4242 (x) S 1')).toThrow(/utime and stime/);
  });

  it('given two samples, then the span is in cores: idle and the process per wall core', () => {
    const from = { total: 1000, idle: 600, cpus: 2, proc: 50 };
    const to = { total: 1400, idle: 700, cpus: 2, proc: 100 }; // 200 ticks per core
    expect(cpuSpan(from, to)).toEqual({ idleCores: 0.5, procCores: 0.25, cpus: 2 });
    expect(cpuSpan(undefined, to)).toBeUndefined();
    expect(cpuSpan(to, from)).toBeUndefined();
  });

  it('given this process burning 300 ms of CPU, then its own ticks grow by about that much', () => {
    const before = sampleCpu(process.pid);
    expect(before).toBeDefined(); // Linux: /proc is there
    const c0 = process.cpuUsage();
    const burntMs = () => {
      const c = process.cpuUsage(c0);
      return (c.user + c.system) / 1000;
    };
    let x = 0;
    while (burntMs() < 300) x += Math.sqrt(x + 1);
    const after = sampleCpu(process.pid)!;
    const ticks = after.proc - before!.proc;
    // USER_HZ is 100 on Linux: 300 ms is 30 ticks, give or take the threads' and rounding.
    expect(ticks).toBeGreaterThanOrEqual(25);
    expect(after.cpus).toBeGreaterThanOrEqual(1);
    expect(x).toBeGreaterThan(0);
  });
});
