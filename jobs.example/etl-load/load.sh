#!/bin/sh
# Prints the arguments it got: the [trigger] arguments of etl-extract, and those of any `pycron trigger`.
printf 'loading with:'
for a in "$@"; do printf ' [%s]' "$a"; done
echo
