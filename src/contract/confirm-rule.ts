/**
 * The contract's confirmation rules for raising a violation (docs/CONTRACT.md):
 *  - 'corroborated' (rule 1.1, the default): two violating fixes in a row with at least one
 *    confirmed, or an evidence score over time;
 *  - 'single-fix' (rule 1.0, "single fix confirms"): one confirmed fix, or confirmFixes in a row.
 *    Faster, noisier: a multipath outlier with a small accuracy raises on its own.
 * A deployment picks one by configuration; the engine implements both.
 */
export const CONFIRM_RULES = ['corroborated', 'single-fix'] as const;
export type ConfirmRule = (typeof CONFIRM_RULES)[number];
