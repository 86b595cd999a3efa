/**
 * Given 10,000 pings of which 500 are malformed in ten different ways, when one worker consumes
 * them, then exactly those 500 land in the DLQ with their original key, bytes and provenance
 * headers and a reason naming the problem, the valid-ping counter scraped from /metrics reads
 * 9,500, and a ping sent afterwards is still consumed. (The scenario is shared with the
 * secured-broker test: fixtures/dlq-scenario.ts.)
 */
import { inject } from 'vitest';
import { dlqScenario } from './fixtures/dlq-scenario.js';

const brokers = inject('kafkaBrokers');

dlqScenario('worker: DLQ and the valid-ping counter', () => ({ admin: brokers, worker: brokers }));
