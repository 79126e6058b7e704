// The Markdown table of error codes, rendered from ERROR_CODES (shared by the docs test and the docs script).
import type { ERROR_CODES } from '../../src/errors.ts';

export function renderErrorTable(codes: typeof ERROR_CODES): string {
  const rows = Object.entries(codes).map(
    ([code, info]) => `| \`${code}\` | ${info.exit} | ${info.http} | ${info.summary} |`,
  );
  return ['| code | exit code | HTTP status | meaning |', '|---|---|---|---|', ...rows].join('\n') + '\n';
}
