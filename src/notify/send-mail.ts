// Sends one mail over SMTP with nodemailer, per config.ini [Mail]. A connection per mail: notifications are rare,
// and a password file that was rotated is read afresh. Errors never carry the password.
import { readFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import nodemailer from 'nodemailer';
import type { Settings } from '../config/settings.ts';
import type { MailContent } from './format-mail.ts';

export type MailSettings = Pick<
  Settings,
  'smtpHost' | 'smtpPort' | 'smtpSecure' | 'smtpUser' | 'smtpPassword' | 'smtpPasswordFile' | 'mailFrom'
>;

export interface MailMessage extends MailContent {
  from: string;
  to: readonly string[];
  /** The notification's kind, as an X-Pycron-Event header (mail filters can sort on it). */
  event: string;
}

export type SendMail = (message: MailMessage) => Promise<void>;

/** Each SMTP step (connect, greeting, a command's answer) must happen within this. */
export const SMTP_STEP_TIMEOUT_MS = 15_000;

/** MAIL_FROM, or pycron@ the host's name. */
export function defaultMailFrom(settings: Pick<MailSettings, 'mailFrom'>, host = hostname()): string {
  return settings.mailFrom ?? `pycron@${host}`;
}

/** A sender reading [Mail] through `settingsOf` at each mail, so a reload (SIGHUP) takes effect. */
export function smtpMailer(settingsOf: () => MailSettings): SendMail {
  return async (message) => {
    const settings = settingsOf();
    const auth = await authOf(settings);
    const implicitTls = settings.smtpSecure === 'tls' || (settings.smtpSecure === 'auto' && settings.smtpPort === 465);
    const transport = nodemailer.createTransport({
      host: settings.smtpHost,
      port: settings.smtpPort ?? (settings.smtpSecure === 'tls' ? 465 : 25),
      secure: implicitTls,
      requireTLS: settings.smtpSecure === 'starttls',
      ignoreTLS: settings.smtpSecure === 'none',
      auth,
      connectionTimeout: SMTP_STEP_TIMEOUT_MS,
      greetingTimeout: SMTP_STEP_TIMEOUT_MS,
      socketTimeout: SMTP_STEP_TIMEOUT_MS,
      disableFileAccess: true,
      disableUrlAccess: true,
    });
    try {
      await transport.sendMail({
        from: message.from,
        to: [...message.to],
        subject: message.subject,
        text: message.text,
        headers: { 'X-Pycron-Event': message.event },
      });
    } catch (error) {
      // NOTE: no `cause`: nodemailer's error holds the SMTP command it was sending, which for AUTH is the password.
      // eslint-disable-next-line preserve-caught-error
      throw new Error(`SMTP ${settings.smtpHost}: ${describeSmtpError(error)}`);
    } finally {
      transport.close();
    }
  };
}

async function authOf(settings: MailSettings): Promise<{ user: string; pass: string } | undefined> {
  if (settings.smtpUser === undefined) return undefined;
  if (settings.smtpPasswordFile === undefined) return { user: settings.smtpUser, pass: settings.smtpPassword ?? '' };
  let text: string;
  try {
    text = await readFile(settings.smtpPasswordFile, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`SMTP_PASSWORD_FILE ${settings.smtpPasswordFile} cannot be read (${code})`, { cause: error });
  }
  return { user: settings.smtpUser, pass: text.replace(/\r?\n$/, '') };
}

/** nodemailer's message and SMTP answer, without anything that could echo credentials back. */
function describeSmtpError(error: unknown): string {
  const { code, responseCode, message } = error as { code?: string; responseCode?: number; message?: string };
  if (code === 'EAUTH') return `login refused${responseCode ? ` (${responseCode})` : ''}`;
  const text = (message ?? String(error)).split('\n')[0] ?? '';
  // A socket error already names its errno (connect ECONNREFUSED ...); nodemailer's own codes add to it.
  return code && !/\bE[A-Z]{3,}\b/.test(text) ? `${code}: ${text}` : text;
}
