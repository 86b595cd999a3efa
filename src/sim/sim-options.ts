/** Everything that shapes a simulated fleet. Same options (seed included) => same output, byte for byte. */
export interface SimOptions {
  /** Number of subjects, one tag each. */
  subjects: number;
  seed: number;
  /** Simulated start, epoch ms. */
  start: number;
  /** Simulated length, hours. */
  durationH: number;
  /** Share of subjects that make approach/entry trips towards a victim's exclusion zone (one a day). */
  approachShare: number;
  /**
   * Share of subjects whose workplace (or, without work, daily errand) lies 30-200 m outside the
   * victim's home zone: legitimately close for hours, the classic source of false alarms.
   */
  nearBoundaryShare: number;
  /** Chance per subject-day of coming home after the curfew starts. */
  curfewBreachShare: number;
  /** Chance per subject-day of a strap tamper episode. */
  tamperShare: number;
  /** Fix interval far from zones / within `nearZoneM` of an exclusion zone, seconds. */
  fixIntervalS: number;
  nearFixIntervalS: number;
  nearZoneM: number;
  /** Store-and-forward: each upload carries the fixes buffered over a uniform [min, max] minutes. */
  uploadMinMin: number;
  uploadMaxMin: number;
  /** Probability that a fix is a multipath outlier (its reported accuracy does not cover its error). */
  outlierRate: number;
  /**
   * Robustness runs (absent = off, so default runs stay byte-identical). Multiplies the GPS
   * error's correlation time: 2 = errors wander twice as slowly (fix-to-fix more alike).
   */
  errorCorrelationScale?: number;
  /** True GPS error = this × the error the reported accuracy describes (1.3: receivers over-confident). */
  trueErrorScale?: number;
  /**
   * Stress fleet: every approach trip is an entry that stops only 5-30 m inside the zone
   * boundary and dwells indoors (poor, correlated GPS), the hardest real entry to see.
   */
  shallowIndoorEntries?: boolean;
}

/** 2025-06-02 00:00 Europe/London (a Monday, BST): fixed so a seed alone names a fleet. */
export const DEFAULT_START_MS = Date.UTC(2025, 5, 1, 23, 0, 0);

export const DEFAULT_SIM_OPTIONS: SimOptions = {
  subjects: 10_000,
  seed: 1,
  start: DEFAULT_START_MS,
  durationH: 24,
  approachShare: 0.05,
  nearBoundaryShare: 0.03,
  curfewBreachShare: 0.02,
  tamperShare: 0.002,
  fixIntervalS: 60,
  nearFixIntervalS: 15,
  nearZoneM: 2_000,
  uploadMinMin: 1,
  uploadMaxMin: 10,
  outlierRate: 0.003,
};

export const CURFEW_TZ = 'Europe/London';
/** Curfew window, minutes after local midnight: 19:00 to 07:00 the next day. */
export const CURFEW_START_MIN = 19 * 60;
export const CURFEW_END_MIN = 7 * 60;
