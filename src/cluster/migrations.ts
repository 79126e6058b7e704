// The cluster's tables, as numbered migrations applied in order at start (apply-migrations.ts). Never edit one
// that has shipped: add the next number. Instants are bigint milliseconds since the epoch, as everywhere in pycron.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'instances, firings and instance state',
    sql: `
      -- Every process that ever ran: one row per start (incarnation), so a restart never inherits a dead lease.
      CREATE TABLE instances (
        incarnation   uuid PRIMARY KEY,
        instance_id   text NOT NULL,
        host          text NOT NULL,
        pid           integer NOT NULL,
        version       text NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        heartbeat_at  timestamptz NOT NULL DEFAULT now(),
        lease_ms      integer NOT NULL,
        -- alive, stopped (a clean shutdown) or dead (its lease ran out and its work was taken over)
        state         text NOT NULL DEFAULT 'alive',
        taken_over_by uuid,
        -- when it stopped, or when its lease was found run out and its work taken over
        ended_at      timestamptz,
        clock_skew_ms integer
      );
      CREATE INDEX instances_alive ON instances (heartbeat_at) WHERE state = 'alive';

      -- Fencing tokens: every claim and every takeover draws a new, larger one.
      CREATE SEQUENCE fencing_tokens;

      -- One row per firing run in the cluster: the unique key is the claim.
      CREATE TABLE firings (
        job           text NOT NULL,
        scheduled_at  bigint NOT NULL,
        -- a retry's instant is its own (the failed run's end + the delay): it never stands for a slot
        retry         boolean NOT NULL,
        -- the instance's count (1, or n+1 after n failures): not part of the claim, instances count apart
        attempt       integer NOT NULL,
        reason        text NOT NULL,
        run_id        uuid NOT NULL UNIQUE,
        incarnation   uuid NOT NULL,
        instance_id   text NOT NULL,
        token         bigint NOT NULL,
        -- running, succeeded, failed, interrupted or released (claimed but not run: skipped, collapsed, dropped)
        status        text NOT NULL DEFAULT 'running',
        claimed_at    bigint NOT NULL,
        ended_at      bigint,
        -- when the end reached the database (by its clock): until then the firing counts as running
        recorded_at   timestamptz,
        exit_code     integer,
        note          text,
        record        jsonb,
        PRIMARY KEY (job, scheduled_at, retry)
      );
      CREATE INDEX firings_running ON firings (incarnation) WHERE status = 'running';
      CREATE INDEX firings_running_job ON firings (job) WHERE status = 'running';
      CREATE INDEX firings_by_claim ON firings (claimed_at);

      -- Each instance's scheduler state (what the JSON state file holds alone), by INSTANCE_ID.
      CREATE TABLE instance_state (
        instance_id text PRIMARY KEY,
        state       jsonb NOT NULL,
        saved_at    timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 2,
    name: 'remote runs and workers',
    sql: `
      -- Runs sent to workers over AMQP (job.ini routing_key). The row is written before the message is published
      -- (an outbox: CronQ published after its commit and lost runs), and a worker starts a run only by moving its
      -- row from queued to running, so a redelivered message never runs twice.
      CREATE TABLE remote_runs (
        run_id        uuid PRIMARY KEY,
        job           text NOT NULL,
        routing_key   text NOT NULL,
        instance_id   text NOT NULL,
        reply_to      text NOT NULL,
        -- publishing, queued, running, finished, failed, interrupted or unroutable
        status        text NOT NULL DEFAULT 'publishing',
        message       jsonb NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        worker        text,
        started_at    timestamptz,
        ended_at      timestamptz,
        exit_code     integer,
        result        jsonb
      );
      CREATE INDEX remote_runs_by_created ON remote_runs (created_at);

      CREATE TABLE workers (
        worker_id     text PRIMARY KEY,
        queue         text NOT NULL,
        host          text NOT NULL,
        pid           integer NOT NULL,
        version       text NOT NULL,
        started_at    timestamptz NOT NULL DEFAULT now(),
        heartbeat_at  timestamptz NOT NULL DEFAULT now(),
        -- alive or stopped (a worker that died stays alive with an old heartbeat)
        state         text NOT NULL DEFAULT 'alive'
      );
    `,
  },
  {
    version: 3,
    name: 'stored jobs',
    sql: `
      -- Jobs kept in the database beside the jobs folders (CronQ's categories): a PUT of a category replaces its
      -- rows in one transaction. Every instance loads them all again when stored_jobs_revision moves.
      CREATE TABLE stored_jobs (
        category    text NOT NULL,
        name        text NOT NULL,
        schedule    text NOT NULL,
        command     text NOT NULL,
        routing_key text,
        -- more job.ini keys, as text: {"timeout": "5m", "overlap": "queue"}
        options     jsonb NOT NULL DEFAULT '{}',
        created_at  timestamptz NOT NULL DEFAULT now(),
        updated_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (category, name)
      );

      -- One row: bumped by every change of stored_jobs. Its row lock also puts concurrent PUTs one after the other.
      CREATE TABLE stored_jobs_revision (
        id       integer PRIMARY KEY CHECK (id = 1),
        revision bigint NOT NULL
      );
      INSERT INTO stored_jobs_revision (id, revision) VALUES (1, 0);
    `,
  },
  {
    version: 4,
    name: 'runs of the whole cluster',
    sql: `
      -- Every finished run of every instance, with its whole status record (output included): the cluster's run
      -- history, which the API and the dashboard of any instance read. seq orders the rows as they were written.
      CREATE TABLE runs (
        seq         bigserial UNIQUE,
        run_id      text PRIMARY KEY,
        job         text NOT NULL,
        instance_id text NOT NULL,
        ok          boolean NOT NULL,
        timed_out   boolean NOT NULL,
        duration_ms bigint NOT NULL,
        ended_at    bigint NOT NULL,
        -- the record without output and error, for lists; then the record with them (each capped at 256 KiB)
        entry       jsonb NOT NULL,
        record      jsonb NOT NULL
      );
      CREATE INDEX runs_by_job ON runs (job, ended_at DESC);
      CREATE INDEX runs_by_end ON runs (ended_at DESC);
    `,
  },
];
