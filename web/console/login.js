// Posts JSON (never a form): the server takes only application/json at /api/login.
const form = document.getElementById('login-form');
const error = document.getElementById('login-error');
form.addEventListener('submit', async (e) => {
  e.preventDefault();
  error.textContent = '';
  const body = { username: form.username.value, password: form.password.value };
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.ok) {
    const next = new URLSearchParams(location.search).get('next');
    location.assign(next?.startsWith('/') && !next.startsWith('//') ? next : '/');
    return;
  }
  const answer = await res.json().catch(() => ({}));
  error.textContent =
    res.status === 429 ? 'Too many failed attempts. Wait and try again.' : (answer.reason ?? 'Login failed');
});
