// One run opened: its facts and its captured stdout and stderr, set as text so that output such as <script> shows
// as written and never runs.
import { el } from './el.js';
import { formatDuration, formatTime } from './format.js';

export function runDetails(record) {
  const facts = [
    ['Scheduled for', record.scheduled_at ? formatTime(Date.parse(record.scheduled_at)) : '–'],
    ['Began', record.begun_at ? formatTime(Date.parse(record.begun_at)) : '–'],
    ['Duration', formatDuration(record.duration_ms)],
    ['Exit code', record.status_code ?? '–'],
    ['Signal', record.signal ?? '–'],
    ['Timed out', record.timed_out ? 'yes' : 'no'],
    ['Arguments', record.args && record.args.length > 0 ? record.args.join(' ') : '–'],
    ['Host / pid', `${record.host ?? '–'} / ${record.pid ?? '–'}`],
  ];
  return el(
    'div',
    { class: 'run-open' },
    el(
      'dl',
      { class: 'facts facts-compact' },
      facts.map(([term, value]) => [el('dt', {}, term), el('dd', {}, String(value))]),
    ),
    record.note ? el('p', { class: 'muted' }, record.note) : null,
    record.spawn_error ? el('p', { class: 'error-text' }, record.spawn_error) : null,
    output('stdout', record.output, record.output_truncated),
    output('stderr', record.error, record.error_truncated),
  );
}

function output(label, text, truncated) {
  const empty = text === null || text === undefined || text === '';
  return el(
    'figure',
    { class: `output output-${label}` },
    el(
      'figcaption',
      {},
      label,
      truncated ? el('span', { class: 'muted' }, ' (cut: only the start and the end were kept)') : null,
    ),
    el('pre', { class: empty ? 'muted' : undefined }, empty ? '(empty)' : text),
  );
}
