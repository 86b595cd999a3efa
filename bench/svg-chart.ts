/**
 * Hand-written SVG charts for the benchmark summary: grouped bars and log-x lines. Plain strings,
 * no dependencies; every value is printed on the chart so it reads without hovering.
 */

const W = 720;
const H = 360;
const M = { top: 48, right: 24, bottom: 64, left: 84 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(0)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2).replace(/\.?0+$/, '');
  return v.toPrecision(2);
}

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

function frame(title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>`,
    body,
    '</svg>',
  ].join('\n');
}

export interface BarGroup {
  label: string;
  bars: Array<{ label: string; value: number }>;
}

/** Grouped vertical bars; the legend names the bars of each group (same order in every group). */
export function barChart(title: string, unit: string, groups: readonly BarGroup[]): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const max = niceMax(
    Math.max(...groups.flatMap((g) => g.bars.map((b) => (Number.isFinite(b.value) ? b.value : 0)))),
  );
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = M.top + ph - (ph * i) / 4;
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt((max * i) / 4)}</text>`);
  }
  parts.push(
    `<text x="16" y="${M.top + ph / 2}" transform="rotate(-90 16 ${M.top + ph / 2})" text-anchor="middle">${esc(unit)}</text>`,
  );
  const gw = pw / Math.max(1, groups.length);
  const names = groups[0]?.bars.map((b) => b.label) ?? [];
  groups.forEach((g, gi) => {
    const bw = (gw * 0.8) / Math.max(1, g.bars.length);
    g.bars.forEach((b, bi) => {
      const v = Number.isFinite(b.value) ? b.value : 0;
      const h = (ph * v) / max;
      const x = M.left + gi * gw + gw * 0.1 + bi * bw;
      parts.push(
        `<rect x="${x.toFixed(1)}" y="${(M.top + ph - h).toFixed(1)}" width="${(bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="${COLOURS[bi % COLOURS.length]}"/>`,
      );
      parts.push(
        `<text x="${(x + bw / 2).toFixed(1)}" y="${(M.top + ph - h - 4).toFixed(1)}" text-anchor="middle" font-size="10">${fmt(b.value)}</text>`,
      );
    });
    parts.push(
      `<text x="${(M.left + gi * gw + gw / 2).toFixed(1)}" y="${M.top + ph + 18}" text-anchor="middle">${esc(g.label)}</text>`,
    );
  });
  names.forEach((n, i) => {
    const x = M.left + i * 150;
    parts.push(`<rect x="${x}" y="${H - 22}" width="12" height="12" fill="${COLOURS[i % COLOURS.length]}"/>`);
    parts.push(`<text x="${x + 16}" y="${H - 12}">${esc(n)}</text>`);
  });
  return frame(title, parts.join('\n'));
}

export interface Series {
  label: string;
  points: Array<{ x: number; y: number }>;
}

/** Lines over a log10 x axis (e.g. zone counts 1k..1M), linear y from 0. */
export function logXLineChart(
  title: string,
  xLabel: string,
  yLabel: string,
  series: readonly Series[],
): string {
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const xs = series.flatMap((s) => s.points.map((p) => p.x));
  const lo = Math.floor(Math.log10(Math.min(...xs)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(...xs))));
  const max = niceMax(Math.max(...series.flatMap((s) => s.points.map((p) => p.y))));
  const X = (x: number) => M.left + (pw * (Math.log10(x) - lo)) / (hi - lo);
  const Y = (y: number) => M.top + ph - (ph * y) / max;
  const parts: string[] = [];
  for (let i = 0; i <= 4; i++) {
    const y = Y((max * i) / 4);
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#ddd"/>`);
    parts.push(`<text x="${M.left - 6}" y="${y + 4}" text-anchor="end">${fmt((max * i) / 4)}</text>`);
  }
  for (let e = lo; e <= hi; e++) {
    const x = X(10 ** e);
    parts.push(`<line x1="${x}" x2="${x}" y1="${M.top}" y2="${M.top + ph}" stroke="#eee"/>`);
    parts.push(`<text x="${x}" y="${M.top + ph + 18}" text-anchor="middle">${fmt(10 ** e)}</text>`);
  }
  parts.push(
    `<text x="${M.left + pw / 2}" y="${M.top + ph + 38}" text-anchor="middle">${esc(xLabel)}</text>`,
  );
  parts.push(
    `<text x="16" y="${M.top + ph / 2}" transform="rotate(-90 16 ${M.top + ph / 2})" text-anchor="middle">${esc(yLabel)}</text>`,
  );
  series.forEach((s, i) => {
    const c = COLOURS[i % COLOURS.length];
    const pts = s.points.map((p) => `${X(p.x).toFixed(1)},${Y(p.y).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${pts}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const p of s.points) {
      parts.push(`<circle cx="${X(p.x).toFixed(1)}" cy="${Y(p.y).toFixed(1)}" r="3.5" fill="${c}"/>`);
      parts.push(
        `<text x="${(X(p.x) + 6).toFixed(1)}" y="${(Y(p.y) - 6).toFixed(1)}" font-size="10">${fmt(p.y)}</text>`,
      );
    }
    parts.push(`<rect x="${M.left + i * 150}" y="${H - 16}" width="12" height="12" fill="${c}"/>`);
    parts.push(`<text x="${M.left + i * 150 + 16}" y="${H - 6}">${esc(s.label)}</text>`);
  });
  return frame(title, parts.join('\n'));
}
