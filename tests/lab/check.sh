#!/usr/bin/env bash
# check.sh - what make test checks of the labs (docs/teaching.md, "What
# make test checks"). usage: tests/lab/check.sh RESULTS-DIR OUT.tap
#
# Run after make test's host and QEMU tests, whose TAP is in RESULTS-DIR.
# One TAP line per check, "ok - labs: NAME" or "not ok - labs: NAME: why":
#   fences_are_well_formed_and_every_lab_has_one   handout.sh --check
#   LAB_rubric_scores_full_marks_on_the_full_tree  grade.sh --results on
#       make test's own TAP: N == M, and every rubric test has a result
#   LAB_handout_builds_and_fails_its_grade  the handout, with no fenced
#       solution of LAB left, builds (make all), and its rubric's host
#       suites score below their maximum with its TODO(lab LAB) listed
# The handouts are built in build/lab-check/LAB over a copy of this
# tree's build objects (cp -a: the compilers rewrite files in place, so
# no hard links) and a link to its newlib: handout.sh keeps the
# modification times of the files it does not change, so only what the
# fences touched recompiles. The QEMU tests are not run in handouts.
set -u
cd "$(dirname "$0")/../.." || exit 2
results=$1 out=$2
W=build/lab-check
mkdir -p "$W" "$(dirname "$out")"
: >"$out"

tap=$out    # where ok and notok write (a lab's own file while it runs in the background)
ok() { echo "ok - labs: $1" | tee -a "$tap"; }
notok() { echo "not ok - labs: $1: $2" | tee -a "$tap"; }
oneline() { tr '\n' ' ' | sed 's/ *$//' | cut -c1-300; }
field() { awk -v k="$1" '$1 == k { print $2 }' "$2" 2>/dev/null; }

hosts=$(make --no-print-directory -s lab-host-tests 2>/dev/null)

t=fences_are_well_formed_and_every_lab_has_one
if msg=$(tools/lab/handout.sh --check 2>&1 >/dev/null); then
	ok $t
else
	notok $t "$(echo "$msg" | oneline)"
fi

# The rubric against make test's own verdicts.
full_marks() {
	local lab=$1 t=$1_rubric_scores_full_marks_on_the_full_tree d=$W/full s m
	if ! tools/lab/grade.sh --results "$results" --out "$d" --host-tests "$hosts" "$lab" \
		>"$W/full-$lab.txt" 2>&1; then
		notok "$t" "$(tail -3 "$W/full-$lab.txt" | oneline)"
		return
	fi
	s=$(field score "$d/$lab/summary") m=$(field max "$d/$lab/summary")
	if [ "$(field noresult "$d/$lab/summary")" != 0 ]; then
		notok "$t" "$(field noresult "$d/$lab/summary") rubric tests have no result in $results: $(failing "$d/$lab/rubric.txt" 'why: no result') (see $W/full-$lab.txt)"
	elif [ "$s" != "$m" ]; then
		notok "$t" "Score: $s/$m; failing: $(failing "$d/$lab/rubric.txt" 'why: ') (see $W/full-$lab.txt)"
	else
		ok "$t"
	fi
}

# The first three failed tests of a graded rubric whose reason starts so.
failing() {
	awk -v why="$2" '/^FAIL/ { t = $4 " " $5 } index($0, why) && t != "" { print t; t = "" }' "$1" |
		head -3 | paste -sd, | sed 's/,/, /g'
}

# Seed the handout's build/ from this tree's: everything but what a run
# leaves (results, logs, other handouts) and the host test binaries its
# rubric does not run (of build/host it takes only those suites and the
# objects they link); newlib is shared (a link: nothing there changes).
seed_build() {
	local h=$1 suites=$2 e s
	mkdir -p "$h/build/host"
	for e in build/* build/.deps-ok; do
		[ -e "$e" ] || continue
		case ${e#build/} in
		newlib|host|results|tests|handout|grade|grade-self|lab-check|lab|lab-template|iso|iso-*|*.iso|*.log) continue ;;
		esac
		cp -a "$e" "$h/build/"
	done
	[ -d build/newlib ] && ln -s "$(realpath build/newlib)" "$h/build/newlib"
	for s in $suites; do
		[ -f "build/host/$s" ] && cp -a "build/host/$s" "$h/build/host/"
	done
	# the objects those suites link (mk/host.mk), where they exist
	for e in $(make --no-print-directory -s lab-host-objs S="$suites" 2>/dev/null); do
		[ -f "$e" ] && printf '%s\n' "$e"
	done | xargs -r cp -a --parents -t "$h"
	return 0
}

handout_fails() {
	local lab=$1 t=$1_handout_builds_and_fails_its_grade h=$W/$1 r=tests/grade/$1.rubric
	local left suites d s m
	[ -f "$r" ] || { notok "$t" "no rubric $r"; return; }
	rm -rf "$h"
	if ! tools/lab/handout.sh "$lab" "$h" >"$W/$lab-handout.txt" 2>&1; then
		notok "$t" "handout.sh failed: $(tail -2 "$W/$lab-handout.txt" | oneline)"
		return
	fi
	left=$(grep -rnE --include='*.c' --include='*.h' --include='*.S' \
		"^[[:space:]]*/\* LAB $lab: " "$h" | head -1)
	if [ -n "$left" ]; then
		notok "$t" "the handout still holds a fenced solution of lab $lab: ${left#"$h"/}"
		return
	fi
	suites=$(awk '!/^[ \t]*#/ && NF == 4 && $3 != "qemu" && !seen[$3]++ { print $3 }' "$r")
	seed_build "$h" "$suites"
	if ! (cd "$h" && make --no-print-directory -j2 all) >"$W/$lab-build.txt" 2>&1; then
		notok "$t" "the handout does not build (make all; see $W/$lab-build.txt): $(grep -m1 -E 'error|Error' "$W/$lab-build.txt" | oneline)"
		return
	fi
	if ! (cd "$h" && tools/lab/grade.sh --host-only --host-tests "$hosts" "$lab") \
		>"$W/$lab-grade.txt" 2>&1; then
		notok "$t" "grading the handout failed: $(tail -2 "$W/$lab-grade.txt" | oneline)"
		return
	fi
	d=$h/build/grade/$lab
	s=$(field score "$d/summary") m=$(field max "$d/summary")
	if [ "${m:-0}" = 0 ]; then
		notok "$t" "$r has no host tests, so the stubs are never seen to fail here"
	elif [ "$s" -ge "$m" ]; then
		notok "$t" "the handout scores full marks on its host tests ($s/$m): its stubs pass the tests (see $W/$lab-grade.txt)"
	elif [ "$(field missing "$d/summary")" = 0 ]; then
		notok "$t" "the handout's grade names nothing missing (no TODO(lab $lab) in it)"
	else
		ok "$t"
	fi
}

# The handouts two at a time (the CI machine has two cores; each build
# is mostly one compiler at a time), their lines in the labs' order.
labs=$(awk '!/^#/ && NF { print $2 }' tools/lab/labs)
for lab in $labs; do
	full_marks "$lab"
done
jobs=${LAB_CHECK_JOBS:-2}
for lab in $labs; do
	while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do
		wait -n
	done
	(tap=$W/$lab.tap; : >"$tap"; handout_fails "$lab" >/dev/null) &
done
wait
for lab in $labs; do
	cat "$W/$lab.tap"
done | tee -a "$out"
exit 0
