#!/bin/sh
# Prints a greeting, writes it to outputs/, and logs one line a second for 3 seconds.
set -eu
mkdir -p outputs logs
echo "hello from snaprun"
echo "hello, world" > outputs/greeting.txt
for i in 1 2 3; do
  echo "step $i of 3" >> logs/progress.log
  sleep 1
done
