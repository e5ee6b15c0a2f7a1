#!/usr/bin/env bash
# grade.sh - a lab's grade from what its tests say (docs/teaching.md, "Grading").
#
#   tools/lab/grade.sh [LAB...]                 run and score each lab (no LAB:
#                                               every lab of tools/lab/labs)
#   tools/lab/grade.sh --results DIR [LAB...]   score the TAP files already in
#                                               DIR (make test's build/results);
#                                               run nothing
#   tools/lab/grade.sh --host-only [LAB...]     run and score the host suites only
# Options for other trees and for tests/lab/grade_tests.sh:
#   --out DIR (default build/grade), --rubrics DIR (default tests/grade),
#   --labs FILE (default tools/lab/labs), --host-tests "a b" (default: make's
#   HOST_TESTS). GRADE_TIMEOUT (default 120) bounds each host suite's run.
#
# A lab's rubric (tests/grade/LAB.rubric) names its tests; every rubric is
# checked before anything runs. For each lab, the rubric's host suites are
# built (make build/host/test_X) and run (tests/run-host-test.sh, under
# timeout) and its QEMU tests run (tests/qemu/run.sh, only those named),
# their TAP into OUT/LAB/. Then grade.awk scores them and prints one line
# per test, the parts' subtotals, every TODO(lab LAB) still in the tree
# (what the student has not written yet) and "Score: N/M"; OUT/LAB/
# results.json is the same for Gradescope. With several labs, a total
# follows and OUT/results.json holds them all.
# Exit status 0 when graded, whatever the score; 2 when grading itself
# broke (an unknown lab, a missing or bad rubric, an unreadable results dir).
set -u
cd "$(dirname "$0")/../.." || exit 2
AWK=tools/lab/grade.awk
OUT=build/grade
RUBRICS=tests/grade
LABS_FILE=tools/lab/labs
RESULTS=""
HOST_ONLY=0
HOSTS=${GRADE_HOST_TESTS-}
TIMEOUT=${GRADE_TIMEOUT:-120}

die() { echo "grade: $*" >&2; exit 2; }

while [ $# -gt 0 ]; do
	case $1 in
	--results) [ $# -ge 2 ] || die "--results needs a directory"; RESULTS=$2; shift 2 ;;
	--host-only) HOST_ONLY=1; shift ;;
	--out) [ $# -ge 2 ] || die "--out needs a directory"; OUT=$2; shift 2 ;;
	--rubrics) [ $# -ge 2 ] || die "--rubrics needs a directory"; RUBRICS=$2; shift 2 ;;
	--labs) [ $# -ge 2 ] || die "--labs needs a file"; LABS_FILE=$2; shift 2 ;;
	--host-tests) [ $# -ge 2 ] || die "--host-tests needs a list"; HOSTS=$2; shift 2 ;;
	-*) die "unknown option $1 (usage: grade.sh [--results DIR] [--host-only] [LAB...])" ;;
	*) break ;;
	esac
done
[ -z "$RESULTS" ] || [ -d "$RESULTS" ] || die "--results $RESULTS: no such directory"

all_labs() { awk '!/^#/ && NF { print $2 }' "$LABS_FILE"; }
lab_title() {
	awk -v l="$1" '!/^#/ && $2 == l { $1 = ""; $2 = ""; sub(/^ +/, ""); print; exit }' "$LABS_FILE"
}

[ -f "$LABS_FILE" ] || die "no lab list $LABS_FILE"
if [ $# -eq 0 ]; then
	# shellcheck disable=SC2046 # lab names are single words
	set -- $(all_labs)
	[ $# -gt 0 ] || die "$LABS_FILE lists no lab"
fi
for lab in "$@"; do
	all_labs | grep -qx -- "$lab" || die "no lab '$lab'; the labs are: $(all_labs | tr '\n' ' ')"
done
if [ -z "$HOSTS" ]; then
	HOSTS=$(make --no-print-directory -s lab-host-tests 2>/dev/null) ||
		die "cannot get HOST_TESTS from make (make lab-host-tests)"
fi

# Every rubric first: a broken one stops the grade before anything runs.
for lab in "$@"; do
	r=$RUBRICS/$lab.rubric
	[ -f "$r" ] || die "lab $lab has no rubric ($r)"
	mkdir -p "$OUT/$lab" || die "cannot make $OUT/$lab"
	awk -v mode=validate -v hosts="$HOSTS" -f "$AWK" "$r" >"$OUT/$lab/rubric.tsv" ||
		die "$r is not a valid rubric (above); nothing graded"
done

# The host suites of a rubric, each once, in rubric order.
host_suites() { awk -F'\t' '$3 != "qemu" && !seen[$3]++ { print $3 }' "$1"; }
qemu_tests() { awk -F'\t' '$3 == "qemu" { print $4 }' "$1"; }

run_host() {
	local s=$1 dir=$2 x=${1#test_} rc
	local tap=$dir/host-$x.tap
	rm -f "$tap" "$tap.raw" "$tap.err"
	echo "grade: building and running $s" >&2
	if ! make --no-print-directory "build/host/$s" >"$dir/host-$x.build" 2>&1; then
		echo "not ok - host $x: failed to build (see $dir/host-$x.build)" >"$tap"
		return
	fi
	timeout "$TIMEOUT" tests/run-host-test.sh "build/host/$s" "$tap" >/dev/null
	rc=$?
	if [ $rc -eq 124 ]; then
		# run-host-test.sh was killed with its suite: make its TAP from
		# what the suite printed, and say why the rest is missing.
		echo "grade: $s did not finish within $TIMEOUT s and was killed" >>"$tap.err"
		grep -E '^(not )?ok [0-9]+ - ' "$tap.raw" 2>/dev/null |
			sed "s/^\(\(not \)\?ok [0-9]*\) - /\1 - $s: /" >"$tap"
		echo "not ok - $s: did not finish within $TIMEOUT s (see $tap.err)" >>"$tap"
	fi
}

run_qemu() {
	local dir=$1 names
	names=$(qemu_tests "$dir/rubric.tsv" | paste -sd'|')
	rm -f "$dir/qemu.tap"
	[ -n "$names" ] || return 0
	echo "grade: building the system images and running $(qemu_tests "$dir/rubric.tsv" | wc -l) QEMU tests" >&2
	if ! make --no-print-directory lab-qemu-deps >"$dir/qemu.build" 2>&1; then
		echo "not ok - qemu: system images failed to build (see $dir/qemu.build)" >"$dir/qemu.tap"
		return
	fi
	B=build tests/qemu/run.sh "$dir/qemu.tap" "^($names)\$" >"$dir/qemu.log" 2>&1
}

# Every TODO(lab LAB) a handout left in the sources: "file:line: task".
missing_list() {
	grep -rnE --include='*.c' --include='*.h' --include='*.S' \
		--exclude-dir=build --exclude-dir=.git \
		"^[[:space:]]*/\* TODO\(lab $1\): " . 2>/dev/null |
		sed -E 's|^\./||; s|^([^:]*:[0-9]+):[[:space:]]*/\* TODO\(lab [a-z0-9_]+\): (.*) \*/[[:space:]]*$|\1: \2|' |
		sort -t: -k1,1 -k2,2n
}

grade_lab() {
	local lab=$1 dir=$OUT/$1 tapdir s
	if [ -n "$RESULTS" ]; then
		tapdir=$RESULTS
	else
		tapdir=$dir
		for s in $(host_suites "$dir/rubric.tsv"); do
			run_host "$s" "$dir"
		done
		[ $HOST_ONLY = 1 ] || run_qemu "$dir"
	fi
	missing_list "$lab" >"$dir/missing"
	awk -v mode=score -v lab="$lab" -v title="$(lab_title "$lab")" \
		-v rubric="$RUBRICS/$lab.rubric" -v dir="$tapdir" -v hostonly=$HOST_ONLY \
		-v missing="$dir/missing" -v json="$dir/results.json" -v frag="$dir/tests.json" \
		-v summary="$dir/summary" -f "$AWK" "$dir/rubric.tsv" >"$dir/rubric.txt" ||
		die "scoring lab $lab failed"
	cat "$dir/rubric.txt"
}

score=0 max=0
for lab in "$@"; do
	grade_lab "$lab"
	[ $# -gt 1 ] && echo
	score=$((score + $(awk '$1 == "score" { print $2 }' "$OUT/$lab/summary")))
	max=$((max + $(awk '$1 == "max" { print $2 }' "$OUT/$lab/summary")))
done
[ $# -gt 1 ] || exit 0

# All labs: a total, and one results.json with every lab's tests.
for lab in "$@"; do
	grep "^Score: " "$OUT/$lab/rubric.txt" | sed "s/^Score:/  $lab/"
done >"$OUT/total.txt"
echo "Total: $score/$max" >>"$OUT/total.txt"
cat "$OUT/total.txt"
{
	printf '{"score":%d,"max_score":%d,"output":' "$score" "$max"
	for lab in "$@"; do cat "$OUT/$lab/rubric.txt"; echo; done | cat - "$OUT/total.txt" |
		awk -v mode=jstring -f "$AWK"
	printf ',"tests":[\n'
	for lab in "$@"; do cat "$OUT/$lab/tests.json"; done | sed '$!s/$/,/'
	printf ']}\n'
} >"$OUT/results.json"
exit 0
