// Answers with one dashboard file: revalidated by ETag on every load (so an upgrade shows at once) and sent with
// headers that keep the page to its own scripts and this server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PycronError } from '../errors.ts';
import type { DashboardAsset } from './dashboard-assets.ts';

const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

export function sendAsset(req: IncomingMessage, res: ServerResponse, asset: DashboardAsset | undefined): void {
  if (!asset) throw new PycronError('HTTP_NOT_FOUND', { reason: `no dashboard file at ${req.url?.slice(0, 80)}` });
  const headers = {
    'content-type': asset.contentType,
    etag: asset.etag,
    'cache-control': 'no-cache',
    ...SECURITY_HEADERS,
  };
  if (req.headers['if-none-match'] === asset.etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  res.writeHead(200, { ...headers, 'content-length': asset.body.length });
  res.end(asset.body);
}
