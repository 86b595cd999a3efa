// The audit trail (supervisors and auditors): every action, and every view of a zone or a track.
import { api, clock, el } from './api.js';

export function renderAudit(view) {
  view.replaceChildren(el('h1', { text: 'Audit trail' }));
  api('/api/reports?hours=24').then((r) => {
    if (!r.ok) return;
    const rows = Object.entries(r.data.bySeverity).map(([sev, x]) =>
      el(
        'tr',
        {},
        ...[
          sev,
          x.opened,
          `${x.ackedWithinTarget}/${x.acknowledged}`,
          x.medianAckS ?? '-',
          x.worstAckS ?? '-',
          x.stillUnacknowledged,
          x.closed,
          Object.entries(x.outcomes)
            .map(([k, n]) => `${k.replaceAll('_', ' ')} ${n}`)
            .join(', '),
        ].map((v) => el('td', { text: v })),
      ),
    );
    const heads = [
      'Sev',
      'Opened',
      'Acked in target',
      'Median ack s',
      'Worst ack s',
      'Unacked',
      'Closed',
      'Outcomes',
    ];
    view.insertBefore(
      el(
        'section',
        { id: 'report' },
        el('h2', { text: 'Last 24 hours' }),
        el(
          'table',
          { class: 'queue' },
          el('thead', {}, el('tr', {}, ...heads.map((h) => el('th', { text: h })))),
          el('tbody', {}, ...rows),
        ),
      ),
      view.children[1] ?? null,
    );
  });
  api('/api/audit').then((r) => {
    if (!r.ok) {
      view.append(el('p', { class: 'error', text: r.data.reason ?? 'refused' }));
      return;
    }
    view.append(
      el('h2', { text: 'Views of zones and tracks' }),
      el(
        'ul',
        { id: 'audit-views' },
        ...r.data.views.map((v) =>
          el('li', {
            text: `${clock(v.at)} ${v.user} (${v.role}) viewed ${v.view.replace('_', ' ')} of subject ${v.subjectId}${v.incidentId ? `, incident ${v.incidentId}` : ''}`,
          }),
        ),
      ),
      el('h2', { text: 'Actions' }),
      el(
        'ul',
        { id: 'audit-actions' },
        ...r.data.actions.map((a) =>
          el('li', {
            text: `${clock(a.at)} ${a.user} (${a.role}) ${a.kind} ${a.incidentId}${a.outcome ? `: ${a.outcome}` : ''}`,
          }),
        ),
      ),
    );
  });
  return {};
}
