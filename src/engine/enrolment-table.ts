import type { Enrolment } from '../contract/index.js';

/**
 * Who wears which tag: the in-memory view of the compacted enrolments topic. One enrolment per
 * tag (the topic is keyed by tagId); a tombstone removes it.
 */
export class EnrolmentTable {
  readonly #byTag = new Map<string, Enrolment>();
  /** When each enrolment was first seen (its record's timestamp), for tags that never report. */
  readonly #seenAt = new Map<string, number>();
  /** Versions are unique across tables, so a version also tells tables apart. */
  static #stamp = 0;
  #version = ++EnrolmentTable.#stamp;

  /**
   * Changes whenever an enrolment is added, replaced or removed, and differs between any two
   * tables (see enrolment-link.ts).
   */
  get version(): number {
    return this.#version;
  }

  /** `seenAt`: the record's timestamp; an update of the same enrolment keeps the first one. */
  upsert(e: Enrolment, seenAt?: number): void {
    const prev = this.#byTag.get(e.tagId);
    this.#byTag.set(e.tagId, e);
    this.#version = ++EnrolmentTable.#stamp;
    if (prev !== undefined && enrolmentKey(prev) === enrolmentKey(e) && this.#seenAt.has(e.tagId)) return;
    if (seenAt === undefined) this.#seenAt.delete(e.tagId);
    else this.#seenAt.set(e.tagId, seenAt);
  }

  remove(tagId: string): boolean {
    this.#seenAt.delete(tagId);
    this.#version = ++EnrolmentTable.#stamp;
    return this.#byTag.delete(tagId);
  }

  get(tagId: string): Enrolment | undefined {
    return this.#byTag.get(tagId);
  }

  /** Since when the tag has been enrolled: validFrom, else when the enrolment was first seen. */
  enrolledSince(tagId: string): number | undefined {
    return this.#byTag.get(tagId)?.validFrom ?? this.#seenAt.get(tagId);
  }

  tagIds(): IterableIterator<string> {
    return this.#byTag.keys();
  }

  get size(): number {
    return this.#byTag.size;
  }
}

/** Identifies one enrolment of a tag: who wears it, from when. A new key is a new enrolment. */
export function enrolmentKey(e: Enrolment): string {
  return `${e.subjectId}|${e.validFrom ?? ''}`;
}

/** The subject wearing the tag at `ts` (validFrom <= ts < validTo), or undefined. */
export function subjectAt(e: Enrolment | undefined, ts: number): string | undefined {
  if (e === undefined) return undefined;
  if (e.validFrom !== undefined && ts < e.validFrom) return undefined;
  if (e.validTo !== undefined && ts >= e.validTo) return undefined;
  return e.subjectId;
}
