/** Ground-truth records the simulator writes (JSONL, one per line) for the benchmarks to score against. */

/** The subject was truly inside an exclusion zone over [entryTs, exitTs). exitTs null: still inside at the end. */
export interface ExclusionTruth {
  type: 'exclusion';
  subjectId: string;
  tagId: string;
  zoneId: string;
  entryTs: number;
  exitTs: number | null;
}

/** The subject was truly outside their curfew zone while its window was active. */
export interface CurfewTruth {
  type: 'curfew';
  subjectId: string;
  tagId: string;
  zoneId: string;
  fromTs: number;
  toTs: number | null;
}

/** The strap reported "tampered" over [fromTs, toTs]. */
export interface TamperTruth {
  type: 'strap_tamper';
  subjectId: string;
  tagId: string;
  fromTs: number;
  toTs: number;
}

/** The first ping reporting battery below the threshold after one at or above it. */
export interface LowBatteryTruth {
  type: 'low_battery';
  subjectId: string;
  tagId: string;
  ts: number;
}

export type TruthRecord = ExclusionTruth | CurfewTruth | TamperTruth | LowBatteryTruth;
