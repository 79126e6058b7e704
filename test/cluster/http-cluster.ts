// Two (or more) real instances of one cluster, each with its HTTP API on a port of its own, on a schema and a
// folder of their own: started, and their base URLs known. close() kills them and removes everything.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestSchema, type TestSchema } from './cluster-database.ts';
import { writeClusterInstances, type ClusterInstance, type ClusterJob } from './cluster-instances.ts';

export interface HttpCluster {
  schema: TestSchema;
  root: string;
  instances: ClusterInstance[];
  /** Each instance's http://127.0.0.1:PORT, in the order of `instances`. */
  urls: string[];
  close(): Promise<void>;
}

export async function startHttpCluster(options: {
  /** Names the schema and the temporary folder. */
  prefix: string;
  token: string;
  jobs?: readonly ClusterJob[];
  instances?: number;
}): Promise<HttpCluster> {
  const schema = await createTestSchema(options.prefix);
  const root = mkdtempSync(join(tmpdir(), `pycron-${options.prefix}-`));
  const instances = writeClusterInstances({
    root,
    schema: schema.name,
    instances: options.instances ?? 2,
    jobs: options.jobs ?? [],
    httpToken: options.token,
  });
  const close = async (): Promise<void> => {
    await Promise.all(instances.map((instance) => instance.crash()));
    await schema.drop();
    rmSync(root, { recursive: true, force: true });
  };
  try {
    await Promise.all(instances.map((instance) => instance.start()));
    const urls = await Promise.all(instances.map((instance) => instance.httpUrl()));
    return { schema, root, instances, urls, close };
  } catch (error) {
    await close();
    throw error;
  }
}
