#!/bin/sh
# Prints the message from ticker.conf every 10 s; SIGHUP re-reads it, as a real daemon reloads its config.
message=$(cat ticker.conf)
trap 'message=$(cat ticker.conf); echo "reloaded: $message"' HUP
while true; do
  echo "$message"
  sleep 10 &
  wait $!
done
