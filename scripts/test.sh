#!/usr/bin/env bash
# The whole suite, as CI runs it: typecheck, lint, then every test file under two time zones
# (UTC, and America/Sao_Paulo so that no test leans on the host's zone).
set -euo pipefail
cd "$(dirname "$0")/.."

# The dashboard tests drive Debian's chromium (playwright-core brings no browser): install it when missing.
if [ ! -x "${PYCRON_CHROMIUM:-/usr/bin/chromium}" ]; then
  echo "== installing chromium for the dashboard tests"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq chromium >/dev/null ||
    { echo "could not install chromium: install it (apt-get install -y chromium) or set PYCRON_CHROMIUM"; exit 1; }
fi

# The packaging tests check the systemd unit with `systemd-analyze verify` (Debian's systemd package; no running
# systemd needed): install it when missing.
if ! command -v systemd-analyze >/dev/null; then
  echo "== installing systemd-analyze for the packaging tests"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq systemd >/dev/null ||
    { echo "could not install systemd-analyze: install it (apt-get install -y systemd)"; exit 1; }
fi

# The Redis and MQTT trigger tests run redis-cli and mosquitto_pub (hoocron's producer commands) and start private
# redis-server and mosquitto processes to restart them (Debian's redis-tools, redis-server, mosquitto and
# mosquitto-clients): install them when missing. They also need Redis on 127.0.0.1:6379 and Mosquitto on
# 127.0.0.1:1883 running, and fail (never skip) without them.
# (mosquitto lives in /usr/sbin, which a user's PATH may lack.)
if ! command -v redis-cli >/dev/null || ! command -v redis-server >/dev/null || ! command -v mosquitto_pub >/dev/null ||
  ! { command -v mosquitto >/dev/null || [ -x /usr/sbin/mosquitto ]; }; then
  echo "== installing redis and mosquitto tools for the trigger tests"
  if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
  $apt_get update -qq &&
    DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq redis-tools redis-server mosquitto mosquitto-clients >/dev/null ||
    { echo "could not install them: apt-get install -y redis-tools redis-server mosquitto mosquitto-clients"; exit 1; }
fi

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
  # NOTE: a test that waits forever on a live handle (a socket, a timer) would hang the run until CI's own limit,
  # naming nothing: each test file gets 10 minutes, and each pass 45.
  TZ=$zone timeout --kill-after=60 2700 \
    node --import tsx --test --test-force-exit --test-timeout=600000 --test-concurrency=2 "${files[@]}"
done
