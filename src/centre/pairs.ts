/**
 * Which alert types open an incident's condition and which clear it. A clearing alert carries the
 * opening alert's breachId, so both fold into one incident (incidentIdOf in the contract).
 */
import type { AlertType } from '../contract/index.js';
import type { ZoneKind } from './incident.js';

export const CLEARING_TYPES: ReadonlySet<AlertType> = new Set([
  'EXCLUSION_EXITED',
  'INCLUSION_RETURNED',
  'SIGNAL_RESTORED',
]);

export function isClearing(type: AlertType): boolean {
  return CLEARING_TYPES.has(type);
}

/** The zone's kind follows from the alert type; alerts do not carry the zone itself. */
export function zoneKindOf(type: AlertType): ZoneKind | undefined {
  switch (type) {
    case 'EXCLUSION_ENTERED':
    case 'EXCLUSION_EXITED':
    case 'EXCLUSION_APPROACH':
      return 'exclusion';
    case 'INCLUSION_LEFT':
    case 'INCLUSION_RETURNED':
      return 'inclusion';
    case 'NO_SIGNAL':
    case 'SIGNAL_RESTORED':
    case 'STRAP_TAMPER':
    case 'LOW_BATTERY':
    case 'CONFIG_REJECTED':
      return undefined;
    default: {
      const never: never = type;
      return never;
    }
  }
}
