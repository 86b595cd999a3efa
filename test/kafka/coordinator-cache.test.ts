import { describe, expect, it } from 'vitest';
import {
  COORDINATOR_TTL_MS,
  coordinatorKey,
  forgetsCoordinators,
  isUsable,
} from '../../src/kafka/coordinator-cache.js';

const protocolError = (type: string) =>
  Object.assign(new Error(type), { name: 'KafkaJSProtocolError', type });

describe('forgetsCoordinators', () => {
  it.each([
    'NOT_COORDINATOR_FOR_GROUP',
    'NOT_COORDINATOR',
    'GROUP_COORDINATOR_NOT_AVAILABLE',
    'COORDINATOR_NOT_AVAILABLE',
    'GROUP_LOAD_IN_PROGRESS',
    'COORDINATOR_LOAD_IN_PROGRESS',
  ])('forgets on %s (the coordinator moved or is not ready)', (type) => {
    expect(forgetsCoordinators(protocolError(type))).toBe(true);
  });

  it.each([
    'CONCURRENT_TRANSACTIONS',
    'INVALID_PRODUCER_EPOCH',
    'INVALID_TXN_STATE',
    'UNKNOWN_TOPIC_OR_PARTITION',
  ])('keeps on %s (says nothing about where the coordinator is)', (type) => {
    expect(forgetsCoordinators(protocolError(type))).toBe(false);
  });

  it('forgets on a lost connection, a timeout or anything that is not a protocol error', () => {
    expect(forgetsCoordinators(Object.assign(new Error('x'), { name: 'KafkaJSConnectionError' }))).toBe(true);
    expect(forgetsCoordinators(Object.assign(new Error('x'), { name: 'KafkaJSRequestTimeoutError' }))).toBe(
      true,
    );
    expect(forgetsCoordinators(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(forgetsCoordinators('boom')).toBe(true);
    expect(forgetsCoordinators(null)).toBe(true);
  });
});

describe('isUsable', () => {
  const entry = { nodeId: 1, at: 1_000, epoch: 3 };

  it('uses an entry of the current epoch within the time limit', () => {
    expect(isUsable(entry, 1_000, 3)).toBe(true);
    expect(isUsable(entry, 1_000 + COORDINATOR_TTL_MS - 1, 3)).toBe(true);
  });

  it('drops it at the time limit, after any failure (new epoch), or when the clock went back', () => {
    expect(isUsable(entry, 1_000 + COORDINATOR_TTL_MS, 3)).toBe(false);
    expect(isUsable(entry, 1_500, 4)).toBe(false);
    expect(isUsable(entry, 999, 3)).toBe(false);
    expect(isUsable(undefined, 1_000, 3)).toBe(false);
  });
});

describe('coordinatorKey', () => {
  it('keeps a group and a transactional id of the same name apart', () => {
    expect(coordinatorKey('x', 0)).not.toBe(coordinatorKey('x', 1));
    expect(coordinatorKey('x', undefined)).toBe(coordinatorKey('x', 0));
  });
});
