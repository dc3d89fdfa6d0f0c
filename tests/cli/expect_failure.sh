#!/usr/bin/env bash
# Runs a command that must fail (exit 1 or 2) and print every given pattern (grep -F).
# usage: expect_failure.sh PATTERNS_FILE COMMAND [ARGS...]
set -u
patterns=$1
shift
output=$("$@" 2>&1)
code=$?
echo "$output"
if [ "$code" -ne 1 ] && [ "$code" -ne 2 ]; then
  echo "FAIL: expected exit code 1 or 2, got $code"
  exit 1
fi
while IFS= read -r pattern; do
  [ -z "$pattern" ] && continue
  grep -qF -- "$pattern" <<<"$output" || { echo "FAIL: output lacks: $pattern"; exit 1; }
done <"$patterns"
echo "PASS: exit $code with every expected message"
