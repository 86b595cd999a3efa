/**
 * Device status and tracks from the tags' own pings, against a real broker and Chromium: the
 * console reads a bounded window of the pings topic (seek by timestamp), shows last fix time,
 * battery and strap on the subject page (event time wins over arrival), draws the ping track on
 * the incident map, records every track view, refuses tracks to auditors, and logs no coordinate.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningConsole } from '../../src/console/server.js';
import type { Alert, Ping, Zone } from '../../src/contract/index.js';
import { consumeAll, produce } from '../setup/kafka-test-utils.js';
import { type Harness, launchBrowser, launchConsole, makeHarness, PASSWORD } from './console-harness.js';

const brokers = inject('kafkaBrokers');
const TAG = 'TAG-D1';
const SUBJECT = 'S-D1';
const NOW = Date.now();

const zone: Zone = {
  zoneId: 'Z-dev',
  subjectId: SUBJECT,
  kind: 'exclusion',
  geometry: { type: 'Point', coordinates: [-0.1432, 51.6121] },
  radiusM: 200,
  warningM: 100,
};

const at = (minutesAgo: number, over: Partial<Ping> = {}): Ping => ({
  tagId: TAG,
  ts: NOW - minutesAgo * 60_000,
  lat: 51.6101 + (10 - minutesAgo) * 0.0003,
  lon: -0.1452 + (10 - minutesAgo) * 0.0003,
  accuracyM: 8,
  ...over,
});

/** In the window, in append order; the last one is late (older event time than the others). */
const windowPings: Ping[] = [
  at(5, { battery: 0.8, strap: 'ok' }),
  at(4),
  at(3),
  at(2),
  at(1, { battery: 0.35, accuracyM: 6 }),
  at(8, { battery: 0.99, strap: 'tampered' }), // late: must not win over the newer readings
];
const expectedLastFix = windowPings[4]!.ts;

async function sendPings(h: Harness, pings: Ping[], timestamp?: number): Promise<void> {
  await produce(
    brokers,
    h.pingsTopic,
    pings.map((p) => ({
      key: p.tagId,
      value: JSON.stringify(p),
      ...(timestamp !== undefined && { timestamp: String(timestamp) }),
    })),
  );
}

async function login(
  browser: Browser,
  base: string,
  user: string,
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const page = await ctx.newPage();
  await page.goto('/login');
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await page.click('#login-submit');
  await page.waitForURL((u) => u.pathname === '/');
  return { ctx, page };
}

describe('console device status and tracks from pings (browser + broker)', () => {
  let h: Harness;
  let running: RunningConsole;
  let browser: Browser;
  let olga: { ctx: BrowserContext; page: Page };
  const device = (page: Page) => page.locator(`#subject-devices dl.device[data-tag-id="${TAG}"]`);

  beforeAll(async () => {
    h = await makeHarness(brokers, 'devices', { CONSOLE_DEVICE_WINDOW_S: '3600' });
    await produce(brokers, h.topics.zones, [{ key: zone.zoneId, value: JSON.stringify(zone) }]);
    await produce(brokers, h.topics.enrolments, [
      { key: TAG, value: JSON.stringify({ tagId: TAG, subjectId: SUBJECT }) },
    ]);
    // Appended two hours ago: outside the window, so never read (nor drawn).
    await sendPings(h, [at(120, { lat: 51.7, lon: -0.3, battery: 0.01 })], NOW - 2 * 3600_000);
    await sendPings(h, windowPings);
    await produce(brokers, h.pingsTopic, [
      { key: TAG, value: '{"tagId": "TAG-D1", "ts": "soon", "lat": 51.6199' },
    ]);
    running = await launchConsole(h);
    await running.devicesLoaded;
    browser = await launchBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  it('reads only the window, says it has caught up, and counts the malformed ping', async () => {
    const ready = (await (await fetch(`${running.url}/readyz`)).json()) as {
      detail: { devices: { caughtUp: boolean; state: string; windowStart: number; lastError?: string } };
    };
    if (ready.detail.devices.lastError) expect(ready.detail.devices.lastError).toBeUndefined();
    expect(ready.detail.devices).toMatchObject({ caughtUp: true, state: 'live' });
    expect(ready.detail.devices.windowStart).toBeGreaterThan(NOW - 3600_000 - 60_000);
    expect(running.devices.book.counts).toMatchObject({ pings: windowPings.length, malformed: 1 });
    const metrics = await (await fetch(`${running.url}/metrics`)).text();
    expect(metrics).toMatch(/fenceline_console_malformed_records_total\{topic="pings"\} 1/);
    expect(metrics).toMatch(/fenceline_console_device_tags 1\b/);
    const warn = h.logs.find((l) => l.includes('malformed ping skipped'));
    expect(warn).toContain('"offset"');
  });

  it('the subject page shows last fix time, battery and strap from the newest pings (event time, not arrival)', async () => {
    olga = await login(browser, running.url, 'olga');
    await olga.page.goto(`/subjects/${SUBJECT}`);
    await device(olga.page).waitFor({ timeout: 5000 });
    expect(await device(olga.page).locator('dd.last-fix').getAttribute('data-ts')).toBe(
      String(expectedLastFix),
    );
    expect(await device(olga.page).locator('dd.last-fix').textContent()).toContain('±6 m');
    expect(await device(olga.page).locator('dd.battery').textContent()).toMatch(/^35% at /);
    expect(await device(olga.page).locator('dd.strap').getAttribute('data-strap')).toBe('ok');
    expect(await olga.page.locator('#devices-state').getAttribute('data-caught-up')).toBe('yes');
    await olga.page.screenshot({ path: 'docs/screenshots/subject.png' });
  });

  it('a live ping changes the subject page: strap tampered, newer last fix', async () => {
    const live = at(0, { strap: 'tampered', battery: 0.3 });
    await sendPings(h, [live]);
    await expect
      .poll(
        async () => {
          await olga.page.goto(`/subjects/${SUBJECT}`);
          await device(olga.page).waitFor({ timeout: 5000 });
          return device(olga.page).locator('dd.strap').getAttribute('data-strap');
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe('tampered');
    expect(await device(olga.page).locator('dd.last-fix').getAttribute('data-ts')).toBe(String(live.ts));
  });

  it('the incident map draws the ping track with the newest fix ringed, and the view is audited', async () => {
    const alert: Alert = {
      alertId: `dev-alert-${NOW}`,
      type: 'EXCLUSION_ENTERED',
      severity: 'P1',
      subjectId: SUBJECT,
      tagId: TAG,
      zoneId: zone.zoneId,
      zoneVersion: 1,
      breachId: `dev-breach-${NOW}`,
      ts: NOW - 1000,
      emittedAt: NOW,
      lat: 51.6121,
      lon: -0.1432,
      accuracyM: 6,
      certainty: 'confirmed',
      evidence: [{ ts: NOW - 1000, lat: 51.6121, lon: -0.1432, accuracyM: 6 }],
    };
    await produce(brokers, h.topics.alerts, [{ key: TAG, value: JSON.stringify(alert) }]);
    await expect
      .poll(() => running.store.state.incidents.has(alert.breachId!), { timeout: 10_000 })
      .toBe(true);
    await olga.page.goto(`/incidents/${encodeURIComponent(alert.breachId!)}`);
    const map = olga.page.locator('#incident-map');
    await map.waitFor({ timeout: 5000 });
    // Six pings in the window plus the live one; the two-hour-old ping was never read.
    expect(await map.locator('#ping-track circle.ping-fix').count()).toBe(windowPings.length + 1);
    expect(await map.locator('#ping-track circle.ping-last').count()).toBe(1);
    expect(await map.locator('#ping-track polyline.ping-line').count()).toBe(1);
    const times = await map
      .locator('#ping-track circle.ping-fix')
      .evaluateAll((c) => c.map((n) => Number(n.getAttribute('data-ts'))));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Math.min(...times)).toBe(windowPings[5]!.ts);
    expect(await map.locator('circle.fix').count()).toBe(1);
    await olga.page.screenshot({ path: 'docs/screenshots/incident-track.png' });
    const audit = (await consumeAll(brokers, h.topics.consoleAudit, { idleMs: 2000 })).map((m) =>
      JSON.parse(m.value!.toString()),
    );
    // The map showed the zone and the track: one audit record for each.
    for (const view of ['zone_geometry', 'track']) {
      expect(audit).toContainEqual(
        expect.objectContaining({ view, user: 'olga', subjectId: SUBJECT, incidentId: alert.breachId }),
      );
    }
  });

  it('the subject track is drawn on request and recorded; auditors are refused tracks and never see coordinates', async () => {
    await olga.page.goto(`/subjects/${SUBJECT}`);
    await olga.page.click('#show-track');
    await olga.page.locator('#subject-map-box #ping-track circle.ping-last').waitFor({ timeout: 5000 });
    const audit = (await consumeAll(brokers, h.topics.consoleAudit, { idleMs: 2000 })).map((m) =>
      JSON.parse(m.value!.toString()),
    );
    const trackViews = audit.filter(
      (a) => a.view === 'track' && a.subjectId === SUBJECT && a.incidentId === undefined,
    );
    expect(trackViews.length).toBeGreaterThanOrEqual(1);
    expect(JSON.stringify(audit)).not.toMatch(/51\.61/);

    const ada = await login(browser, running.url, 'ada');
    expect((await ada.ctx.request.get(`/api/subjects/${SUBJECT}/track`)).status()).toBe(403);
    const subject = await (await ada.ctx.request.get(`/api/subjects/${SUBJECT}`)).text();
    expect(subject).toContain('"strap":"tampered"');
    expect(subject).not.toMatch(/"lat"|"lon"|51\.61|-0\.14/);
    await ada.page.goto(`/subjects/${SUBJECT}`);
    await device(ada.page).waitFor({ timeout: 5000 });
    expect(await ada.page.locator('#show-track').count()).toBe(0);
    await ada.ctx.close();
  });

  it('the captured logs hold no coordinate', () => {
    const all = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(5);
    expect(all).not.toMatch(/51\.61\d/);
    expect(all).not.toMatch(/51\.7\b/);
    expect(all).not.toMatch(/-0\.14\d\d/);
  });
});
