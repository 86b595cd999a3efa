// One incident: facts, workflow buttons, the trail of actions and notification attempts, the map.
import { api, clock, el, fillTimes } from './api.js';
import { drawMap } from './map.js';

const OUTCOMES = [
  ['genuine_breach', 'Genuine breach'],
  ['false_alarm_gps', 'False alarm: GPS'],
  ['false_alarm_other', 'False alarm: other'],
  ['equipment_fault', 'Equipment fault'],
  ['test', 'Test'],
];

function facts(i) {
  const dl = el('dl', { class: 'facts' });
  const add = (k, v) => dl.append(el('dt', { text: k }), el('dd', {}, v));
  add('Severity', el('span', { class: `badge sev ${i.severity}`, text: i.severity }));
  add('Type', i.type.replaceAll('_', ' '));
  add('Status', el('span', { id: 'incident-status', class: `badge st-${i.status}`, text: i.status }));
  add('Condition', i.cleared ? `cleared ${clock(i.clearedAt)}` : 'active');
  add('Owner', el('span', { id: 'incident-owner', text: i.owner ?? 'nobody' }));
  add('Certainty', i.certainty ?? '-');
  add('Late', i.late ? 'yes' : 'no');
  add('Subject', el('a', { href: `/subjects/${encodeURIComponent(i.subjectId)}`, text: i.subjectId }));
  add('Tag', i.tagId);
  add('Zone', i.zoneId ? `${i.zoneId} (${i.zoneKind})` : '-');
  add('Opened', `${clock(i.openedAt)}, `);
  dl.lastChild.append(el('span', { 'data-since': i.openedAt }), ' ago');
  if (i.status === 'open') add('Ack due in', el('span', { 'data-due': i.ackDueAt }));
  if (i.outcome) add('Outcome', i.outcome.replaceAll('_', ' '));
  return dl;
}

function trail(i) {
  const items = [
    ...i.alerts.map((a) => ({
      at: a.ts,
      text: `alert ${a.type.replaceAll('_', ' ')} (${a.severity}${a.certainty ? `, ${a.certainty}` : ''}${a.late ? ', late' : ''}), ${a.evidenceCount} evidence fixes`,
    })),
    ...i.actions.map((a) => ({
      at: a.at,
      text: `${a.user} (${a.role}) ${a.kind}${a.outcome ? `: ${a.outcome.replaceAll('_', ' ')}` : ''}${a.note ? ` - "${a.note}"` : ''}`,
      cls: `act-${a.kind}`,
    })),
    ...i.notifications.map((n) => ({
      at: n.at,
      text: `${n.endpoint} ${n.outcome === 'delivered' ? 'notified' : n.outcome.replaceAll('_', ' ')} ${clock(n.at)}, attempt ${n.attempt}${n.status ? `, ${n.status}` : ''}${n.error ? `, ${n.error}` : ''}`,
      cls: `notify notify-${n.outcome}`,
    })),
  ].sort((a, b) => a.at - b.at);
  return el(
    'ol',
    { class: 'trail', id: 'trail' },
    ...items.map((x) => el('li', { class: x.cls }, el('time', { text: clock(x.at) }), ' ', x.text)),
  );
}

function actions(i, me, onDone) {
  const box = el('div', { class: 'actions', id: 'actions' });
  if (me.role === 'auditor') {
    box.append(el('p', { class: 'muted', text: 'Read-only (auditor).' }));
    return box;
  }
  const msg = el('p', { id: 'action-message', role: 'status' });
  const note = el('textarea', {
    id: 'action-note',
    rows: 2,
    placeholder: 'Note (required to close a strap tamper)',
  });
  const outcome = el(
    'select',
    { id: 'close-outcome' },
    ...OUTCOMES.map(([v, t]) => el('option', { value: v, text: t })),
  );
  const send = async (kind, extra = {}) => {
    msg.textContent = '';
    const body = { kind, ...extra };
    if (note.value.trim() !== '') body.note = note.value;
    const res = await api(`/api/incidents/${encodeURIComponent(i.incidentId)}/actions`, {
      method: 'POST',
      body,
    });
    if (res.ok) {
      note.value = '';
      onDone(res.data.incident);
    } else {
      msg.textContent = res.data.reason ?? `refused (${res.status})`;
      msg.className = 'error';
    }
  };
  const btn = (id, text, fn, show = true) =>
    show ? el('button', { id, type: 'button', text, onclick: fn }) : null;
  box.append(
    note,
    el(
      'div',
      { class: 'buttons' },
      btn('act-acknowledge', 'Acknowledge', () => send('acknowledge'), i.status === 'open'),
      btn('act-note', 'Add note', () => send('note')),
      btn('act-escalate', 'Escalate to police', () => send('escalate'), i.status !== 'closed'),
      i.status === 'acknowledged' ? outcome : null,
      btn('act-close', 'Close', () => send('close', { outcome: outcome.value }), i.status === 'acknowledged'),
      btn('act-reopen', 'Reopen', () => send('reopen'), i.status === 'closed' && me.role === 'supervisor'),
    ),
    msg,
  );
  return box;
}

export function renderIncident(view, state, id) {
  const head = el('div', { id: 'incident-head' });
  const mapBox = el('div', { class: 'map-box', id: 'map-box' });
  view.replaceChildren(el('h1', { text: `Incident ${id}` }), el('div', { class: 'incident' }, head, mapBox));
  const show = (i) => {
    const phone = i.notifyFailed
      ? el('p', {
          class: 'phone-banner',
          id: 'phone-banner',
          text: 'The police could not be notified: phone the force now.',
        })
      : null;
    head.replaceChildren(
      ...[phone, facts(i), actions(i, state.me, show), el('h2', { text: 'Trail' }), trail(i)].filter(Boolean),
    );
    fillTimes(head);
  };
  api(`/api/incidents/${encodeURIComponent(id)}`).then((r) => {
    if (!r.ok) {
      head.replaceChildren(el('p', { class: 'error', text: r.data.reason ?? 'not found' }));
      return;
    }
    state.incidents.set(id, r.data.incident);
    show(r.data.incident);
  });
  if (state.me.role === 'auditor') {
    mapBox.replaceChildren(
      el('p', { class: 'muted', text: 'Map withheld: auditors do not see zone geometry.' }),
    );
  } else {
    api(`/api/incidents/${encodeURIComponent(id)}/map`).then((r) => {
      if (r.ok) drawMap(mapBox, r.data, state.me.tileUrl);
      else mapBox.replaceChildren(el('p', { class: 'error', text: r.data.reason ?? 'map unavailable' }));
    });
  }
  return {
    update(incident) {
      if (incident.incidentId === id) show(incident);
    },
  };
}
