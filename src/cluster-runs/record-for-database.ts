// A status record as the cluster's run history keeps it: NUL bytes (which PostgreSQL's jsonb refuses, and which job
// output may hold) become U+FFFD, and stdout and stderr beyond 256 KiB each keep their head and tail. The status log
// on the host that ran the job keeps the whole output. `entry` is the record without its output, for lists.
import type { StatusRecord } from '../statuslog/status-record.ts';

export const MAX_STORED_OUTPUT_CHARS = 256 * 1024;

export interface DatabaseRecord {
  /** JSON of the record, output and error capped. */
  record: string;
  /** JSON of the record without output and error. */
  entry: string;
  /** About how much memory it holds while it waits. */
  bytes: number;
}

export function recordForDatabase(record: StatusRecord): DatabaseRecord {
  const output = cap(record.output, 'stdout', record.host);
  const error = cap(record.error, 'stderr', record.host);
  const capped: StatusRecord = {
    ...record,
    output: output.text,
    error: error.text,
    output_truncated: record.output_truncated || output.cut,
    error_truncated: record.error_truncated || error.cut,
  };
  const { output: _output, error: _error, ...rest } = capped;
  const json = (value: unknown): string => JSON.stringify(value, withoutNul);
  const text = json(capped);
  return { record: text, entry: json(rest), bytes: text.length * 2 };
}

function withoutNul(_key: string, value: unknown): unknown {
  return typeof value === 'string' && value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
}

function cap(text: string, stream: string, host: string): { text: string; cut: boolean } {
  if (text.length <= MAX_STORED_OUTPUT_CHARS) return { text, cut: false };
  const half = MAX_STORED_OUTPUT_CHARS / 2;
  const left = text.length - 2 * half;
  const note = `\n[... ${left} characters of ${stream} not kept in the cluster's run history; the status log on ${host} has them ...]\n`;
  return { text: `${text.slice(0, half)}${note}${text.slice(-half)}`, cut: true };
}
