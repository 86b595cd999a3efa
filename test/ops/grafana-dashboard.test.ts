import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics, METRIC_NAMES } from '../../src/ops/metrics.js';
import { StreamEvents } from '../../src/stream/events.js';

const GRAFANA = fileURLToPath(new URL('../../deploy/grafana/', import.meta.url));
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
const DS_UID = '${datasource}';
const read = (path: string) => readFileSync(`${GRAFANA}${path}`, 'utf8');

interface Target {
  expr: string;
  refId: string;
  datasource: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: { type: string; uid: string };
  targets?: Target[];
}

const dashboard = JSON.parse(read('dashboards/fenceline.json')) as {
  uid: string;
  panels: Panel[];
  templating: { list: { name: string; current?: { value: string } }[] };
};
const panels = dashboard.panels.filter((p) => p.type !== 'row');
const exprs = panels.flatMap((p) => (p.targets ?? []).map((t) => t.expr));

// The registry the worker really serves: every name the dashboard queries must be in it.
const metrics = createMetrics(new StreamEvents());
afterAll(() => metrics.detach());
const declared = new Map((await metrics.registry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));

function resolves(name: string): boolean {
  if (declared.has(name)) return true;
  const base = name.replace(/_(bucket|sum|count)$/, '');
  return base !== name && (declared.get(base) === 'histogram' || declared.get(base) === 'summary');
}

describe('deploy/grafana/dashboards/fenceline.json', () => {
  it('queries only metrics the worker declares (prefix fenceline_, Node defaults included)', () => {
    const used = new Set(exprs.flatMap((e) => e.match(/\bfenceline_[a-z0-9_]+/g) ?? []));
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(resolves(name), name).toBe(true);
  });

  it('shows every Fenceline metric somewhere', () => {
    const text = exprs.join('\n');
    for (const name of Object.values(METRIC_NAMES)) expect(text, name).toContain(name);
  });

  it('groups only by labels the metrics carry', () => {
    const allowed = new Set(['le', 'outcome', 'type', 'from', 'partition', 'kind', 'instance']);
    for (const e of exprs) {
      for (const [, labels] of e.matchAll(/by \(([^)]*)\)/g)) {
        for (const label of labels!.split(',').map((s) => s.trim()))
          expect(allowed, `${label} in ${e}`).toContain(label);
      }
    }
  });

  it('filters every query by the instance variable and uses the datasource variable', () => {
    for (const p of panels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: DS_UID });
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        expect(t.datasource.uid).toBe(DS_UID);
        expect(t.expr, p.title).toContain('instance=~"$instance"');
      }
    }
  });

  it('has unique panel ids and a layout without overlaps inside the 24-column grid', () => {
    const ids = dashboard.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const taken = new Set<string>();
    for (const p of dashboard.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w, p.title).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const cell = `${i},${j}`;
          expect(taken.has(cell), `${p.title} overlaps at ${cell}`).toBe(false);
          taken.add(cell);
        }
      }
    }
  });

  it('defaults to the provisioned Prometheus data source', () => {
    const ds = dashboard.templating.list.find((v) => v.name === 'datasource');
    const provisioned = read('datasources/prometheus.yaml');
    expect(provisioned).toContain(`uid: ${ds?.current?.value}`);
    expect(provisioned).toContain('url: http://prometheus:9090');
    expect(dashboard.uid).toBe('fenceline');
  });

  it('is found by the dashboard provider', () => {
    const provider = read('dashboards/fenceline.yaml');
    expect(provider).toContain('type: file');
    expect(provider).toContain('path: /etc/grafana/provisioning/dashboards');
  });
});
