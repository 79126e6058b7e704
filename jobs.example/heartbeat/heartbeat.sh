#!/bin/sh
# A job folder: this executable plus a `schedule` file. Runs every 10 seconds.
echo "heartbeat from $PYCRON_JOB, run $PYCRON_RUN_ID, slot $PYCRON_SCHEDULED_AT"
