#!/usr/bin/env bash
# The whole suite, as CI runs it: typecheck, lint, then every test file under two time zones
# (UTC, and America/Sao_Paulo so that no test leans on the host's zone).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== typecheck"
npx tsc --noEmit
echo "== lint"
npx eslint .
echo "== format"
npx prettier --check . >/dev/null || { npx prettier --check .; exit 1; }

# Node 20's test runner takes no globs: list the files explicitly.
mapfile -t files < <(find test -name '*.test.ts' | sort)
for zone in UTC America/Sao_Paulo; do
  echo "== tests (TZ=$zone, ${#files[@]} files)"
  TZ=$zone node --import tsx --test --test-force-exit --test-concurrency=2 "${files[@]}"
done
