// The one error a refused PUT of a category answers with: every problem (the first 20), and that nothing changed.
import { PycronError } from '../errors.ts';

const SHOWN_PROBLEMS = 20;

export function categoryInvalid(category: string, problems: readonly string[]): PycronError {
  const shown = problems.slice(0, SHOWN_PROBLEMS);
  const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
  return new PycronError('CATEGORY_INVALID', {
    reason: `category '${category}' was not changed: ${shown.join('; ')}${more}`,
  });
}
