// Whether an error from the database means it cannot be reached now (down, restarting, a broken connection, a
// time-out), as opposed to a refused statement (a bug, bad data): the first is waited out, the second reported.

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  // PostgreSQL: connection exceptions (08...), admin or crash shutdown, cannot connect now (57P...)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '57P01',
  '57P02',
  '57P03',
]);

export function isDatabaseUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|timeout|Connection terminated|connection (?:ended|closed)|Client has encountered a connection error/i.test(
    error.message,
  );
}
