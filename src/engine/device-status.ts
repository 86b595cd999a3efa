/**
 * Device status carried by pings: strap and battery. Each is ordered by its own ts, so a status
 * older than the last one seen for that field (a buffered upload) changes nothing and raises
 * nothing: the newer reading already describes the device.
 */
import type { Alert, Ping } from '../contract/index.js';
import { deviceAlert } from './alert-factory.js';
import { type EngineConfig, LOW_BATTERY_HYSTERESIS } from './config.js';
import type { EvidenceFix, TagState } from './tag-state.js';

export function hasStatus(ping: Ping): boolean {
  return ping.strap !== undefined || ping.battery !== undefined;
}

/** Update strap and battery state from `ping`; push STRAP_TAMPER / LOW_BATTERY when they start. */
export function applyStatus(
  config: EngineConfig,
  state: TagState,
  ping: Ping,
  subjectId: string,
  emittedAt: number,
  out: Alert[],
): void {
  const ts = ping.ts;
  const strap = ping.strap;
  if (strap !== undefined && (state.strapTs === null || ts >= state.strapTs)) {
    // Tamper after 'ok' or after nothing known; a repeated 'tampered' is the same tamper, and
    // 'ok' re-arms it.
    if (strap === 'tampered' && state.strap !== 'tampered') {
      out.push(
        deviceAlert('STRAP_TAMPER', subjectId, state.tagId, null, ts, emittedAt, pingFix(config, ping)),
      );
    }
    state.strap = strap;
    state.strapTs = ts;
  }
  const battery = ping.battery;
  if (battery !== undefined && (state.batteryTs === null || ts >= state.batteryTs)) {
    if (!state.batteryLow) {
      if (battery < config.lowBatteryThreshold) {
        state.batteryLow = true;
        out.push(
          deviceAlert('LOW_BATTERY', subjectId, state.tagId, null, ts, emittedAt, pingFix(config, ping)),
        );
      }
    } else if (battery >= config.lowBatteryThreshold + LOW_BATTERY_HYSTERESIS) {
      state.batteryLow = false; // recovered: the next fall below the threshold alerts again
    }
    state.batteryTs = ts;
  }
}

/** The ping's own position for a device alert, if it carries one (allocated only on alert). */
function pingFix(config: EngineConfig, ping: Ping): EvidenceFix | null {
  if (ping.lat === undefined || ping.lon === undefined) return null;
  return { ts: ping.ts, lat: ping.lat, lon: ping.lon, accuracyM: ping.accuracyM ?? config.defaultAccuracyM };
}
