/**
 * Reading a V8 CPU profile (node:inspector's Profiler.stop): self time by function, and by where
 * the code lives (kafkajs, Fenceline's layers, other libraries, GC, idle).
 */
export interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Functions by share of the samples in which they were on top of the stack (self time). */
export function topSelfTime(p: Profile, top = 25): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const key = frameLabel(byId.get(p.samples[i]!)!.callFrame);
    // Samples, not time deltas: on a loaded machine a delta also holds time spent descheduled,
    // and the last one holds the profiler's own stop.
    self.set(key, (self.get(key) ?? 0) + 1);
    total += 1;
  }
  return [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, v]) => `${((100 * v) / total).toFixed(1).padStart(5)}%  ${k}`);
}

/** A frame as "function dir/file:line" (the url's last two parts; line from 1). */
export function frameLabel(cf: ProfileNode['callFrame']): string {
  const where = cf.url === '' ? '' : ` ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`;
  return `${cf.functionName || '(anonymous)'}${where}`;
}

/** Where a sample's function lives, for the split of a whole process's time. */
export function placeOf(cf: ProfileNode['callFrame']): string {
  const name = cf.functionName;
  if (name === '(idle)') return 'idle (waiting for I/O)';
  if (name === '(garbage collector)') return 'GC';
  if (name === '(program)' || name === '(root)') return 'V8/native (program)';
  const url = cf.url;
  if (url.includes('node_modules/kafkajs/')) return 'kafkajs';
  const src = /\/src\/([a-z-]+)\//.exec(url);
  if (src && !url.includes('node_modules/')) return `fenceline src/${src[1]}`;
  const lib = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (lib) return `library ${lib[1]}`;
  if (url.startsWith('node:') || url === '') return 'node internals';
  return 'other';
}

/** Share of samples per place (placeOf), largest first. */
export function selfTimeByPlace(p: Profile): string[] {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const by = new Map<string, number>();
  for (const id of p.samples) {
    const place = placeOf(byId.get(id)!.callFrame);
    by.set(place, (by.get(place) ?? 0) + 1);
  }
  return [...by]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${((100 * v) / p.samples.length).toFixed(1).padStart(5)}%  ${k}`);
}
