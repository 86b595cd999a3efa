// The live queue: open incidents by severity, then age; ages and ack countdowns tick.
import { clock, el, fillTimes } from './api.js';

const RANK = { P1: 0, P2: 1, P3: 2 };
const order = (a, b) =>
  RANK[a.severity] - RANK[b.severity] || a.openedAt - b.openedAt || (a.incidentId < b.incidentId ? -1 : 1);

function row(i) {
  const href = `/incidents/${encodeURIComponent(i.incidentId)}`;
  return el(
    'tr',
    {
      class: `sev-${i.severity}${i.notifyFailed ? ' notify-failed' : ''}`,
      'data-incident-id': i.incidentId,
      'data-status': i.status,
    },
    el('td', {}, el('span', { class: `badge sev ${i.severity}`, text: i.severity })),
    el('td', {}, el('a', { href, text: i.type.replaceAll('_', ' ') })),
    el('td', { text: i.certainty ?? '' }),
    el('td', { text: i.late ? 'late' : '' }),
    el('td', {}, el('a', { href: `/subjects/${encodeURIComponent(i.subjectId)}`, text: i.subjectId })),
    el('td', { text: i.tagId }),
    el('td', { text: i.zoneKind ?? '' }),
    el('td', { class: 'age', 'data-since': i.openedAt, title: `opened ${clock(i.openedAt)}` }),
    el('td', i.status === 'open' ? { class: 'due', 'data-due': i.ackDueAt } : { text: '' }),
    el('td', { class: 'owner', text: i.owner ?? '' }),
    el(
      'td',
      { class: 'state' },
      el('span', { class: `badge st-${i.status}`, text: i.status }),
      i.cleared ? el('span', { class: 'badge cleared', text: 'cleared' }) : null,
      i.escalated ? el('span', { class: 'badge escalated', text: 'escalated' }) : null,
      i.notifyFailed
        ? el('span', { class: 'badge phone', text: 'police not reached: phone the force' })
        : null,
    ),
  );
}

export function renderQueue(view, state) {
  const tbody = el('tbody', { id: 'queue-body' });
  const count = el('span', { id: 'queue-count' });
  const heads = [
    'Sev',
    'Type',
    'Certainty',
    'Late',
    'Subject',
    'Tag',
    'Zone',
    'Open for',
    'Ack due',
    'Owner',
    'State',
  ];
  view.replaceChildren(
    el('h1', {}, 'Open incidents ', count),
    el(
      'table',
      { class: 'queue', id: 'queue' },
      el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { text: h })))),
      tbody,
    ),
  );
  const refresh = () => {
    const open = [...state.incidents.values()].filter((i) => i.status !== 'closed').sort(order);
    tbody.replaceChildren(...open.map(row));
    fillTimes(tbody);
    const total = Math.max(open.length, state.snapshotTotal ?? 0);
    count.textContent = total > open.length ? `(${open.length} shown of ${total})` : `(${open.length})`;
  };
  refresh();
  return {
    refresh,
    update(incident) {
      refresh();
      if (incident.severity === 'P1') {
        const tr = tbody.querySelector(`tr[data-incident-id="${CSS.escape(incident.incidentId)}"]`);
        tr?.classList.add('arrived');
      }
    },
  };
}
