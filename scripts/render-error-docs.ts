// Prints the error-code table of docs/errors.md from src/errors.ts (developer tooling: paste its output there).
import { ERROR_CODES } from '../src/errors.ts';
import { renderErrorTable } from '../test/errors/render-error-table.ts';

process.stdout.write(renderErrorTable(ERROR_CODES));
