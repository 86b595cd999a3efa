/**
 * Simulated tags obeying device profiles: off (no feed) stays byte-identical to the simulator
 * before profiles existed; a feed that never triggers changes no ping; inside a near-exclusion
 * trigger fixes come every 15 s and reach the backend within the upload latency; a profile
 * delivered too late changes nothing; a curfew trigger acts only inside its window.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { DeviceProfile } from '../../src/contract/index.js';
import {
  type DeviceProfileFeed,
  newDeviceModeStats,
  type ProfileDelivery,
} from '../../src/sim/device-mode.js';
import { buildFleet, type SimEvent, simulateFleet } from '../../src/sim/fleet.js';
import { haversineM } from '../../src/sim/geodesy.js';
import { DEFAULT_SIM_OPTIONS, type SimOptions } from '../../src/sim/sim-options.js';

const small: SimOptions = { ...DEFAULT_SIM_OPTIONS, subjects: 60, durationH: 14, approachShare: 0.5 };
/** sha256 of the 60-subject fleet as the simulator produced it before device profiles (d7be183). */
const GOLDEN = '25af669aa3e653304ae52eb64761a4352628ecc0fbf99dfe25a873edbf885f8f';

function line(ev: SimEvent): string[] {
  if (ev.kind === 'pings') return ev.pings.map((p) => `${ev.uploadAt} ${ev.key} ${JSON.stringify(p.ping)}`);
  if (ev.kind === 'truth') return [JSON.stringify(ev.record)];
  return [`${ev.kind} ${ev.key} ${JSON.stringify(ev.value)}`];
}

function pingLines(opts: SimOptions, feed?: DeviceProfileFeed): string[] {
  const out: string[] = [];
  for (const ev of simulateFleet(opts, undefined, feed)) if (ev.kind === 'pings') out.push(...line(ev));
  return out;
}

function feedOf(timelines: Map<string, ProfileDelivery[]>, deliveryDelayS = 0): DeviceProfileFeed {
  return {
    timeline: (tagId) => timelines.get(tagId) ?? [],
    deliveryDelayS,
    uploadLatencyS: 2,
    stats: newDeviceModeStats(),
  };
}

const RADIUS = 3_000;
function nearExclusionProfiles(opts: SimOptions): Map<string, ProfileDelivery[]> {
  const m = new Map<string, ProfileDelivery[]>();
  for (const s of buildFleet(opts)) {
    const c = s.exclusions[0]!.centre;
    const profile: DeviceProfile = {
      profileId: 'p-0000000000000001',
      tagId: s.tagId,
      asOf: opts.start,
      offsetRadiusM: 0,
      realTime: { fixIntervalS: 15, uploadWithinS: 0 },
      triggers: [
        {
          triggerId: 't-0000000000000001',
          kind: 'near-exclusion',
          circle: { lat: c.lat, lon: c.lon, radiusM: RADIUS },
        },
      ],
    };
    m.set(s.tagId, [{ at: opts.start, profile }]);
  }
  return m;
}

describe('simulated tags and device profiles', () => {
  it('given no profiles, then the fleet is byte-identical to the simulator before profiles', () => {
    const h = createHash('sha256');
    for (const ev of simulateFleet(small)) for (const l of line(ev)) h.update(`${l}\n`);
    expect(h.digest('hex')).toBe(GOLDEN);
  });

  it('given a feed whose profiles never trigger (or arrive after the run), then no ping changes', () => {
    const off = pingLines(small);
    expect(pingLines(small, feedOf(new Map()))).toEqual(off);
    const late = feedOf(nearExclusionProfiles(small), small.durationH * 3600 + 60);
    expect(pingLines(small, late)).toEqual(off);
    expect(late.stats.realTimeFixes).toBe(0);
  });

  it('given a near-exclusion trigger, then fixes inside it come every 15 s and reach the backend within the upload latency', () => {
    const timelines = nearExclusionProfiles(small);
    const feed = feedOf(timelines);
    const centre = new Map([...timelines].map(([tag, l]) => [tag, l[0]!.profile!.triggers[0]!.circle]));
    let inside = 0;
    let insideLate = 0;
    let outsideLate = 0;
    const lastTs = new Map<string, number>();
    const gapsInside: number[] = [];
    for (const ev of simulateFleet(small, undefined, feed)) {
      if (ev.kind !== 'pings') continue;
      for (const p of ev.pings) {
        const { lat, lon, ts } = p.ping;
        const prev = lastTs.get(ev.key);
        lastTs.set(ev.key, ts);
        if (lat === undefined || lon === undefined) continue;
        const c = centre.get(ev.key)!;
        if (haversineM(lat, lon, c.lat, c.lon) <= RADIUS) {
          inside++;
          if (ev.uploadAt - ts > 2_000) insideLate++;
          if (prev !== undefined) gapsInside.push(ts - prev);
        } else if (ev.uploadAt - ts > 2_000) outsideLate++;
      }
    }
    expect(inside).toBeGreaterThan(100);
    // The last fix of a batch triggers the upload; every fix inside is its own upload.
    expect(insideLate).toBe(0);
    expect(outsideLate).toBeGreaterThan(1000);
    expect(gapsInside.filter((g) => g > 15_000 && g < 60_000)).toEqual([]);
    expect(feed.stats.realTimeUploads).toBeGreaterThan(100);
    expect(feed.stats.realTimeFixes).toBeGreaterThanOrEqual(inside);
  });

  it('given profiles, then uploads still come in time order and each tag uploads its fixes in ts order, after taking them', () => {
    const feed = feedOf(nearExclusionProfiles(small));
    let lastUpload = Number.NEGATIVE_INFINITY;
    const lastTs = new Map<string, number>();
    let batches = 0;
    for (const ev of simulateFleet(small, undefined, feed)) {
      if (ev.kind !== 'pings') continue;
      batches++;
      expect(ev.uploadAt).toBeGreaterThanOrEqual(lastUpload);
      lastUpload = ev.uploadAt;
      for (const p of ev.pings) {
        expect(p.ping.ts).toBeGreaterThan(lastTs.get(ev.key) ?? Number.NEGATIVE_INFINITY);
        expect(p.ping.ts).toBeLessThanOrEqual(ev.uploadAt);
        lastTs.set(ev.key, p.ping.ts);
      }
    }
    expect(feed.stats.realTimeUploads).toBeGreaterThan(100);
    expect(batches).toBeGreaterThan(feed.stats.realTimeUploads);
  });

  it('given a curfew trigger with no quiet area, then real time only inside its window', () => {
    const opts = { ...small, subjects: 5, durationH: 24 };
    const m = new Map<string, ProfileDelivery[]>();
    for (const s of buildFleet(opts)) {
      const profile: DeviceProfile = {
        profileId: 'p-0000000000000002',
        tagId: s.tagId,
        asOf: opts.start,
        offsetRadiusM: 0,
        realTime: { fixIntervalS: 10, uploadWithinS: 0 },
        triggers: [
          {
            triggerId: 't-0000000000000002',
            kind: 'curfew',
            circle: { lat: 0, lon: 0, radiusM: 0 },
            schedule: { tz: 'Europe/London', windows: [{ days: ['mon'], start: '12:00', end: '13:00' }] },
          },
        ],
      };
      m.set(s.tagId, [{ at: opts.start, profile }]);
    }
    const feed = feedOf(m);
    let inWindow = 0;
    for (const ev of simulateFleet(opts, undefined, feed)) {
      if (ev.kind !== 'pings') continue;
      for (const p of ev.pings) {
        const hourLondon = new Date(p.ping.ts + 3_600_000).getUTCHours(); // June: BST = UTC+1
        // A real-time upload carries one fix and arrives exactly the latency after it.
        if (ev.pings.length === 1 && ev.uploadAt - p.ping.ts === 2_000) {
          expect(hourLondon).toBe(12);
          inWindow++;
        }
      }
    }
    // 5 tags x 1 h at 10 s.
    expect(inWindow).toBeGreaterThan(5 * 300);
    expect(feed.stats.realTimeMs).toBeGreaterThan(5 * 3_300_000);
    expect(feed.stats.realTimeMs).toBeLessThan(5 * 3_700_000);
  });
});
