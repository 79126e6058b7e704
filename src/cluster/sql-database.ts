// The one small query interface every SQL statement of cluster mode goes through: the real one is a pg pool
// (pg-database.ts); a test may wrap it to cut the connection at a chosen moment.

export type SqlValue = string | number | boolean | null | Date | readonly string[];

export interface SqlDatabase {
  /** Runs one statement; its rows. */
  query<Row extends object>(text: string, values?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Pick<SqlDatabase, 'query'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
