// Renders the summary rows as the Markdown table that summary.md holds and `npm run bench` prints.
import type { SummaryRow } from './bench-result.ts';

export interface TableRow extends SummaryRow {
  /** The benchmark that measured the row. */
  bench: string;
}

function figureText(value: number | null, unit: string): string {
  if (value === null) return '—';
  if (!Number.isFinite(value)) return 'n/a';
  return unit.startsWith('of ') ? `${value} ${unit}` : `${value} ${unit}`.replace(' /s', '/s');
}

function ratioText(row: SummaryRow): string {
  if (row.unit.startsWith('of ') || row.baseline === null || row.baseline === 0 || !Number.isFinite(row.baseline))
    return '—';
  return `${(row.figure / row.baseline).toFixed(2)}×`;
}

export function renderSummaryTable(
  rows: readonly TableRow[],
  errors: readonly { bench: string; error: string }[],
): string {
  const lines = [
    '| measurement | figure | baseline (same run) | ratio | target | met | PyCron |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.measurement} | ${figureText(r.figure, r.unit)} | ${r.baseline === null ? '—' : `${figureText(r.baseline, r.unit)}: ${r.baselineLabel}`} | ${ratioText(r)} | ${r.target} | ${r.met ? 'yes' : '**no**'} | ${r.pycron} |`,
    ),
    ...errors.map((e) => `| ${e.bench} | failed: ${e.error.split('\n')[0]} | — | — | — | **no** | — |`),
  ];
  return lines.join('\n');
}
