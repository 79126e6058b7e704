// The body of PUT /api/v1/categories/NAME (and CronQ's PUT /api/category/NAME): CronQ's `{ category, jobs: [{ name,
// schedule, command, routing_key }] }`, plus pycron's `options`. Every problem is reported at once, with where it is.
import { PycronError } from '../errors.ts';
import { routingKey } from '../jobs/routing-key.ts';
import { categoryInvalid } from './category-invalid.ts';
import { isStoredJobName, STORED_NAME_EXPECTED, type StoredJob } from './stored-job.ts';

/** More jobs than this in one category is refused: split them into categories. */
export const MAX_CATEGORY_JOBS = 1000;
const MAX_COMMAND_CHARS = 64 * 1024;
const MAX_SCHEDULE_CHARS = 1000;
/** NUL (which PostgreSQL refuses) and the other control characters but tab, newline and carriage return. */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const JOB_FIELDS = new Set(['name', 'schedule', 'command', 'routing_key', 'options']);

/** The jobs of the category, checked for shape (their schedules and options are checked by readStoredJob). */
export function parseCategoryBody(body: Buffer, category: string): StoredJob[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch (error) {
    throw new PycronError('BAD_REQUEST', { reason: `the body is not JSON: ${(error as Error).message}` });
  }
  if (!isObject(parsed))
    throw categoryInvalid(category, ['expected a JSON object { "category": NAME, "jobs": [...] }']);
  const problems: string[] = [];
  if (parsed.category !== undefined && parsed.category !== category)
    problems.push(`category: ${JSON.stringify(parsed.category)} is not the category in the path ('${category}')`);
  for (const key of Object.keys(parsed))
    if (key !== 'category' && key !== 'jobs') problems.push(`${key}: unknown field (expected category and jobs)`);
  if (!Array.isArray(parsed.jobs)) {
    problems.push('jobs: expected a list of jobs ([] removes every job of the category)');
    throw categoryInvalid(category, problems);
  }
  if (parsed.jobs.length > MAX_CATEGORY_JOBS)
    problems.push(`jobs: ${parsed.jobs.length} jobs, more than ${MAX_CATEGORY_JOBS}: split them into categories`);

  const jobs: StoredJob[] = [];
  const seen = new Set<string>();
  parsed.jobs.slice(0, MAX_CATEGORY_JOBS).forEach((raw: unknown, index: number) => {
    const at = `jobs[${index}]`;
    if (!isObject(raw)) return problems.push(`${at}: expected an object with name, schedule and command`);
    const where = typeof raw.name === 'string' ? `${at} '${raw.name}'` : at;
    const before = problems.length;
    for (const key of Object.keys(raw))
      if (!JOB_FIELDS.has(key))
        problems.push(`${where}: unknown field '${key}' (expected name, schedule, command, routing_key, options)`);
    const text = (key: string, max: number): string => {
      const value = raw[key];
      if (typeof value !== 'string' || value.trim() === '')
        problems.push(`${where}: ${key}: expected a non-blank string`);
      else if (value.length > max) problems.push(`${where}: ${key}: longer than ${max} characters`);
      else if (CONTROL.test(value)) problems.push(`${where}: ${key}: holds a control character (only tab and newline)`);
      else return value;
      return '';
    };
    const name = typeof raw.name === 'string' ? raw.name : '';
    if (!isStoredJobName(name)) problems.push(`${where}: name: expected ${STORED_NAME_EXPECTED}`);
    else if (seen.has(name)) problems.push(`${where}: name: given twice in this category`);
    seen.add(name);
    const schedule = text('schedule', MAX_SCHEDULE_CHARS).trim();
    const command = text('command', MAX_COMMAND_CHARS);
    let key: string | null = null;
    if (raw.routing_key !== undefined && raw.routing_key !== null && raw.routing_key !== '') {
      const checked = typeof raw.routing_key === 'string' ? routingKey(raw.routing_key) : undefined;
      if (checked?.ok) key = checked.value;
      else problems.push(`${where}: routing_key: expected ${checked ? checked.expected : 'a string or null'}`);
    }
    const options: Record<string, string> = {};
    if (raw.options !== undefined && !isObject(raw.options))
      problems.push(`${where}: options: expected an object of job.ini keys ({ "timeout": "5m" })`);
    else
      for (const [option, value] of Object.entries(raw.options ?? {})) {
        if (CONTROL.test(option) || (typeof value === 'string' && CONTROL.test(value)))
          problems.push(`${where}: options.${option}: holds a control character`);
        else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
          options[option] = String(value);
        else problems.push(`${where}: options.${option}: expected a string, number or boolean`);
      }
    if (problems.length === before) jobs.push({ category, name, schedule, command, routingKey: key, options });
  });
  if (problems.length > 0) throw categoryInvalid(category, problems);
  return jobs;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
