#!/usr/bin/env bash
# Run one host test binary (cmocka) and leave its TAP verdicts in a file.
# usage: run-host-test.sh BINARY RESULT.tap
# cmocka prints TAP when CMOCKA_MESSAGE_OUTPUT=TAP. Its stderr (fail_msg's
# "ERROR: " lines, sanitizer reports) is merged into the .raw file, line
# buffered, so each message sits before the verdict of the test that
# printed it (stdbuf preloads a library, so ASan is told not to insist
# on coming first); .err holds those lines alone. A binary that crashes or
# exits non-zero without reporting a failing test is itself counted as one
# failure, so a test that dies cannot pass silently.
set -u
bin=$1 out=$2
name=$(basename "$bin")
ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 CMOCKA_MESSAGE_OUTPUT=TAP stdbuf -oL -eL "$bin" >"$out.raw" 2>&1
status=$?
grep -vE '^((not )?ok [0-9]+ - |1\.\.[0-9]+$|# )' "$out.raw" >"$out.err" || true
grep -E '^(not )?ok ' "$out.raw" | sed "s/^\(\(not \)\?ok [0-9]*\) - /\1 - $name: /" >"$out"
if [ $status -ne 0 ] && ! grep -q '^not ok' "$out"; then
	echo "not ok - $name: exited with status $status (see $out.err)" >>"$out"
fi
if ! grep -q '^\(not \)\?ok' "$out"; then
	echo "not ok - $name: reported no tests" >>"$out"
fi
grep '^not ok' "$out" | sed 's/^/  /'
exit 0
