// Brings the cluster's schema up to the newest migration at start. Several instances may start at once: an advisory
// lock lets one apply while the others wait, then find nothing left to do.
import { PycronError } from '../errors.ts';
import { quoteIdentifier } from './pg-database.ts';
import { MIGRATIONS, type Migration } from './migrations.ts';
import type { SqlDatabase } from './sql-database.ts';

/** The key of the advisory lock held while migrating (any fixed number; "pycron" in ASCII). */
const MIGRATION_LOCK = 0x7079_6372_6f6e;

/** Applies the migrations `schema` lacks, in order, each in its own transaction; the versions it applied. */
export async function applyMigrations(
  db: SqlDatabase,
  schema: string,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [String(MIGRATION_LOCK)]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdentifier(schema)}`);
    await tx.query(
      `CREATE TABLE IF NOT EXISTS ${quoteIdentifier(schema)}.schema_migrations (
         version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
    );
    const rows = await tx.query<{ version: number }>(
      `SELECT version FROM ${quoteIdentifier(schema)}.schema_migrations`,
    );
    const applied = new Set(rows.map((row) => row.version));
    const newest = Math.max(0, ...applied);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new PycronError('CLUSTER_SCHEMA_TOO_NEW', {
        reason: `the database schema ${schema} is at migration ${newest}, newer than this pycron knows (${known}): upgrade pycron`,
      });
    }
    const done: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      // NOTE: one transaction for the lock and every migration: a failure leaves the schema as it was.
      await tx.query(`SET LOCAL search_path TO ${quoteIdentifier(schema)}`);
      await tx.query(migration.sql);
      await tx.query(`INSERT INTO ${quoteIdentifier(schema)}.schema_migrations (version, name) VALUES ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      done.push(migration.version);
    }
    return done;
  });
}
