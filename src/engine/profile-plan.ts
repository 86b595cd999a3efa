/**
 * What a profile publisher must write, given what it last published: the decision half of the
 * `fenceline profiles` process, pure so a restart's behaviour can be tested without a broker.
 *
 * `published` maps tagId -> profileId of the newest value on the device-config topic (read back
 * at start, then kept current after each committed transaction). A tag whose derived profile has
 * another id gets the new profile; a tag that has none now but had one gets a tombstone; an
 * unchanged tag gets nothing. So re-running the plan after a crash writes nothing twice.
 */
import type { DeviceProfile } from '../contract/index.js';

export interface ProfileWrite {
  readonly tagId: string;
  /** null: tombstone (the tag has no profile any more). */
  readonly profile: DeviceProfile | null;
}

export function planProfileWrites(
  tags: Iterable<string>,
  published: ReadonlyMap<string, string>,
  derive: (tagId: string) => DeviceProfile | null,
): ProfileWrite[] {
  const writes: ProfileWrite[] = [];
  const seen = new Set<string>();
  for (const tagId of tags) {
    if (seen.has(tagId)) continue;
    seen.add(tagId);
    const profile = derive(tagId);
    const before = published.get(tagId);
    if (profile === null) {
      if (before !== undefined) writes.push({ tagId, profile: null });
    } else if (profile.profileId !== before) {
      writes.push({ tagId, profile });
    }
  }
  return writes;
}

/** Apply committed writes to the published map. */
export function recordPublished(published: Map<string, string>, writes: readonly ProfileWrite[]): void {
  for (const w of writes) {
    if (w.profile === null) published.delete(w.tagId);
    else published.set(w.tagId, w.profile.profileId);
  }
}
