import type { Alert } from './alert.js';

/**
 * An incident is what an operator owns and closes: one alert, or a pair that shares a breachId
 * (EXCLUSION_ENTERED → EXCLUSION_EXITED, INCLUSION_LEFT → INCLUSION_RETURNED, NO_SIGNAL →
 * SIGNAL_RESTORED). Its id is the breachId when the alert has one, else the alertId, so every
 * consumer (console, notifier) derives the same id from the alert alone.
 */
export function incidentIdOf(alert: Pick<Alert, 'alertId' | 'breachId'>): string {
  return alert.breachId ?? alert.alertId;
}

/** Path of an incident's page in the console, relative to the console's base URL. */
export function incidentPath(incidentId: string): string {
  return `/incidents/${encodeURIComponent(incidentId)}`;
}
