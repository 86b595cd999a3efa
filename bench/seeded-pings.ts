/**
 * Seeded pings shaped like the simulator's, as a worker receives them: tagId, ts, lat, lon,
 * accuracyM, and for a tenth also battery and strap; keyed by tagId. Coordinates in 6 decimals,
 * as the simulator and devices print them, or with all 17 digits of a double (the byte reader's
 * slower number path). Shared by the decode benches, so their figures are of the same pings.
 */
import type { Ping } from '../src/contract/index.js';
import { Rng } from '../src/sim/prng.js';

export interface SeededPings {
  keys: Buffer[];
  buffers: Buffer[];
  /** The same pings as parsed JSON. */
  objects: unknown[];
}

const round6 = (v: number) => Math.round(v * 1e6) / 1e6;

export function seededPings(n: number, digits: 6 | 17): SeededPings {
  const rng = Rng.derive(14, 3);
  const coordinate = digits === 6 ? round6 : (v: number) => v;
  const keys: Buffer[] = [];
  const buffers: Buffer[] = [];
  const objects: unknown[] = [];
  for (let i = 0; i < n; i++) {
    const ping: Ping = {
      tagId: `TAG-${String(rng.int(0, 99_999)).padStart(6, '0')}`,
      ts: 1_767_261_600_000 + i * 1000,
      lat: coordinate(rng.uniform(50, 58.5)),
      lon: coordinate(rng.uniform(-5.5, 1.7)),
      accuracyM: Math.round(rng.uniform(3, 30) * 10) / 10,
    };
    if (i % 10 === 0) {
      ping.battery = Math.round(rng.next() * 100) / 100;
      ping.strap = 'ok';
    }
    const b = Buffer.from(JSON.stringify(ping));
    keys.push(Buffer.from(ping.tagId));
    buffers.push(b);
    objects.push(JSON.parse(b.toString('utf8')));
  }
  return { keys, buffers, objects };
}
