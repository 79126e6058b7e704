// The event stream (GET /api/v1/events) feeding the store, with the indicator in the top bar. EventSource
// reconnects by itself; after a gap the whole list is reloaded, since events may have been missed meanwhile. The
// service sends a heartbeat every 15 s: a stream silent for longer died without telling (a laptop's sleep), and is
// opened again. A tab hidden for a while lets its stream go: a browser gives one server 6 connections, which 6
// open tabs would otherwise hold for good.

const SILENT_LIMIT_MS = 40_000;
const HIDDEN_LIMIT_MS = 30_000;

export function connectLive(store) {
  const indicator = document.getElementById('live');
  const text = indicator.querySelector('.live-text');
  let missed = false;
  const show = (state, words) => {
    indicator.dataset.state = state;
    text.textContent = words;
  };

  let source;
  let lastHeard = Date.now();
  let hiddenTimer;
  const close = () => {
    source?.close();
    source = undefined;
    missed = true;
  };

  const open = () => {
    const current = new EventSource('/api/v1/events');
    source = current;
    lastHeard = Date.now();
    current.addEventListener('heartbeat', () => (lastHeard = Date.now()));
    current.addEventListener('open', () => {
      lastHeard = Date.now();
      show('live', 'live');
      if (missed) {
        missed = false;
        store.load().catch(() => {});
      }
    });
    current.addEventListener('error', () => {
      if (current !== source) return; // a stream this page already let go
      missed = true;
      if (current.readyState === EventSource.CLOSED) {
        show('down', 'offline');
        close();
        setTimeout(() => source ?? open(), 3000);
      } else {
        show('connecting', 'reconnecting');
      }
    });
    for (const event of [
      'run:started',
      'run:finished',
      'job:added',
      'job:changed',
      'job:removed',
      'job:paused',
      'jobs:diagnostics',
    ]) {
      current.addEventListener(event, (message) => {
        lastHeard = Date.now();
        store.apply(event, JSON.parse(message.data));
      });
    }
  };

  setInterval(() => {
    if (!source || Date.now() - lastHeard < SILENT_LIMIT_MS) return;
    show('connecting', 'reconnecting');
    close();
    open();
  }, 5000);
  document.addEventListener('visibilitychange', () => {
    clearTimeout(hiddenTimer);
    if (document.hidden) {
      hiddenTimer = setTimeout(() => {
        close();
        show('connecting', 'paused while hidden');
      }, HIDDEN_LIMIT_MS);
    } else if (!source) {
      open();
    }
  });
  open();
}
