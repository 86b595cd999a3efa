// A subject: tags, zones (kinds and schedules, never geometry), alert-derived device facts, incidents.
import { api, clock, el } from './api.js';

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

export function renderSubject(view, _state, id) {
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
          el('li', { text: `${t.tagId} enrolled ${when(t.validFrom)} to ${when(t.validTo)}` }),
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
