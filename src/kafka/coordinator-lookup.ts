/**
 * Makes kafkajs remember coordinators (coordinator-cache.ts says why and when they are forgotten).
 *
 * kafkajs gets no new releases, so this wraps two of its internals once per process, the way
 * read-committed.ts wraps the fetch parser:
 * - `Cluster.findGroupCoordinator` answers from the cache while the entry is usable, else asks the
 *   cluster as before (with kafkajs' own retries) and remembers the answer's node id;
 * - the coordinator requests on `Broker` (transactions, groups, offsets) bump the failure epoch
 *   when they fail in a way that may mean the coordinator moved, so the next lookup asks again.
 * Produce and fetch go to partition leaders, not coordinators, and are left alone.
 */
import { createRequire } from 'node:module';
import { type CoordinatorEntry, coordinatorKey, forgetsCoordinators, isUsable } from './coordinator-cache.js';

interface LookupArgs {
  groupId: string;
  coordinatorType?: number;
}
interface BrokerLike {
  nodeId?: number;
}
interface ClusterLike {
  findBroker(args: { nodeId: number }): Promise<BrokerLike>;
}
type Find = (this: ClusterLike, args: LookupArgs) => Promise<BrokerLike>;
type Request = (this: BrokerLike, ...args: unknown[]) => Promise<unknown>;

/** Broker requests answered by a group or transaction coordinator. */
const COORDINATOR_REQUESTS = [
  'initProducerId',
  'addPartitionsToTxn',
  'addOffsetsToTxn',
  'txnOffsetCommit',
  'endTxn',
  'joinGroup',
  'syncGroup',
  'heartbeat',
  'leaveGroup',
  'offsetCommit',
  'offsetFetch',
  'describeGroups',
  'deleteGroups',
] as const;

const MARK = Symbol.for('fenceline.coordinatorLookup');
let epoch = 0;
const caches = new WeakMap<ClusterLike, Map<string, CoordinatorEntry>>();

/** Forget every remembered coordinator (tests; also what a failed coordinator request does). */
export function forgetCoordinators(): void {
  epoch++;
}

function cacheOf(cluster: ClusterLike): Map<string, CoordinatorEntry> {
  let cache = caches.get(cluster);
  if (cache === undefined) {
    cache = new Map();
    caches.set(cluster, cache);
  }
  return cache;
}

function install(): void {
  const require = createRequire(import.meta.url);
  const Cluster = require('kafkajs/src/cluster/index.js') as { prototype: Record<string | symbol, unknown> };
  const Broker = require('kafkajs/src/broker/index.js') as { prototype: Record<string | symbol, unknown> };
  if (Cluster.prototype[MARK]) return;
  Cluster.prototype[MARK] = true;

  const find = Cluster.prototype.findGroupCoordinator as Find;
  Cluster.prototype.findGroupCoordinator = async function (this: ClusterLike, args: LookupArgs) {
    const key = coordinatorKey(args.groupId, args.coordinatorType);
    const cache = cacheOf(this);
    const known = cache.get(key);
    if (isUsable(known, Date.now(), epoch)) {
      try {
        return await this.findBroker({ nodeId: known.nodeId });
      } catch {
        cache.delete(key); // not in the metadata any more: ask the cluster below
      }
    }
    const asked = epoch;
    const broker = await find.call(this, args);
    if (typeof broker.nodeId === 'number')
      cache.set(key, { nodeId: broker.nodeId, at: Date.now(), epoch: asked });
    return broker;
  };

  for (const name of COORDINATOR_REQUESTS) {
    const request = Broker.prototype[name] as Request | undefined;
    if (typeof request !== 'function')
      throw new Error(`kafkajs Broker has no ${name}: coordinator cache not installed`);
    Broker.prototype[name] = async function (this: BrokerLike, ...args: unknown[]) {
      try {
        return await request.apply(this, args);
      } catch (err) {
        if (forgetsCoordinators(err)) epoch++;
        throw err;
      }
    };
  }
}

install();
