/**
 * Issue 9, item 10 (deployment safety): created topics take the configured replication factor
 * and min.insync.replicas, capped to what the cluster can hold, so the defaults (3 and 2) suit a
 * three-broker cluster and still work on one broker.
 */
import { describe, expect, it } from 'vitest';
import { replicationFor } from '../../src/stream/topic-setup.js';

describe('deployment safety: replication of created topics', () => {
  const defaults = { replicationFactor: 3, minInsyncReplicas: 2 };

  it('keeps 3 / 2 on three or more brokers', () => {
    expect(replicationFor(defaults, 3)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
    expect(replicationFor(defaults, 7)).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('falls back on smaller clusters: min ISR stays below the factor so one broker may fail', () => {
    expect(replicationFor(defaults, 2)).toEqual({ replicationFactor: 2, minInsyncReplicas: 1 });
    expect(replicationFor(defaults, 1)).toEqual({ replicationFactor: 1, minInsyncReplicas: 1 });
  });

  it('honours explicit settings within those caps', () => {
    expect(replicationFor({ replicationFactor: 5, minInsyncReplicas: 3 }, 5)).toEqual({
      replicationFactor: 5,
      minInsyncReplicas: 3,
    });
    expect(replicationFor({ replicationFactor: 3, minInsyncReplicas: 3 }, 3)).toEqual({
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
  });
});
