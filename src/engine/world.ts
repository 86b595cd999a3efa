import type { ZoneIndex } from '../geo/index.js';
import type { EnrolmentTable } from './enrolment-table.js';

/** The global tables every decision reads: zones (with their R-tree) and enrolments. */
export interface World {
  readonly zones: ZoneIndex;
  readonly enrolments: EnrolmentTable;
}
