// SqlDatabase over a pg pool. Every connection uses the cluster's schema (search_path), so statements name tables
// without a schema and each test can have its own.
import pg from 'pg';
import type { SqlDatabase, SqlValue } from './sql-database.ts';

export interface PgDatabaseOptions {
  url: string;
  schema: string;
  /** Wins over a password in the URL. */
  password?: string;
  /** An idle connection the server dropped (a restart): reported here, never thrown (it would end the process). */
  onError(error: Error): void;
  /** Most connections held at once. */
  max?: number;
}

export class PgDatabase implements SqlDatabase {
  private readonly pool: pg.Pool;

  constructor(options: PgDatabaseOptions) {
    this.pool = new pg.Pool({
      connectionString: options.url,
      ...(options.password !== undefined ? { password: options.password } : {}),
      max: options.max ?? 6,
      // NOTE: a dead server must not hold a claim for minutes: fail fast, the caller retries with backoff.
      connectionTimeoutMillis: 3_000,
      query_timeout: 10_000,
      idleTimeoutMillis: 30_000,
      options: `-c search_path=${quoteIdentifier(options.schema)}`,
      application_name: 'pycron',
    });
    // NOTE: without this listener an idle connection killed by the server crashes the process (DEPENDENCIES.md).
    this.pool.on('error', (error) => options.onError(error));
  }

  async query<Row extends object>(text: string, values: readonly SqlValue[] = []): Promise<Row[]> {
    const result = await this.pool.query(text, values as unknown[]);
    return result.rows as Row[];
  }

  async transaction<T>(work: (tx: Pick<SqlDatabase, 'query'>) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    const onError = (error: Error): void => {
      broken = error;
    };
    client.on('error', onError);
    try {
      await client.query('BEGIN');
      const tx = {
        query: async <Row extends object>(text: string, values: readonly SqlValue[] = []): Promise<Row[]> =>
          (await client.query(text, values as unknown[])).rows as Row[],
      };
      const result = await work(tx);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken ??= await client.query('ROLLBACK').then(
        () => undefined,
        (rollbackError: unknown) => rollbackError as Error,
      );
      throw error;
    } finally {
      client.off('error', onError);
      // A connection that failed mid-transaction is destroyed rather than given to the next caller.
      client.release(broken);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** "name" for SQL, with inner quotes doubled. */
export function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
