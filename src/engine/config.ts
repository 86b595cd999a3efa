/**
 * Tunables of the decision rules. Everything else the engine decides is fixed by the wire
 * contract; these are the knobs the contract calls "configurable".
 */
import type { ConfirmRule } from '../contract/index.js';

/**
 * How a violation (ENTERED, and LEFT when `corroborateInclusion`) is raised: the contract's
 * CONFIRM_RULES ('corroborated' = rule 1.1, the default, see evidence-score.ts; 'single-fix' =
 * rule 1.0).
 */
export { CONFIRM_RULES, type ConfirmRule } from '../contract/index.js';

export interface EngineConfig {
  /**
   * Consecutive fixes that end a violation (clear side) or raise/end an APPROACH; under the
   * 'single-fix' rule also the consecutive violating fixes that raise a violation.
   */
  confirmFixes: number;
  /** Entry rule for violations; see ConfirmRule. */
  confirmRule: ConfirmRule;
  /** Apply the corroborated rule to INCLUSION_LEFT too (else LEFT follows 'single-fix'). */
  corroborateInclusion: boolean;
  /** Evidence time constant τ (s): a fix Δt after the previous one weighs min(1, Δt/τ). */
  evidenceTauS: number;
  /** Evidence score (natural-log odds) at which a possible violation is raised. */
  evidenceThreshold: number;
  /** Assumed share of fixes whose error their accuracy does not describe (caps one fix's weight). */
  evidenceOutlierShare: number;
  /** A fix implying a faster move than this from the last accepted fix is set aside. */
  maxSpeedMps: number;
  /** Accuracy radius assumed for a fix that carries no accuracyM. */
  defaultAccuracyM: number;
  /** LOW_BATTERY when battery falls below this; it recovers at threshold + LOW_BATTERY_HYSTERESIS. */
  lowBatteryThreshold: number;
  /** NO_SIGNAL after this many seconds of wall-clock time without an accepted fix. */
  noSignalAfterS: number;
}

export const DEFAULT_ENGINE_CONFIG: Readonly<EngineConfig> = Object.freeze({
  confirmFixes: 2,
  confirmRule: 'corroborated',
  corroborateInclusion: true,
  evidenceTauS: 60,
  evidenceThreshold: 6.9,
  evidenceOutlierShare: 0.01,
  maxSpeedMps: 70,
  defaultAccuracyM: 25,
  lowBatteryThreshold: 0.15,
  noSignalAfterS: 900,
});

/**
 * Battery must climb this far above the threshold before a low battery counts as recovered:
 * a battery hovering at the threshold (readings 0.149, 0.151, 0.149...) would otherwise raise
 * LOW_BATTERY on every other ping.
 */
export const LOW_BATTERY_HYSTERESIS = 0.05;

/**
 * How long a closed violation episode is remembered for judging late fixes. Tags upload
 * buffered fixes minutes (at worst hours) after taking them; a fix older than this behind the
 * episode's end that shows the same violation would raise a (late) alert again.
 */
export const EPISODE_RETENTION_MS = 24 * 3600 * 1000;

/** At most this many violation episodes are kept per zone (the oldest closed one goes first). */
export const MAX_EPISODES = 8;

/**
 * At most this many fixes are kept as a violation's pending evidence (the run, and the fixes
 * that built the score); the oldest goes first. Bounds the state of a long possible-only run.
 */
export const EVIDENCE_CAP = 8;

/** Applied fix timestamps remembered per tag to recognise a repeated fix. */
export const RECENT_TS_CAPACITY = 16;
