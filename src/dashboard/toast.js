// Short messages in a corner that go away by themselves: what a click did, or why it did not.
import { el } from './el.js';

/** kind: 'ok' | 'info' | 'warn' | 'error'. Errors stay longer. */
export function toast(message, kind = 'info') {
  const box = document.getElementById('toasts');
  const note = el('div', { class: `toast toast-${kind}`, role: kind === 'error' ? 'alert' : undefined }, message);
  box.append(note);
  while (box.childElementCount > 4) box.firstElementChild.remove();
  setTimeout(() => note.remove(), kind === 'error' ? 9000 : 5000);
}
