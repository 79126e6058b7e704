// The folders pycron could not take as jobs, each with its reason, above the list; warnings fold away beneath.
import { el } from './el.js';

export function problemsPanel(diagnostics) {
  const errors = diagnostics.filter((d) => d.severity === 'error');
  const warnings = diagnostics.filter((d) => d.severity !== 'error');
  if (errors.length === 0 && warnings.length === 0) return document.createDocumentFragment();
  const item = (d) =>
    el(
      'li',
      {},
      el('code', { class: 'path' }, d.path),
      el('span', { class: 'message' }, d.message),
      el('span', { class: 'code' }, d.code),
    );
  return el(
    'section',
    { class: 'problems', 'aria-label': 'Problems in the jobs folder' },
    errors.length > 0
      ? [
          el('h2', {}, errors.length === 1 ? '1 folder is not running' : `${errors.length} folders are not running`),
          el('ul', { class: 'problem-list' }, errors.map(item)),
        ]
      : null,
    warnings.length > 0
      ? el(
          'details',
          {},
          el('summary', {}, warnings.length === 1 ? '1 warning' : `${warnings.length} warnings`),
          el('ul', { class: 'problem-list' }, warnings.map(item)),
        )
      : null,
  );
}
