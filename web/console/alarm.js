// The P1 alarm's optional sound: a beep generated in the page with WebAudio (no audio file to
// serve or cache). Off by default; the operator's choice is remembered in localStorage. Browsers
// only let a page make sound after a user gesture, so the AudioContext is created (or resumed)
// by the click on the toggle itself; when the page was reloaded with the sound on, the first
// click anywhere on the page does it.
//
// For tests and for the curious, document.body carries two counters: data-alarms (P1 arrivals
// that raised the alarm) and data-beeps (alarms that actually started the beep).

const KEY = 'fenceline.console.sound';
let audio = null;

export const soundOn = () => localStorage.getItem(KEY) === 'on';

function unlock() {
  if (!soundOn()) return;
  audio ??= new AudioContext();
  if (audio.state === 'suspended') void audio.resume();
}

function bump(name) {
  const n = Number(document.body.dataset[name] ?? '0') + 1;
  document.body.dataset[name] = String(n);
}

/** Three short square-wave beeps at 880 Hz, about 0.7 s in all. */
function beep() {
  const t0 = audio.currentTime + 0.02;
  const gain = audio.createGain();
  gain.connect(audio.destination);
  gain.gain.setValueAtTime(0, t0);
  for (let i = 0; i < 3; i++) {
    const t = t0 + i * 0.25;
    gain.gain.setValueAtTime(0.2, t);
    gain.gain.setValueAtTime(0, t + 0.15);
  }
  const osc = audio.createOscillator();
  osc.type = 'square';
  osc.frequency.value = 880;
  osc.connect(gain);
  osc.start(t0);
  osc.stop(t0 + 0.75);
}

/** Called on every P1 arrival, on top of the visual cue. */
export function raiseAlarm() {
  bump('alarms');
  if (!soundOn() || audio === null) return;
  if (audio.state === 'suspended') void audio.resume();
  beep();
  bump('beeps');
}

function show(button) {
  const on = soundOn();
  button.setAttribute('aria-pressed', on ? 'true' : 'false');
  button.textContent = on ? 'P1 sound: on' : 'P1 sound: off';
}

/** Wires the header's toggle; the click that turns the sound on also unlocks audio. */
export function initAlarm(button) {
  show(button);
  button.addEventListener('click', () => {
    localStorage.setItem(KEY, soundOn() ? 'off' : 'on');
    show(button);
    unlock();
  });
  document.addEventListener('pointerdown', unlock, { capture: true });
  document.addEventListener('keydown', unlock, { capture: true });
}
