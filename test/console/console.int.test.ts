/**
 * The console against a real broker and a real Chromium (playwright-core driving Debian's
 * /usr/bin/chromium): login, live arrival, a second operator seeing an acknowledge, first
 * acknowledge wins, close + restart, the map's drawn elements and its audit record, the
 * notifier's ledger, the auditor's limits, CSRF, the login rate limit, malformed records, and
 * logs free of coordinates, labels and notes. Screenshots for the README go to docs/screenshots/.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningConsole } from '../../src/console/server.js';
import type { Alert, NotificationRecord, Zone } from '../../src/contract/index.js';
import { consumeAll, produce } from '../setup/kafka-test-utils.js';
import { type Harness, launchBrowser, launchConsole, makeHarness, PASSWORD } from './console-harness.js';

const brokers = inject('kafkaBrokers');
const LABEL = 'Victim home 12 Acacia Avenue';
const NOTE = 'Phoned Ms Example at her sister';

const zone: Zone = {
  zoneId: 'Z-home',
  subjectId: 'S-1',
  kind: 'exclusion',
  geometry: {
    type: 'Polygon',
    coordinates: [
      [
        [-0.1281, 51.5031],
        [-0.1251, 51.5031],
        [-0.1251, 51.5049],
        [-0.1281, 51.5049],
        [-0.1281, 51.5031],
      ],
      [
        [-0.127, 51.5038],
        [-0.1262, 51.5038],
        [-0.1262, 51.5042],
        [-0.127, 51.5042],
        [-0.127, 51.5038],
      ],
    ],
  },
  warningM: 150,
  label: LABEL,
};

let n = 0;
function breach(over: Partial<Alert> = {}): Alert {
  n += 1;
  const now = Date.now();
  return {
    alertId: `alert-${n}-${now}`,
    type: 'EXCLUSION_ENTERED',
    severity: 'P1',
    subjectId: 'S-1',
    tagId: 'TAG-1',
    zoneId: 'Z-home',
    zoneVersion: 1,
    breachId: `breach-${n}-${now}`,
    ts: now - 2000,
    emittedAt: now,
    lat: 51.5035,
    lon: -0.1275,
    accuracyM: 12,
    certainty: 'confirmed',
    evidence: [
      { ts: now - 62_000, lat: 51.5029, lon: -0.1291, accuracyM: 15 },
      { ts: now - 32_000, lat: 51.5033, lon: -0.1283, accuracyM: 10 },
      { ts: now - 2000, lat: 51.5035, lon: -0.1275, accuracyM: 12 },
    ],
    ...over,
  };
}

async function sendAlert(h: Harness, a: Alert): Promise<void> {
  await produce(brokers, h.topics.alerts, [{ key: a.tagId, value: JSON.stringify(a) }]);
}

async function login(
  browser: Browser,
  base: string,
  user: string,
): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 800 } });
  const page = await ctx.newPage();
  await page.goto('/');
  await page.waitForURL(/\/login/);
  await page.fill('#username', user);
  await page.fill('#password', PASSWORD);
  await page.click('#login-submit');
  await page.waitForURL((u) => u.pathname === '/');
  await page.locator('#conn.live').waitFor({ timeout: 10_000 });
  return { ctx, page };
}

async function csrfOf(ctx: BrowserContext): Promise<string> {
  return ((await (await ctx.request.get('/api/me')).json()) as { csrf: string }).csrf;
}

const row = (page: Page, id: string) => page.locator(`#queue-body tr[data-incident-id="${id}"]`);

describe('fenceline console (browser + broker)', () => {
  let h: Harness;
  let console1: RunningConsole;
  let browser: Browser;
  let olga: { ctx: BrowserContext; page: Page };
  let piet: { ctx: BrowserContext; page: Page };
  const historic = breach({ severity: 'P2', type: 'INCLUSION_LEFT', zoneId: undefined, evidence: [] });

  beforeAll(async () => {
    h = await makeHarness(brokers, 'console');
    await produce(brokers, h.topics.zones, [{ key: zone.zoneId, value: JSON.stringify(zone) }]);
    await produce(brokers, h.topics.enrolments, [
      { key: 'TAG-1', value: JSON.stringify({ tagId: 'TAG-1', subjectId: 'S-1' }) },
    ]);
    await sendAlert(h, historic);
    await produce(brokers, h.topics.alerts, [{ key: 'bad', value: '{"alertId": 42, "lat": 51.50371}' }]);
    console1 = await launchConsole(h);
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    await console1?.stop();
  });

  it('refuses everything without a session: pages go to the login page, APIs and the event stream answer 401', async () => {
    const base = console1.url;
    const page = await fetch(`${base}/`, { redirect: 'manual' });
    expect(page.status).toBe(302);
    expect(page.headers.get('location')).toMatch(/^\/login/);
    const incidentPage = await fetch(`${base}/incidents/x`, { redirect: 'manual' });
    expect(incidentPage.status).toBe(302);
    for (const path of [
      '/api/incidents',
      '/api/events',
      '/api/incidents/x/map',
      '/api/subjects/S-1',
      '/api/audit',
    ]) {
      expect((await fetch(`${base}${path}`)).status, path).toBe(401);
    }
    const post = await fetch(`${base}/api/incidents/x/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"kind":"acknowledge"}',
    });
    expect(post.status).toBe(401);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    const headers = (await fetch(`${base}/login`)).headers;
    expect(headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(headers.get('x-frame-options')).toBe('DENY');
  });

  it('logs in, shows the history, and a newly produced alert reaches the queue within 2 s without a reload', async () => {
    olga = await login(browser, console1.url, 'olga');
    await expect(row(olga.page, historic.breachId!).isVisible()).resolves.toBe(true);
    const fresh = breach();
    await sendAlert(h, fresh);
    await row(olga.page, fresh.breachId!).waitFor({ timeout: 2000 });
    await olga.page.locator('#p1-banner').waitFor({ state: 'visible', timeout: 2000 });
    // P1 first, then the older P2.
    const ids = await olga.page
      .locator('#queue-body tr')
      .evaluateAll((rows) => rows.map((r) => r.getAttribute('data-incident-id')));
    expect(ids.indexOf(fresh.breachId!)).toBeLessThan(ids.indexOf(historic.breachId!));
  });

  it('the malformed alert record was skipped and counted, by offset and reason', async () => {
    const metrics = await (await fetch(`${console1.url}/metrics`)).text();
    expect(metrics).toMatch(/fenceline_console_malformed_records_total\{topic="alerts"\} 1/);
    const line = h.logs.find((l) => l.includes('malformed record skipped'));
    expect(line).toContain('"offset"');
    expect(line).toContain('alertId');
  });

  it('an acknowledge in one context shows in the other within 2 s; the second acknowledge gets 409 naming the owner', async () => {
    const a = breach();
    await sendAlert(h, a);
    piet = await login(browser, console1.url, 'piet');
    await row(piet.page, a.breachId!).waitFor({ timeout: 5000 });
    await olga.page.goto(`/incidents/${encodeURIComponent(a.breachId!)}`);
    await olga.page.click('#act-acknowledge');
    await olga.page.locator('#incident-owner', { hasText: 'olga' }).waitFor({ timeout: 5000 });
    await row(piet.page, a.breachId!).locator('td.owner', { hasText: 'olga' }).waitFor({ timeout: 2000 });
    const res = await piet.ctx.request.post(`/api/incidents/${encodeURIComponent(a.breachId!)}/actions`, {
      headers: { 'x-csrf-token': await csrfOf(piet.ctx) },
      data: { kind: 'acknowledge' },
    });
    expect(res.status()).toBe(409);
    expect(await res.json()).toMatchObject({ error: 'already_acknowledged' });
    expect((await res.json()).reason).toContain('olga');
  });

  it('two operators acknowledging at the same moment: exactly one wins', async () => {
    const a = breach({ severity: 'P2' });
    await sendAlert(h, a);
    await row(piet.page, a.breachId!).waitFor({ timeout: 5000 });
    const url = `/api/incidents/${encodeURIComponent(a.breachId!)}/actions`;
    const [c1, c2] = [await csrfOf(olga.ctx), await csrfOf(piet.ctx)];
    const [r1, r2] = await Promise.all([
      olga.ctx.request.post(url, { headers: { 'x-csrf-token': c1 }, data: { kind: 'acknowledge' } }),
      piet.ctx.request.post(url, { headers: { 'x-csrf-token': c2 }, data: { kind: 'acknowledge' } }),
    ]);
    expect([r1.status(), r2.status()].sort()).toEqual([200, 409]);
    const winner = r1.status() === 200 ? 'olga' : 'piet';
    expect(console1.store.state.incidents.get(a.breachId!)!.owner).toBe(winner);
  });

  it('a bad request gets a 4xx naming the field; a POST without the CSRF token is refused', async () => {
    const id = encodeURIComponent(historic.breachId!);
    const csrf = await csrfOf(olga.ctx);
    const bad = await olga.ctx.request.post(`/api/incidents/${id}/actions`, {
      headers: { 'x-csrf-token': csrf },
      data: { kind: 'dance' },
    });
    expect(bad.status()).toBe(400);
    expect(await bad.json()).toMatchObject({ field: 'kind' });
    const noOutcome = await olga.ctx.request.post(`/api/incidents/${id}/actions`, {
      headers: { 'x-csrf-token': csrf },
      data: { kind: 'close' },
    });
    expect(noOutcome.status()).toBe(400);
    expect(await noOutcome.json()).toMatchObject({ field: 'outcome' });
    const noToken = await olga.ctx.request.post(`/api/incidents/${id}/actions`, {
      data: { kind: 'acknowledge' },
    });
    expect(noToken.status()).toBe(403);
    expect(await noToken.json()).toMatchObject({ error: 'csrf', field: 'x-csrf-token' });
    const wrongToken = await olga.ctx.request.post(`/api/incidents/${id}/actions`, {
      headers: { 'x-csrf-token': 'forged' },
      data: { kind: 'acknowledge' },
    });
    expect(wrongToken.status()).toBe(403);
    expect(console1.store.state.incidents.get(historic.breachId!)!.status).toBe('open');
  });

  let mapped: Alert;
  it('the incident map draws the zone (with its hole and warning ring), the evidence fixes and a scale bar; viewing it writes an audit record', async () => {
    mapped = breach();
    await sendAlert(h, mapped);
    await olga.page.goto('/');
    await row(olga.page, mapped.breachId!).waitFor({ timeout: 5000 });
    await olga.page.screenshot({ path: 'docs/screenshots/queue.png' });
    await olga.page.goto(`/incidents/${encodeURIComponent(mapped.breachId!)}`);
    const map = olga.page.locator('#incident-map');
    await map.waitFor({ timeout: 5000 });
    expect(await map.locator('g.zone[data-zone-id="Z-home"] path.zone-shape').count()).toBe(1);
    const d = await map.locator('path.zone-shape').getAttribute('d');
    expect(d!.match(/M/g)).toHaveLength(2); // outer ring and the hole
    expect(await map.locator('path.zone-warning').count()).toBe(1);
    expect(await map.locator('circle.fix').count()).toBe(3);
    expect(await map.locator('circle.fix-accuracy').count()).toBe(3);
    expect(await map.locator('#scale-bar text').textContent()).toMatch(/\d+ (m|km)/);
    await olga.page.click('#act-acknowledge');
    await olga.page.locator('#incident-owner', { hasText: 'olga' }).waitFor({ timeout: 5000 });
    await olga.page.screenshot({ path: 'docs/screenshots/incident.png' });
    const audit = await consumeAll(brokers, h.topics.consoleAudit, { idleMs: 2000 });
    const records = audit.map((m) => JSON.parse(m.value!.toString()));
    expect(records).toContainEqual(
      expect.objectContaining({
        view: 'zone_geometry',
        user: 'olga',
        subjectId: 'S-1',
        incidentId: mapped.breachId,
        zoneIds: ['Z-home'],
      }),
    );
    expect(JSON.stringify(records)).not.toContain('51.50');
  });

  it("the notifier's ledger shows on the incident, and an exhausted delivery raises it to P1: phone the force", async () => {
    const a = breach({ severity: 'P3', type: 'EXCLUSION_APPROACH' });
    await sendAlert(h, a);
    const rec = (over: Partial<NotificationRecord>): NotificationRecord => ({
      notificationId: `n-${a.alertId}`,
      alertId: a.alertId,
      incidentId: a.breachId!,
      endpoint: 'police',
      reason: 'rule',
      attempt: 1,
      at: Date.parse('2026-11-30T14:02:31Z'),
      outcome: 'delivered',
      status: 200,
      ...over,
    });
    await produce(brokers, h.topics.notifications, [
      { key: `n-${a.alertId}`, value: JSON.stringify(rec({})) },
      {
        key: `n2-${a.alertId}`,
        value: JSON.stringify(
          rec({
            notificationId: `n2-${a.alertId}`,
            endpoint: 'duty-desk',
            outcome: 'exhausted',
            attempt: 8,
            status: 503,
          }),
        ),
      },
    ]);
    await olga.page.goto(`/incidents/${encodeURIComponent(a.breachId!)}`);
    await olga.page.locator('#phone-banner').waitFor({ timeout: 5000 });
    const trail = await olga.page.locator('#trail').textContent();
    expect(trail).toMatch(/police notified \d\d:\d\d:\d\d, attempt 1, 200/);
    expect(trail).toContain('duty-desk exhausted');
    expect(console1.store.state.incidents.get(a.breachId!)!.severity).toBe('P1');
  });

  it('an auditor reads incidents but cannot act or see zone geometry (refused by the server)', async () => {
    const ada = await login(browser, console1.url, 'ada');
    const id = encodeURIComponent(mapped.breachId!);
    expect((await ada.ctx.request.get(`/api/incidents/${id}`)).status()).toBe(200);
    expect((await ada.ctx.request.get(`/api/incidents/${id}/map`)).status()).toBe(403);
    const act = await ada.ctx.request.post(`/api/incidents/${id}/actions`, {
      headers: { 'x-csrf-token': await csrfOf(ada.ctx) },
      data: { kind: 'note', note: 'x' },
    });
    expect(act.status()).toBe(403);
    const subject = await (await ada.ctx.request.get('/api/subjects/S-1')).text();
    expect(subject).not.toContain('coordinates');
    await ada.page.goto(`/incidents/${id}`);
    await ada.page.locator('#map-box', { hasText: 'Map withheld' }).waitFor({ timeout: 5000 });
    expect(await ada.page.locator('#incident-map').count()).toBe(0);
    expect(await ada.page.locator('#act-acknowledge').count()).toBe(0);
    expect((await ada.ctx.request.get('/api/audit')).status()).toBe(200);
    const report = await ada.ctx.request.get('/api/reports?hours=24');
    expect(report.status()).toBe(200);
    expect(
      ((await report.json()) as { bySeverity: { P1: { opened: number } } }).bySeverity.P1.opened,
    ).toBeGreaterThan(0);
    expect((await olga.ctx.request.get('/api/reports')).status()).toBe(403);
    await ada.ctx.close();
  });

  it('closes with an outcome and a note; a restarted console shows the same state', async () => {
    await olga.page.goto(`/incidents/${encodeURIComponent(mapped.breachId!)}`);
    await olga.page.locator('#close-outcome').selectOption('false_alarm_gps');
    await olga.page.fill('#action-note', NOTE);
    await olga.page.click('#act-close');
    await olga.page.locator('#incident-status', { hasText: 'closed' }).waitFor({ timeout: 5000 });
    const before = console1.store.state.incidents;
    const strip = (m: typeof before) =>
      [...m.values()]
        .map(({ seq: _s, ...rest }) => rest)
        .sort((a, b) => (a.incidentId < b.incidentId ? -1 : 1));
    const expected = strip(before);
    await console1.stop();
    console1 = await launchConsole(h);
    expect(strip(console1.store.state.incidents)).toEqual(expected);
    expect(console1.store.state.incidents.get(mapped.breachId!)).toMatchObject({
      status: 'closed',
      owner: 'olga',
      outcome: 'false_alarm_gps',
    });
  });

  it('repeated wrong passwords are rate-limited (429), even when the right one follows', async () => {
    const attempt = (password: string) =>
      fetch(`${console1.url}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'sam', password }),
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong password')).status).toBe(401);
    const blocked = await attempt(PASSWORD);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0);
    const form = await fetch(`${console1.url}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'username=olga&password=x',
    });
    expect(form.status).toBe(415);
  });

  it('the captured logs hold no coordinate, zone label or note text', () => {
    const all = h.logs.join('\n');
    expect(h.logs.length).toBeGreaterThan(10);
    expect(all).not.toMatch(/51\.50\d/);
    expect(all).not.toMatch(/-?0\.12\d\d/);
    expect(all).not.toContain(LABEL);
    expect(all).not.toContain('Acacia');
    expect(all).not.toContain(NOTE);
    expect(all).not.toContain(PASSWORD);
  });
});
