// config.ini's [AMQP] and [Ticks] sections: rows of the settings table (config/setting-keys.ts).
import { parsePath } from '../config/setting-values.ts';
import { into, row, type SettingKey } from '../config/setting-row.ts';
import { flag } from '../jobs/job-value-kinds.ts';
import { parseAmqpName, parseAmqpUrl, parseCronTime } from './amqp-setting-values.ts';

export const AMQP_SETTING_KEYS: readonly SettingKey[] = [
  row({
    section: 'AMQP',
    key: 'URL',
    default: undefined,
    defaultText: 'none: no AMQP',
    example: 'amqp://pycron@rabbit.example.org:5672/',
    doc: 'The RabbitMQ broker: jobs with a routing_key are published there for `pycron worker` to run (docs/workers.md), and [Ticks] go there. amqp:// or amqps:// (TLS), the vhost as the path. A password in the URL works; PASSWORD_FILE keeps it out of config.ini. Empty: off.',
    parse: into('amqpUrl', parseAmqpUrl),
  }),
  row({
    section: 'AMQP',
    key: 'PASSWORD_FILE',
    default: undefined,
    defaultText: 'none',
    example: '/etc/pycron/amqp-password',
    doc: 'A file holding the broker password (read at start; keep it mode 0600). It wins over a password in the URL.',
    parse: into('amqpPasswordFile', parsePath),
  }),
  row({
    section: 'AMQP',
    key: 'EXCHANGE',
    default: 'pycron',
    example: 'pycron',
    doc: "The direct exchange runs are published on, with the job's routing_key; workers bind their queue to it (`pycron worker --queue slow` binds slow). Results come back on it too.",
    parse: into('amqpExchange', parseAmqpName),
  }),
  row({
    section: 'AMQP',
    key: 'RESULTS_QUEUE',
    default: 'pycron_results',
    example: 'pycron_results',
    doc: "The durable queue workers' starting/finished/failed results go to (CronQ's cronq_results); the service reads it, stores each result and writes finished runs to its status log.",
    parse: into('amqpResultsQueue', parseAmqpName),
  }),
  row({
    section: 'Ticks',
    key: 'ENABLED',
    default: 'false',
    example: 'true',
    doc: "Publish HACron's tick message on EXCHANGE at each CRON_TIME instant (docs/ticks.md), once in the whole cluster. Needs [AMQP] URL.",
    parse: into('ticksEnabled', flag),
  }),
  row({
    section: 'Ticks',
    key: 'EXCHANGE',
    default: 'hacron',
    example: 'hacron',
    doc: "The fanout exchange ticks are published on, as HACron's EXCHANGE_NAME: bind a queue to it to receive them.",
    parse: into('ticksExchange', parseAmqpName),
  }),
  row({
    section: 'Ticks',
    key: 'CRON_TIME',
    default: '* * * * *',
    example: '*/5 * * * *',
    doc: "When to tick, as HACron's CRON_TIME: a cron expression (5 fields, or 6 with seconds) in the service's TIMEZONE. Default: every minute.",
    parse: into('ticksCronTime', parseCronTime),
  }),
];
