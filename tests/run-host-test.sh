#!/usr/bin/env bash
# Run one host test binary (cmocka) and leave its TAP verdicts in a file.
# usage: run-host-test.sh BINARY RESULT.tap
# cmocka prints TAP when CMOCKA_MESSAGE_OUTPUT=TAP. A binary that crashes or
# exits non-zero without reporting a failing test is itself counted as one
# failure, so a test that dies cannot pass silently.
set -u
bin=$1 out=$2
name=$(basename "$bin")
CMOCKA_MESSAGE_OUTPUT=TAP "$bin" >"$out.raw" 2>"$out.err"
status=$?
grep -E '^(not )?ok ' "$out.raw" | sed "s/^\(\(not \)\?ok [0-9]*\) - /\1 - $name: /" >"$out"
if [ $status -ne 0 ] && ! grep -q '^not ok' "$out"; then
	echo "not ok - $name: exited with status $status (see $out.err)" >>"$out"
fi
if ! grep -q '^\(not \)\?ok' "$out"; then
	echo "not ok - $name: reported no tests" >>"$out"
fi
grep '^not ok' "$out" | sed 's/^/  /'
exit 0
