// A problem found while loading config or jobs. Loading never stops at the first one: every problem is
// collected with its path and reason, so one bad folder is reported while everything else runs.
import type { ErrorCode } from './errors.ts';

export interface Diagnostic {
  severity: 'error' | 'warning';
  code: ErrorCode;
  /** The file or folder the problem is in (absolute, or as the user named it). */
  path: string;
  message: string;
}

export function formatDiagnostic(d: Diagnostic): string {
  // Messages built from a PycronError already open with their place (file:line [section] key).
  const place = d.message.startsWith(d.path) ? '' : `${d.path}: `;
  return `${d.severity}: ${place}${d.message}`;
}
