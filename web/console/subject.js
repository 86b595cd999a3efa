// A subject: tags, zones (kinds and schedules, never geometry), device status from the tags' own
// pings (last fix time, battery, strap; no coordinate), alert-derived facts, incidents, and for
// operators and supervisors a recent track on request (the server records every track view).
import { api, clock, el } from './api.js';
import { drawMap } from './map.js';

/** "from 2026-11-30 08:00 until 2027-05-30 08:00"; an open end says so instead of a dash. */
const enrolmentSpan = (from, to) =>
  `${from === null ? 'with no start date' : `from ${when(from)}`}, ${to === null ? 'no end date' : `until ${when(to)}`}`;
const when = (ms) => (ms === null ? '-' : `${new Date(ms).toISOString().slice(0, 10)} ${clock(ms)}`);

function incidentList(list) {
  if (list.length === 0) return el('p', { class: 'muted', text: 'none' });
  return el(
    'ul',
    {},
    ...list.map((i) =>
      el(
        'li',
        {},
        el('a', {
          href: `/incidents/${encodeURIComponent(i.incidentId)}`,
          text: `${i.severity} ${i.type.replaceAll('_', ' ')}`,
        }),
        ` ${when(i.openedAt)} ${i.status}${i.owner ? ` (${i.owner})` : ''}${i.outcome ? `: ${i.outcome}` : ''}`,
      ),
    ),
  );
}

function deviceBox(devices) {
  const box = el('div', { id: 'subject-devices' });
  box.append(
    el('p', {
      id: 'devices-state',
      class: 'muted',
      'data-caught-up': devices.caughtUp ? 'yes' : 'no',
      text: devices.caughtUp
        ? `From the tags' pings since ${when(devices.windowStart)}.`
        : 'Device status still loading (reading recent pings): facts below may be older than the newest.',
    }),
  );
  if (devices.tags.length === 0) {
    box.append(el('p', { class: 'muted', text: "No pings from this subject's tags in the window." }));
    return box;
  }
  for (const d of devices.tags) {
    const dl = el('dl', { class: 'facts device', 'data-tag-id': d.tagId });
    const add = (k, cls, v, extra = {}) =>
      dl.append(el('dt', { text: k }), el('dd', { class: cls, text: v, ...extra }));
    add('Tag', 'tag', d.tagId);
    add(
      'Last fix',
      'last-fix',
      d.lastFixAt === null
        ? 'none in the window'
        : `${when(d.lastFixAt)}${d.lastFixAccuracyM ? ` (±${d.lastFixAccuracyM} m)` : ''}`,
      { 'data-ts': d.lastFixAt },
    );
    const pct = d.battery === null ? null : Math.round(d.battery * 100);
    add(
      'Battery',
      `battery${pct !== null && pct <= 20 ? ' battery-low' : ''}`,
      pct === null ? 'not reported' : `${pct}% at ${when(d.batteryAt)}`,
    );
    add(
      'Strap',
      `strap${d.strap === 'tampered' ? ' strap-tampered' : ''}`,
      d.strap === null ? 'not reported' : `${d.strap} at ${when(d.strapAt)}`,
      { 'data-strap': d.strap },
    );
    add('Last heard', 'last-seen', when(d.lastSeenAt));
    box.append(dl);
  }
  return box;
}

function trackBox(id, state) {
  const box = el('div', { id: 'subject-track' });
  if (state.me.role === 'auditor') return box;
  const mapBox = el('div', { class: 'map-box', id: 'subject-map-box' });
  const button = el('button', {
    id: 'show-track',
    type: 'button',
    text: 'Show recent track (this view is recorded)',
    onclick: async () => {
      const r = await api(`/api/subjects/${encodeURIComponent(id)}/track`);
      if (!r.ok) {
        mapBox.replaceChildren(el('p', { class: 'error', text: r.data.reason ?? 'track unavailable' }));
        return;
      }
      if (r.data.pings.length === 0) {
        mapBox.replaceChildren(el('p', { class: 'muted', text: 'No fixes in the window.' }));
        return;
      }
      drawMap(mapBox, { zone: null, alerts: [], track: [], pings: r.data.pings }, state.me.tileUrl);
    },
  });
  box.append(button, mapBox);
  return box;
}

export function renderSubject(view, state, id) {
  view.replaceChildren(el('h1', { text: `Subject ${id}` }));
  api(`/api/subjects/${encodeURIComponent(id)}`).then((r) => {
    if (!r.ok) {
      view.append(el('p', { class: 'error', text: r.data.reason ?? 'not found' }));
      return;
    }
    const s = r.data;
    const schedule = (z) =>
      z.schedule
        ? z.schedule.windows.map((w) => `${w.days.join(',')} ${w.start}-${w.end}`).join('; ') +
          ` (${z.schedule.tz})`
        : 'always';
    view.append(
      el('h2', { text: 'Tags' }),
      el(
        'ul',
        { id: 'subject-tags' },
        ...s.tags.map((t) =>
          el('li', { text: `${t.tagId} enrolled ${enrolmentSpan(t.validFrom, t.validTo)}` }),
        ),
      ),
      el('h2', { text: 'Zones' }),
      el(
        'ul',
        { id: 'subject-zones' },
        ...s.zones.map((z) =>
          el('li', { text: `${z.zoneId}: ${z.kind}${z.severity ? ` ${z.severity}` : ''}, ${schedule(z)}` }),
        ),
      ),
      el('h2', { text: 'Device' }),
      deviceBox(s.devices),
      trackBox(id, state),
      el('h2', { text: 'From alerts' }),
      el(
        'dl',
        { class: 'facts' },
        el('dt', { text: 'Last alert' }),
        el('dd', { text: when(s.lastAlertAt) }),
        el('dt', { text: 'Last low battery' }),
        el('dd', { text: when(s.lastLowBatteryAt) }),
        el('dt', { text: 'Last strap tamper' }),
        el('dd', { text: when(s.lastStrapTamperAt) }),
      ),
      el('h2', { text: 'Open incidents' }),
      incidentList(s.openIncidents),
      el('h2', { text: 'Recently closed' }),
      incidentList(s.recentIncidents),
    );
  });
  return {};
}
