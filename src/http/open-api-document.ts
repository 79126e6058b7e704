// GET /api/v1/openapi.json: the API described for tools (src/http/openapi.json, kept in step with docs/api.md by
// test/http/openapi.test.ts), read once and served like a dashboard file.
import { readFileSync } from 'node:fs';
import type { DashboardAsset } from './dashboard-assets.ts';
import { makeAsset } from './make-asset.ts';

let document: DashboardAsset | undefined;

export function openApiDocument(): DashboardAsset {
  if (!document) {
    document = makeAsset(readFileSync(new URL('./openapi.json', import.meta.url)), 'application/json; charset=utf-8');
  }
  return document;
}
