/**
 * The P1 alarm's optional sound, in a real Chromium against a real broker: off by default, the
 * toggle is remembered across reloads (localStorage), a P1 arrival raises the alarm (and only a
 * P1), and with the sound on the alarm starts the WebAudio beep once the page had a user gesture.
 * The page counts both on document.body (data-alarms, data-beeps): sound itself cannot be heard
 * by a test, but whether the P1 path reached the beep can.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { RunningConsole } from '../../src/console/server.js';
import type { Alert } from '../../src/contract/index.js';
import { produce } from '../setup/kafka-test-utils.js';
import { type Harness, launchBrowser, launchConsole, makeHarness, PASSWORD } from './console-harness.js';

const brokers = inject('kafkaBrokers');

let n = 0;
function alert(severity: Alert['severity']): Alert {
  n += 1;
  const now = Date.now();
  return {
    alertId: `alarm-${n}-${now}`,
    type: severity === 'P1' ? 'STRAP_TAMPER' : 'LOW_BATTERY',
    severity,
    subjectId: 'S-A',
    tagId: 'TAG-A',
    ts: now - 500,
    emittedAt: now,
  };
}

const counter = async (page: Page, name: 'alarms' | 'beeps') =>
  Number((await page.locator('body').getAttribute(`data-${name}`)) ?? '0');
const stored = (page: Page) =>
  page.evaluate<string | null>("localStorage.getItem('fenceline.console.sound')");

describe('the P1 alarm sound (browser + broker)', () => {
  let h: Harness;
  let running: RunningConsole;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    h = await makeHarness(brokers, 'alarm');
    running = await launchConsole(h);
    browser = await launchBrowser();
    const ctx = await browser.newContext({ baseURL: running.url });
    page = await ctx.newPage();
    await page.goto('/login');
    await page.fill('#username', 'olga');
    await page.fill('#password', PASSWORD);
    await page.click('#login-submit');
    await page.waitForURL((u) => u.pathname === '/');
    await page.locator('#conn.live').waitFor({ timeout: 10_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await running?.stop();
  });

  const send = (a: Alert) => produce(brokers, h.topics.alerts, [{ key: a.tagId, value: JSON.stringify(a) }]);
  const arrived = (a: Alert) =>
    page.locator(`#queue-body tr[data-incident-id="${a.alertId}"]`).waitFor({ timeout: 5000 });

  it('is off by default; a P2 raises no alarm, a P1 raises the visual alarm without sound', async () => {
    expect(await page.locator('#sound-toggle').getAttribute('aria-pressed')).toBe('false');
    const p2 = alert('P2');
    await send(p2);
    await arrived(p2);
    expect(await counter(page, 'alarms')).toBe(0);
    const p1 = alert('P1');
    await send(p1);
    await arrived(p1);
    await expect.poll(() => counter(page, 'alarms'), { timeout: 2000 }).toBe(1);
    await page.locator('#p1-banner').waitFor({ state: 'visible', timeout: 2000 });
    expect(await counter(page, 'beeps')).toBe(0);
  });

  it('the toggle is remembered across a reload, and with it on a P1 beeps once the page had a gesture', async () => {
    await page.click('#sound-toggle');
    expect(await page.locator('#sound-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await stored(page)).toBe('on');
    await page.reload();
    await page.locator('#conn.live').waitFor({ timeout: 10_000 });
    expect(await page.locator('#sound-toggle').getAttribute('aria-pressed')).toBe('true');
    expect(await page.locator('#sound-toggle').textContent()).toBe('P1 sound: on');
    await page.mouse.click(600, 400); // the user gesture browsers require before audio
    const p1 = alert('P1');
    await send(p1);
    await arrived(p1);
    await expect.poll(() => counter(page, 'alarms'), { timeout: 2000 }).toBe(1);
    expect(await counter(page, 'beeps')).toBe(1);
  });

  it('turned off again, a P1 raises the alarm but no beep', async () => {
    await page.click('#sound-toggle');
    expect(await stored(page)).toBe('off');
    const p1 = alert('P1');
    await send(p1);
    await arrived(p1);
    await expect.poll(() => counter(page, 'alarms'), { timeout: 2000 }).toBe(2);
    expect(await counter(page, 'beeps')).toBe(1);
  });
});
