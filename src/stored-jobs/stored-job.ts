// A job kept in the cluster's database rather than in a jobs folder: one row of a category (CronQ's), replaced with
// the whole category by PUT /api/v1/categories/NAME. Its pycron name is `CATEGORY/NAME`.
import { isPycronFolderName } from '../jobs/pycron-layout.ts';

export interface StoredJob {
  category: string;
  /** The name within its category (CronQ's `name`: `Test Job`). */
  name: string;
  /** Any pycron schedule expression; CronQ sends ISO 8601 (`R/2013-05-29T00:00:00/PT1M`). */
  schedule: string;
  /** Run with /bin/sh -c, as CronQ's runner did. */
  command: string;
  /** Sent to the workers bound with this key instead of run here; null: run by the instance that claims it. */
  routingKey: string | null;
  /** More job.ini main keys, as text (`timeout`, `overlap`, `retry_delay`...). */
  options: Readonly<Record<string, string>>;
}

/** Letters, digits, dot, underscore, dash; not a PyCron folder name (`5min`), so no name can be a folder job's. */
const CATEGORY = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
/** As CronQ's names (`Test Job`): letters, digits, space, dot, underscore, dash; no slash, no leading dot. */
const NAME = /^[A-Za-z0-9_-][A-Za-z0-9 ._-]{0,99}$/;
/** First path parts the HTTP server routes itself: a job under them could not be triggered by GET /JOB. */
const RESERVED_CATEGORIES = new Set(['api', 'ui', 'health', 'monitor', 'metrics']);

export const CATEGORY_EXPECTED =
  'a category of 1 to 64 letters, digits, dots, underscores and dashes, starting with a letter or digit, not a PyCron folder name such as 5min, nor api, ui, health, monitor or metrics';
export const STORED_NAME_EXPECTED =
  'a job name of 1 to 100 letters, digits, spaces, dots, underscores and dashes, not starting with a dot or a space and not ending with a space';

export function isCategoryName(text: string): boolean {
  return CATEGORY.test(text) && !isPycronFolderName(text) && !RESERVED_CATEGORIES.has(text.toLowerCase());
}

export function isStoredJobName(text: string): boolean {
  return NAME.test(text) && !text.endsWith(' ');
}

/** The job's name in pycron (status log, API, state): `example/Test Job`. */
export function storedJobName(job: Pick<StoredJob, 'category' | 'name'>): string {
  return `${job.category}/${job.name}`;
}
