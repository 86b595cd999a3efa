// The shell: who am I, the live incident set from the event stream, and a tiny path router.
import { initAlarm, raiseAlarm } from './alarm.js';
import { api, fillTimes, setCsrf, setServerNow } from './api.js';
import { renderAudit } from './audit.js';
import { renderIncident } from './incident.js';
import { renderQueue } from './queue.js';
import { renderSubject } from './subject.js';

const state = { me: null, incidents: new Map(), lastSeq: -1, view: null };

function route() {
  const path = location.pathname;
  const view = document.getElementById('view');
  const m = /^\/incidents\/(.+)$/.exec(path);
  const s = /^\/subjects\/(.+)$/.exec(path);
  if (m) state.view = renderIncident(view, state, decodeURIComponent(m[1]));
  else if (s) state.view = renderSubject(view, state, decodeURIComponent(s[1]));
  else if (path === '/audit') state.view = renderAudit(view, state);
  else state.view = renderQueue(view, state);
}

function flashP1(incident) {
  raiseAlarm();
  const banner = document.getElementById('p1-banner');
  banner.hidden = false;
  banner.textContent = `P1 ${incident.type.replaceAll('_', ' ')}: subject ${incident.subjectId}`;
  banner.classList.remove('flash');
  void banner.offsetWidth; // restart the animation
  banner.classList.add('flash');
  clearTimeout(flashP1.timer);
  flashP1.timer = setTimeout(() => {
    banner.hidden = true;
  }, 15_000);
}

function apply(incident, live) {
  const prev = state.incidents.get(incident.incidentId);
  if (prev && prev.seq >= incident.seq) return; // already have this or newer: no duplicates
  state.incidents.set(incident.incidentId, incident);
  if (
    live &&
    incident.severity === 'P1' &&
    incident.status !== 'closed' &&
    (!prev || prev.severity !== 'P1')
  ) {
    flashP1(incident);
  }
  state.view?.update?.(incident);
}

function connect() {
  const conn = document.getElementById('conn');
  // EventSource reconnects by itself and sends Last-Event-ID: the server resumes after it.
  const source = new EventSource('/api/events');
  source.addEventListener('open', () => {
    conn.textContent = 'live';
    conn.className = 'conn live';
  });
  source.addEventListener('error', () => {
    conn.textContent = 'reconnecting';
    conn.className = 'conn down';
  });
  source.addEventListener('snapshot', (e) => {
    // A snapshot replaces what we held: it may come from a restarted console whose sequence
    // numbers started afresh.
    const snap = JSON.parse(e.data);
    setServerNow(snap.serverNow);
    state.snapshotTotal = snap.total;
    state.incidents = new Map(snap.incidents.map((i) => [i.incidentId, i]));
    state.lastSeq = snap.seq;
    state.view?.refresh?.();
  });
  source.addEventListener('incident', (e) => {
    const seq = Number(e.lastEventId.split('.')[1]);
    if (seq <= state.lastSeq) return;
    state.lastSeq = seq;
    apply(JSON.parse(e.data), true);
  });
  window.__fencelineSource = source;
}

async function main() {
  const me = await api('/api/me');
  state.me = me.data;
  setCsrf(me.data.csrf);
  setServerNow(me.data.serverNow);
  document.getElementById('me').textContent = `${me.data.user} (${me.data.role})`;
  document.getElementById('nav-audit').hidden = me.data.role === 'operator';
  document.getElementById('logout').addEventListener('click', async () => {
    await api('/api/logout', { method: 'POST' });
    location.assign('/login');
  });
  initAlarm(document.getElementById('sound-toggle'));
  route();
  connect();
  setInterval(fillTimes, 1000);
  fillTimes();
}

main();
