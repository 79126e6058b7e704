// POSTs a JSON body to a webhook URL. Delivered means a 2xx answer within the time limit; anything else rejects with
// a sentence that names the URL's origin only (a path or query often carries a secret token).
import http from 'node:http';
import https from 'node:https';
import { webhookOrigin } from './notify-values.ts';

/** The whole exchange (connect, send, answer) must end within this. */
export const WEBHOOK_TIMEOUT_MS = 10_000;

export type PostWebhook = (url: string, body: unknown, event: string) => Promise<void>;

export function postWebhook(url: string, body: unknown, event: string, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<void> {
  const payload = Buffer.from(JSON.stringify(body));
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const origin = webhookOrigin(url);
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (error?: Error): void => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      if (error) reject(error);
      else resolve();
    };
    const request = client.request(target, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': payload.length,
        'user-agent': 'pycron',
        'x-pycron-event': event,
      },
    });
    // NOTE: network time is real time, whatever clock the scheduler runs on.
    const deadline = setTimeout(() => {
      finish(new Error(`webhook ${origin}: no answer within ${timeoutMs / 1000} s`));
      request.destroy();
    }, timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      finish(new Error(`webhook ${origin}: ${error.code ?? 'request failed'}`)),
    );
    request.on('response', (response) => {
      response.resume();
      const status = response.statusCode ?? 0;
      if (status >= 200 && status < 300) response.on('end', () => finish());
      else finish(new Error(`webhook ${origin}: answered HTTP ${status}`));
      response.on('error', () => finish(new Error(`webhook ${origin}: the answer was cut off`)));
    });
    request.end(payload);
  });
}
