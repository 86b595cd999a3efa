/**
 * Device profiles for an offline simulated run, computed in-process with the engine from the
 * fleet's own zones and enrolments: what `fenceline profiles` would publish, as a timeline per
 * tag (re-derived at each refreshBy). The composition root is the one place that may hand the
 * engine's output to the simulator, which itself imports only the contract.
 */
import type { DeviceProfile } from '../contract/index.js';
import { deriveDeviceProfile, EnrolmentTable, type KeyedHash, type ProfileConfig } from '../engine/index.js';
import { compileZone, ZoneIndex } from '../geo/index.js';
import { type DeviceProfileFeed, newDeviceModeStats, type ProfileDelivery } from '../sim/device-mode.js';
import { simEnd } from '../sim/fleet.js';
import type { SimOptions } from '../sim/sim-options.js';
import type { SubjectSpec } from '../sim/subject-spec.js';

export interface InProcessFeedOptions {
  readonly profile: ProfileConfig;
  readonly hash: KeyedHash;
  readonly deliveryDelayS: number;
  readonly uploadLatencyS: number;
}

export function inProcessProfileFeed(
  opts: SimOptions,
  specs: readonly SubjectSpec[],
  o: InProcessFeedOptions,
): DeviceProfileFeed {
  const zones = new ZoneIndex();
  const enrolments = new EnrolmentTable();
  for (const s of specs) {
    for (const z of [...s.exclusions, s.curfew]) zones.upsert(compileZone(z.zone));
    enrolments.upsert(s.enrolment);
  }
  const end = simEnd(opts);
  const timelines = new Map<string, ProfileDelivery[]>();
  for (const s of specs) {
    const tagId = s.enrolment.tagId;
    const line: ProfileDelivery[] = [];
    let now: number | undefined = opts.start;
    while (now !== undefined && now < end) {
      const enrolment = enrolments.get(tagId);
      const zs = zones.zonesOf(enrolment?.subjectId ?? '');
      const d = deriveDeviceProfile({ tagId, enrolment, zones: zs, now }, o.profile, o.hash);
      if (line.at(-1)?.profile?.profileId !== d.profile?.profileId)
        line.push({ at: now, profile: d.profile });
      now = d.refreshBy;
    }
    timelines.set(tagId, line);
  }
  return {
    timeline: (tagId) => timelines.get(tagId) ?? [],
    deliveryDelayS: o.deliveryDelayS,
    uploadLatencyS: o.uploadLatencyS,
    stats: newDeviceModeStats(),
  };
}

/** Every profile in a feed's timelines (for reporting). */
export function feedProfiles(feed: DeviceProfileFeed, specs: readonly SubjectSpec[]): DeviceProfile[] {
  return specs.flatMap((s) =>
    feed.timeline(s.enrolment.tagId).flatMap((d) => (d.profile === null ? [] : [d.profile])),
  );
}
