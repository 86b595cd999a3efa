import { describe, expect, it } from 'vitest';
import { decodeEnrolmentRecord, decodePing, decodeZoneRecord } from '../../src/contract/index.js';
import { simulateFleet } from '../../src/sim/fleet.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/sim-options.js';

describe('simulator output against the wire contract', () => {
  it('given a fleet, then every zone, enrolment and ping decodes with the contract decoders', () => {
    const counts = { zone: 0, enrolment: 0, ping: 0, polygon: 0, multi: 0, hole: 0, schedule: 0, status: 0 };
    for (const ev of simulateFleet({ ...DEFAULT_SIM_OPTIONS, subjects: 150, durationH: 3, seed: 7 })) {
      switch (ev.kind) {
        case 'zone': {
          const r = decodeZoneRecord(ev.key, JSON.stringify(ev.value));
          expect(r).toMatchObject({ ok: true });
          counts.zone++;
          const g = ev.value.geometry;
          if (g.type === 'Polygon') counts.polygon++;
          if (g.type === 'MultiPolygon') counts.multi++;
          if (g.type === 'Polygon' && g.coordinates.length > 1) counts.hole++;
          if (ev.value.schedule) counts.schedule++;
          break;
        }
        case 'enrolment':
          expect(decodeEnrolmentRecord(ev.key, JSON.stringify(ev.value))).toMatchObject({ ok: true });
          counts.enrolment++;
          break;
        case 'pings':
          for (const p of ev.pings) {
            const d = decodePing(ev.key, Buffer.from(JSON.stringify(p.ping)));
            if (!d.ok) throw new Error(d.error);
            if (p.ping.lat === undefined) counts.status++;
            counts.ping++;
          }
          break;
        case 'truth':
          break;
      }
    }
    expect(counts.enrolment).toBe(150);
    // Every subject has a curfew zone with a schedule and one or two exclusion zones.
    expect(counts.schedule).toBe(150);
    expect(counts.zone).toBeGreaterThan(300);
    expect(counts.polygon).toBeGreaterThan(10);
    expect(counts.hole).toBeGreaterThan(0);
    expect(counts.ping).toBeGreaterThan(20_000);
    expect(counts.status).toBeGreaterThan(0);
  });
});
