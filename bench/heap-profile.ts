/**
 * Reading a V8 sampling heap profile (node:inspector's HeapProfiler.stopSampling): bytes
 * allocated by function. Taken with includeObjectsCollectedByMajorGC and ...MinorGC, a sample
 * stays in the profile after its object died, so the figures are what was allocated, not what
 * is still alive: the collector's work follows the former.
 */
import { frameLabel, placeOf } from './cpu-profile.js';

export interface HeapProfileNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapProfileNode[];
}
export interface HeapProfile {
  head: HeapProfileNode;
}

/** The sampling options that count what was allocated, collected or not. */
export const ALLOCATED_SAMPLING = {
  samplingInterval: 4096,
  includeObjectsCollectedByMajorGC: true,
  includeObjectsCollectedByMinorGC: true,
} as const;

/** All bytes the profile attributes, and the functions that allocated most, by share. */
export function topAllocators(p: HeapProfile, top = 25): { total: number; lines: string[] } {
  const by = new Map<string, number>();
  let total = 0;
  const stack: HeapProfileNode[] = [p.head];
  for (let n = stack.pop(); n !== undefined; n = stack.pop()) {
    const cf = n.callFrame;
    if (n.selfSize > 0) {
      const key = `${frameLabel(cf)} [${placeOf(cf)}]`;
      by.set(key, (by.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) stack.push(c);
  }
  const lines = [...by]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / Math.max(1, total)).toFixed(1).padStart(5)}%  ${k}`);
  return { total, lines };
}
