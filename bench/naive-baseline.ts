/**
 * The naive geofence the benchmark compares against: judge each fix by its reported position
 * alone, no accuracy circle, no confirmation, no speed filter. Two variants:
 *  - 'every-fix': an alert for every fix inside an exclusion zone (what a simple rule engine
 *    over a stream of points does);
 *  - 'on-entry': an alert when a fix is inside and the tag's previous fix for that zone was not.
 * It uses the same compiled geometry (src/geo) as Fenceline, so the comparison isolates the
 * decision rules, not the geometry code. Bench-only: this is not a product feature.
 */
import type { Ping } from '../src/contract/index.js';
import { type CompiledZone, signedDistanceM, type ZoneIndex } from '../src/geo/index.js';
import type { ScoredAlert } from './match-truth.js';

export type NaiveVariant = 'every-fix' | 'on-entry';

export class NaiveBaseline {
  readonly alerts: ScoredAlert[] = [];
  /** Per tag, the zones its previous fix was inside (for 'on-entry'). */
  private readonly insideByTag = new Map<string, Set<string>>();
  private current = new Set<string>();

  constructor(
    private readonly zones: ZoneIndex,
    private readonly subjectOf: (tagId: string) => string | undefined,
    private readonly variant: NaiveVariant,
  ) {}

  apply(ping: Ping, arrivedAt: number, outlier = false): void {
    if (ping.lat === undefined || ping.lon === undefined) return;
    const subjectId = this.subjectOf(ping.tagId);
    if (subjectId === undefined) return;
    const { lat, lon, tagId, ts } = ping;
    const before = this.insideByTag.get(tagId);
    const now = this.current;
    this.zones.forEachCandidate(subjectId, lat, lon, (z: CompiledZone) => {
      if (z.kind !== 'exclusion' || ts < z.validFrom || ts >= z.validTo) return;
      if (signedDistanceM(z, lat, lon) > 0) return;
      now.add(z.zoneId);
      if (this.variant === 'every-fix' || !before?.has(z.zoneId)) {
        this.alerts.push({ tagId, zoneId: z.zoneId, ts, arrivedAt, outlier });
      }
    });
    if (now.size > 0) {
      this.insideByTag.set(tagId, now);
      this.current = before ?? new Set();
      this.current.clear();
    } else if (before) {
      this.insideByTag.delete(tagId);
    }
  }
}
