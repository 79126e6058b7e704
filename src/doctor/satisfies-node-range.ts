// Whether a Node version satisfies an `engines.node` range of the forms package.json uses: `A || B`, each part
// `>=X.Y.Z`, `^X.Y.Z`, `X.Y.Z` or `*` (missing minor and patch count as 0). Undefined for any other form.

type Version = [number, number, number];

export function satisfiesNodeRange(version: string, range: string): boolean | undefined {
  const have = parseVersion(version.replace(/^v/, ''));
  if (!have) return undefined;
  let any = false;
  for (const part of range.split('||').map((p) => p.trim())) {
    if (part === '*' || part === '') return true;
    const match = /^(>=|\^)?\s*(\d+(?:\.\d+){0,2})$/.exec(part);
    const want = match ? parseVersion(match[2]!) : undefined;
    if (!match || !want) return undefined;
    const atLeast = compare(have, want) >= 0;
    if (match[1] === '>=') any ||= atLeast;
    else if (match[1] === '^') any ||= atLeast && have[0] === want[0];
    else any ||= compare(have, want) === 0;
  }
  return any;
}

function parseVersion(text: string): Version | undefined {
  const parts = text.split('-')[0]!.split('.').map(Number);
  if (parts.length > 3 || parts.some((n) => !Number.isInteger(n) || n < 0)) return undefined;
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}
