/**
 * Where the simulated subjects live: the areas of the Domestic Abuse Protection Order pilot.
 * Centres are approximate town centres; spread is the standard deviation of home positions
 * (metres, east and north); weight is the share of subjects, roughly by population.
 */
import type { LatLon } from './geodesy.js';

export interface Region {
  readonly name: string;
  readonly centre: LatLon;
  readonly spreadM: number;
  readonly weight: number;
}

export const PILOT_REGIONS: readonly Region[] = [
  { name: 'Greater Manchester', centre: { lat: 53.4808, lon: -2.2426 }, spreadM: 11_000, weight: 0.36 },
  { name: 'Croydon', centre: { lat: 51.3762, lon: -0.0982 }, spreadM: 3_500, weight: 0.08 },
  { name: 'Bromley', centre: { lat: 51.4039, lon: 0.0198 }, spreadM: 4_500, weight: 0.07 },
  { name: 'Sutton', centre: { lat: 51.3618, lon: -0.1945 }, spreadM: 3_000, weight: 0.05 },
  { name: 'Gwent', centre: { lat: 51.6214, lon: -3.0236 }, spreadM: 9_000, weight: 0.12 },
  { name: 'Cleveland', centre: { lat: 54.5742, lon: -1.235 }, spreadM: 7_000, weight: 0.12 },
  { name: 'North Wales', centre: { lat: 53.19, lon: -3.42 }, spreadM: 18_000, weight: 0.2 },
];

/** Pick a region by weight from a uniform [0, 1) draw. */
export function regionFor(u: number): Region {
  let acc = 0;
  const total = PILOT_REGIONS.reduce((s, r) => s + r.weight, 0);
  for (const r of PILOT_REGIONS) {
    acc += r.weight / total;
    if (u < acc) return r;
  }
  return PILOT_REGIONS.at(-1)!;
}
