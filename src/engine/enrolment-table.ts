import type { Enrolment } from '../contract/index.js';

/**
 * Who wears which tag: the in-memory view of the compacted enrolments topic. One enrolment per
 * tag (the topic is keyed by tagId); a tombstone removes it.
 */
export class EnrolmentTable {
  readonly #byTag = new Map<string, Enrolment>();

  upsert(e: Enrolment): void {
    this.#byTag.set(e.tagId, e);
  }

  remove(tagId: string): boolean {
    return this.#byTag.delete(tagId);
  }

  get(tagId: string): Enrolment | undefined {
    return this.#byTag.get(tagId);
  }

  get size(): number {
    return this.#byTag.size;
  }
}

/** The subject wearing the tag at `ts` (validFrom <= ts < validTo), or undefined. */
export function subjectAt(e: Enrolment | undefined, ts: number): string | undefined {
  if (e === undefined) return undefined;
  if (e.validFrom !== undefined && ts < e.validFrom) return undefined;
  if (e.validTo !== undefined && ts >= e.validTo) return undefined;
  return e.subjectId;
}
