/**
 * A tag state's link to its enrolment and its subject's zones: the per-fix lookups by tag id and
 * by subject id without hashing either.
 *
 * Every ping needs its tag's enrolment. Looking it up by tag id in the enrolment table costs a
 * hash of the id and a few cache misses in a table of every enrolled tag, which measured 9% of a
 * fix at 100k zones. The state is already at hand, so it keeps a link to the enrolment it last
 * found, valid while the table is the same table at the same version (any upsert or remove moves
 * the version, and a link that is not current is looked up again). Likewise the subject's zone
 * record in the zone index (the first step of finding candidate zones, another hash lookup):
 * kept while it is the same index, the same subject, and the record is live.
 *
 * The link is a non-enumerable symbol-keyed property: it is not part of the state's data
 * (JSON.stringify, the codecs, equality and cloneTagState ignore it), only a cache.
 */
import type { SubjectZones, ZoneIndex } from '../geo/index.js';
import { type EnrolmentTable, enrolmentKey } from './enrolment-table.js';
import type { TagState } from './tag-state.js';

/**
 * Holds ids, not the table or the index: a state that stops receiving fixes must not keep a
 * replaced (possibly million-zone) table alive.
 */
interface EnrolmentLink {
  /** EnrolmentTable.version: unique across tables. */
  version: number;
  /** enrolmentKey(enrolment), or null when not enrolled. */
  key: string | null;
  /**
   * The enrolment's subject and validity window [from, to), copied so the per-fix check
   * (wearerAt) reads the link it already holds, not the enrolment record too. Null, +Infinity and
   * -Infinity when not enrolled; an open end is -Infinity or +Infinity.
   */
  wearer: string | null;
  from: number;
  to: number;
  /** ZoneIndex.id of the index subjectZones came from. */
  zonesId: number;
  subjectId: string | null;
  subjectZones: SubjectZones | undefined;
}

const LINK = Symbol('fenceline.enrolmentLink');
type Linked = TagState & { [LINK]?: EnrolmentLink };

/** The tag's enrolment in `table` (as table.get(state.tagId)), linked on the state. */
export function linkedEnrolment(table: EnrolmentTable, state: TagState): EnrolmentLink {
  const s = state as Linked;
  let link = s[LINK];
  if (link === undefined) {
    link = {
      version: -1,
      key: null,
      wearer: null,
      from: Number.POSITIVE_INFINITY,
      to: Number.NEGATIVE_INFINITY,
      zonesId: -1,
      subjectId: null,
      subjectZones: undefined,
    };
    Object.defineProperty(s, LINK, { value: link, enumerable: false, writable: false });
  }
  if (link.version !== table.version) {
    const e = table.get(state.tagId);
    link.version = table.version;
    link.key = e === undefined ? null : enrolmentKey(e);
    link.wearer = e === undefined ? null : e.subjectId;
    link.from = e === undefined ? Number.POSITIVE_INFINITY : (e.validFrom ?? Number.NEGATIVE_INFINITY);
    link.to = e === undefined ? Number.NEGATIVE_INFINITY : (e.validTo ?? Number.POSITIVE_INFINITY);
  }
  return link;
}

/** As subjectAt(table.get(tagId), ts): the subject wearing the tag at `ts`, or undefined. */
export function wearerAt(link: EnrolmentLink, ts: number): string | undefined {
  return ts >= link.from && ts < link.to ? link.wearer! : undefined;
}

/** As zones.subjectZones(subjectId), linked on the state (after linkedEnrolment). */
export function linkedSubjectZones(
  zones: ZoneIndex,
  state: TagState,
  subjectId: string,
): SubjectZones | undefined {
  const link = (state as Linked)[LINK];
  if (link === undefined) return zones.subjectZones(subjectId);
  const kept = link.subjectZones;
  if (kept?.live && link.zonesId === zones.id && link.subjectId === subjectId) return kept;
  const found = zones.subjectZones(subjectId);
  link.zonesId = zones.id;
  link.subjectId = subjectId;
  link.subjectZones = found; // undefined (no zones yet) is looked up again next time
  return found;
}
