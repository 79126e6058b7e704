#!/bin/sh
# PyCron layout: every file in a `1min/` folder runs every minute. Prints the free space of this folder's disk.
df -h . | tail -n 1
