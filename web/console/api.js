// Small fetch wrapper: JSON in and out, the CSRF token on every state change, 401 → login page.
let csrf = '';
export function setCsrf(token) {
  csrf = token;
}
export async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET') headers['x-csrf-token'] = csrf;
  const res = await fetch(path, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (res.status === 401) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname)}`);
    throw new Error('unauthenticated');
  }
  const data = await res.json().catch(() => ({}));
  return { ok: res.ok, status: res.status, data };
}

/** Server clock offset, so ages and countdowns tick from the server's time. */
let skew = 0;
export function setServerNow(serverNow) {
  skew = serverNow - Date.now();
}
export const now = () => Date.now() + skew;

/**
 * Write the ticking ages ([data-since]) and acknowledge countdowns ([data-due]) under `root`.
 * Called every second for the whole page, and right after a render so a new row or incident
 * never shows an empty age until the next tick.
 */
export function fillTimes(root = document) {
  const t = now();
  for (const node of root.querySelectorAll('[data-since]')) {
    node.textContent = duration(t - Number(node.dataset.since));
  }
  for (const node of root.querySelectorAll('[data-due]')) {
    const left = Number(node.dataset.due) - t;
    node.textContent = left >= 0 ? duration(left) : `overdue ${duration(-left)}`;
    node.classList.toggle('overdue', left < 0);
  }
}

export function duration(ms) {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const text =
    h > 0 ? `${h}h ${String(m).padStart(2, '0')}m` : m > 0 ? `${m}m ${String(s).padStart(2, '0')}s` : `${s}s`;
  return neg ? `-${text}` : text;
}

export const clock = (ms) => new Date(ms).toLocaleTimeString('en-GB', { hour12: false });

/** Build an element: el('td', { class: 'x', text: 'y' }, child...) */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'text') node.textContent = String(v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) if (c !== undefined && c !== null) node.append(c);
  return node;
}
