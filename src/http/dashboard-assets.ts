// The dashboard's files (src/dashboard: one HTML page, its stylesheet and ES modules), read once and served as
// they are: no build step. Only the files found there at start are served, by exact name, so a request path never
// reaches the filesystem.
import { readdirSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeAsset } from './make-asset.ts';

export interface DashboardAsset {
  body: Buffer;
  contentType: string;
  etag: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.(html|css|js|svg)$/;
const DEFAULT_FOLDER = fileURLToPath(new URL('../dashboard/', import.meta.url));

export class DashboardAssets {
  private readonly assets = new Map<string, DashboardAsset>();

  constructor(folder = DEFAULT_FOLDER) {
    for (const name of readdirSync(folder)) {
      if (!ASSET_NAME.test(name)) continue;
      this.assets.set(name, makeAsset(readFileSync(`${folder}/${name}`), CONTENT_TYPES[extname(name)]!));
    }
  }

  /** The file named exactly `name`, or undefined. */
  get(name: string): DashboardAsset | undefined {
    return this.assets.get(name);
  }
}
