import type { Enrolment } from '../contract/index.js';

/**
 * Who wears which tag: the in-memory view of the compacted enrolments topic. One enrolment per
 * tag (the topic is keyed by tagId); a tombstone removes it.
 */
export class EnrolmentTable {
  /**
   * An enrolment without a validity window (most of them) is stored as its subject id, and
   * rebuilt by get(): the object cost 40 B a tag, a fifth of the heap a tag's zones and
   * enrolment take at 1M zones. One with a window is stored as it came.
   */
  readonly #byTag = new Map<string, string | Enrolment>();
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
    const prev = this.get(e.tagId);
    this.#byTag.set(e.tagId, e.validFrom === undefined && e.validTo === undefined ? e.subjectId : e);
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

  /** The tag's enrolment: equal to the one upserted, not always the same object. */
  get(tagId: string): Enrolment | undefined {
    const stored = this.#byTag.get(tagId);
    return typeof stored === 'string' ? { tagId, subjectId: stored } : stored;
  }

  /** Since when the tag has been enrolled: validFrom, else when the enrolment was first seen. */
  enrolledSince(tagId: string): number | undefined {
    const stored = this.#byTag.get(tagId);
    return (typeof stored === 'string' ? undefined : stored?.validFrom) ?? this.#seenAt.get(tagId);
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
