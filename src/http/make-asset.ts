// A file served as it is, with the strong ETag it is revalidated by.
import { createHash } from 'node:crypto';
import type { DashboardAsset } from './dashboard-assets.ts';

export function makeAsset(body: Buffer, contentType: string): DashboardAsset {
  return { body, contentType, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}
