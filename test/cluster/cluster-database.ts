// A schema of its own in the machine's PostgreSQL (127.0.0.1:5432, trust auth) for each cluster test, dropped after.
// PostgreSQL must be running: a test fails, never skips, when it is not.
import { randomBytes } from 'node:crypto';
import { applyMigrations } from '../../src/cluster/apply-migrations.ts';
import { PgDatabase } from '../../src/cluster/pg-database.ts';
import { requireServer } from '../triggers/trigger-servers.ts';

export const TEST_DATABASE_URL = process.env.PYCRON_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  name: string;
  /** Opens a connection pool on the schema (closed by drop()). */
  open(): PgDatabase;
  /** Applies the migrations, as a service does at start. */
  migrate(): Promise<void>;
  /** Closes the pools and drops the schema. */
  drop(): Promise<void>;
}

export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const url = new URL(TEST_DATABASE_URL);
  await requireServer(
    'PostgreSQL',
    { host: url.hostname, port: Number(url.port || 5432) },
    'pg_ctlcluster 15 main start',
  );
  const name = `${prefix}_${randomBytes(4).toString('hex')}`;
  const pools: PgDatabase[] = [];
  const open = (): PgDatabase => {
    const db = new PgDatabase({ url: TEST_DATABASE_URL, schema: name, onError: () => {} });
    pools.push(db);
    return db;
  };
  return {
    name,
    open,
    async migrate() {
      await applyMigrations(open(), name);
    },
    async drop() {
      const admin = new PgDatabase({ url: TEST_DATABASE_URL, schema: 'public', onError: () => {} });
      await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`).finally(() => admin.close());
      await Promise.all(pools.map((db) => db.close().catch(() => {})));
    },
  };
}
