#!/usr/bin/env bash
# Count every verdict under build/results/*.tap and print the grading line
# "N passed, M failed" alone on the last line. Exit 1 if anything failed or
# if no test ran at all.
set -u
dir=${1:-build/results}
pass=$(cat "$dir"/*.tap 2>/dev/null | grep -c '^ok ')
fail=$(cat "$dir"/*.tap 2>/dev/null | grep -c '^not ok ')
if [ "$fail" -gt 0 ]; then
	echo "Failures:"
	cat "$dir"/*.tap | grep '^not ok ' | sed 's/^/  /'
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ] && [ "$pass" -gt 0 ]
