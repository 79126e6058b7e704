// Runs a read of the cluster's database for an HTTP answer: a database that cannot be reached is a 503 that says
// so (logged by no one: the service logs the outage once), not a 500 and an error line per request.
import { isDatabaseUnreachable } from '../cluster/is-database-unreachable.ts';
import { PycronError } from '../errors.ts';

export async function unlessDatabaseAway<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof PycronError || !isDatabaseUnreachable(error)) throw error;
    throw new PycronError('HTTP_UNAVAILABLE', {
      reason: `${what}: the cluster's database does not answer (${(error as Error).message}); try again shortly`,
      cause: error,
    });
  }
}
