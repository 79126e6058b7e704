// The values of notification settings, job.ini's (mail_to, notify_on, webhook_url) and config.ini [Mail]'s: each
// parser gives the value or says what was expected, in words that end up in "expected ..., got '...'".
import { isIP } from 'node:net';
import type { Parsed } from '../config/setting-values.ts';
import type { NotifyOn } from '../jobs/job-options.ts';

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const fail = <T>(expected: string): Parsed<T> => ({ ok: false, expected });

// A dot-atom local part and a domain of letter-digit-hyphen labels: the addresses people type, nothing exotic.
const LOCAL_PART = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*";
const DOMAIN = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*';
const BARE_ADDRESS = new RegExp(`^${LOCAL_PART}@${DOMAIN}$`);
/** `Backup robot <ops@example.org>`: a display name without quotes, commas or angle brackets. */
const NAMED_ADDRESS = new RegExp(`^([^<>",;]*[^<>",;\\s])\\s*<(${LOCAL_PART}@${DOMAIN})>$`);

export const MAIL_ADDRESS_EXPECTED = 'a mail address such as ops@example.org (or Name <ops@example.org>)';

/** One address, bare or with a display name; given back as written, trimmed. */
export function parseMailAddress(raw: string): Parsed<string> {
  const text = raw.trim();
  return BARE_ADDRESS.test(text) || NAMED_ADDRESS.test(text) ? ok(text) : fail(MAIL_ADDRESS_EXPECTED);
}

/** kopf's mail_to: one or more addresses, comma-separated; empty (`mail_to =`) turns mail off. */
export function parseMailAddresses(raw: string): Parsed<string[]> {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  return items.every((item) => parseMailAddress(item).ok)
    ? ok(items)
    : fail('a comma-separated list of mail addresses such as ops@example.org, Name <dev@example.org>');
}

export const NOTIFY_ON_WORDS: readonly NotifyOn[] = ['failure', 'recovery', 'always', 'late'];

/** A comma list of failure, recovery, always, late (any case, each once); empty: never notify. */
export function parseNotifyOn(raw: string): Parsed<NotifyOn[]> {
  const expected = `a comma-separated list of ${NOTIFY_ON_WORDS.join(', ')}`;
  const words = raw
    .split(',')
    .map((item) => item.trim().toLowerCase())
    .filter((item) => item !== '');
  const known = words.filter((word): word is NotifyOn => (NOTIFY_ON_WORDS as readonly string[]).includes(word));
  if (known.length !== words.length) return fail(expected);
  return ok([...new Set(known)]);
}

export const WEBHOOK_URL_EXPECTED = 'an http:// or https:// URL with a host';

/** An absolute http or https URL (user:password@ allowed: it is never logged). */
export function parseWebhookUrl(raw: string): Parsed<string> {
  const text = raw.trim();
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return fail(WEBHOOK_URL_EXPECTED);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') return fail(WEBHOOK_URL_EXPECTED);
  return ok(url.href);
}

/** What a log line may show of a webhook URL: scheme, host and port; the path and query often hold a secret. */
export function webhookOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'an unreadable URL';
  }
}

const HOST_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** [Mail] SMTP_HOST: a host name or an IP address. */
export function parseSmtpHost(raw: string): Parsed<string> {
  const text = raw.trim();
  return isIP(text) !== 0 || HOST_NAME.test(text) ? ok(text) : fail('a host name or IP address (smtp.example.org)');
}

/** [Mail] SMTP_PORT: 1 to 65535. */
export function parseSmtpPort(raw: string): Parsed<number> {
  const text = raw.trim();
  const port = /^\d{1,5}$/.test(text) ? Number(text) : NaN;
  return port >= 1 && port <= 65535 ? ok(port) : fail('a port number from 1 to 65535');
}

/** How the SMTP connection is encrypted; see docs/notifications.md. */
export type SmtpSecurity =
  /** TLS from the start on port 465; elsewhere STARTTLS when the server offers it (nodemailer's default). */
  | 'auto'
  /** TLS from the start (SMTPS, port 465). */
  | 'tls'
  /** STARTTLS, and fail when the server does not offer it. */
  | 'starttls'
  /** Plain text, STARTTLS ignored (a local relay only). */
  | 'none';

export function parseSmtpSecurity(raw: string): Parsed<SmtpSecurity> {
  const text = raw.trim().toLowerCase();
  return text === 'auto' || text === 'tls' || text === 'starttls' || text === 'none'
    ? ok(text)
    : fail('one of auto, tls, starttls, none');
}

/** Text that is not blank, trimmed (a user name, a password). */
export function nonBlank(expected: string) {
  return (raw: string): Parsed<string> => (raw.trim() === '' ? fail(expected) : ok(raw.trim()));
}
