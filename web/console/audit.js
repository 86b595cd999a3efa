// The audit trail (supervisors and auditors): every action, and every view of a zone or a track.
import { api, clock, el } from './api.js';

export function renderAudit(view) {
  view.replaceChildren(el('h1', { text: 'Audit trail' }));
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
