import type { Alert, AlertAction } from '../../src/contract/index.js';
import { parseRoutingFile, type RoutingFile } from '../../src/notify/routing-config.js';

export const T0 = Date.UTC(2026, 10, 30, 14, 2, 31);

export function alert(over: Partial<Alert> = {}): Alert {
  return {
    alertId: 'a-1',
    type: 'EXCLUSION_ENTERED',
    severity: 'P1',
    subjectId: 'S-1',
    tagId: 'T-1',
    zoneId: 'Z-1',
    zoneVersion: 3,
    breachId: 'b-1',
    ts: T0 - 4_000,
    emittedAt: T0,
    lat: 51.501234,
    lon: -0.141234,
    accuracyM: 8,
    distanceM: 42.5,
    certainty: 'confirmed',
    ...over,
  };
}

export function escalation(over: Partial<AlertAction> = {}): AlertAction {
  return {
    actionId: 'act-1',
    incidentId: 'b-1',
    kind: 'escalate',
    user: 'op1',
    role: 'operator',
    at: T0 + 60_000,
    ...over,
  } as AlertAction;
}

export function routing(over: Record<string, unknown> = {}): RoutingFile {
  const parsed = parseRoutingFile({
    consoleBaseUrl: 'https://console.example.org/',
    endpoints: [
      { name: 'met', url: 'https://met.example.org/hook', secrets: [{ env: 'MET_SECRET' }] },
      { name: 'kent', url: 'http://127.0.0.1:9999/hook', secrets: [{ file: '/run/secrets/kent' }] },
    ],
    rules: [
      {
        name: 'p1-entries',
        mode: 'immediate',
        endpoints: ['met'],
        match: {
          types: ['EXCLUSION_ENTERED', 'INCLUSION_LEFT'],
          severities: ['P1'],
          certainties: ['confirmed'],
        },
      },
      { name: 'on-escalation', mode: 'escalation', endpoints: ['kent'], match: {} },
    ],
    ...over,
  });
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}
