/** The rule comparison bench: both rules see the same fleet and are scored by the same truth. */
import { describe, expect, it } from 'vitest';
import { compareRules } from '../../bench/rule-comparison.js';
import { renderRules, renderStress } from '../../bench/rule-robustness.js';
import { DEFAULT_SIM_OPTIONS } from '../../src/sim/sim-options.js';

describe('compareRules', () => {
  it('given a small fleet with approachers and outliers, then rule 1.1 raises no more false entries than rule 1.0 over the same truth', () => {
    const r = compareRules('tiny', {
      ...DEFAULT_SIM_OPTIONS,
      subjects: 40,
      durationH: 24,
      approachShare: 0.5,
      nearBoundaryShare: 0.3,
      outlierRate: 0.02,
    });
    expect(r.rules.map((x) => x.name)).toEqual(['single fix confirms (1.0)', 'corroborated (1.1)']);
    const [old, now] = r.rules;
    expect(now!.entered.episodes).toBe(old!.entered.episodes);
    expect(old!.entered.episodes).toBeGreaterThan(3);
    expect(now!.entered.falseAlerts).toBeLessThanOrEqual(old!.entered.falseAlerts);
    expect(old!.entered.falseAlerts).toBeGreaterThan(0); // 2% outliers: rule 1.0 must show some
    for (const x of r.rules) {
      expect(x.approachFirst.episodes).toBe(x.entered.episodes);
      expect(x.approachFirst.missed).toBe(x.entered.episodes - x.entered.detected);
      expect(x.approachFirst.missedWithApproach).toBeLessThanOrEqual(x.approachFirst.missed);
    }
    expect(renderRules([r])).toContain('| tiny (40) | corroborated (1.1) |');
    expect(renderStress(r)).toContain('| single fix confirms (1.0) |');
  }, 120_000);
});
