#!/bin/sh
# Fails about half the time, so that retries (JOB_FAIL_TIMEOUT_PERIOD_MINUTES) show in the status log.
echo "attempt $PYCRON_ATTEMPT"
if [ $(( $(date +%s) % 2 )) -eq 0 ]; then
  echo "the remote end did not answer" >&2
  exit 3
fi
echo "done"
