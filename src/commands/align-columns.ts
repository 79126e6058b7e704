// Rows of cells as lines of aligned columns, two spaces apart; the last column is not padded. Widths are measured
// on the plain text, so colour codes never shift a column.
import { paint, type Tone } from './paint.ts';

export interface Cell {
  text: string;
  tone?: Tone;
}

export function alignColumns(rows: readonly (readonly (string | Cell)[])[], colour: boolean): string[] {
  const cells = rows.map((row) => row.map((cell) => (typeof cell === 'string' ? { text: cell } : cell)));
  const widths: number[] = [];
  for (const row of cells) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, [...cell.text].length)));
  return cells.map((row) =>
    row
      .map((cell, i) => {
        const padded =
          i === row.length - 1 ? cell.text : cell.text + ' '.repeat((widths[i] ?? 0) - [...cell.text].length);
        return paint(padded, cell.tone, colour);
      })
      .join('  ')
      .trimEnd(),
  );
}
