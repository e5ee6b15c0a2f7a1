#!/usr/bin/env bash
# grade_tests.sh - tests of the grader itself (tools/lab/grade.sh and
# grade.awk) on fixtures: tests/lab/fixtures/ holds a lab list, rubrics
# (good and bad) and the TAP verdicts of a made-up host suite test_demo
# and of the QEMU tests. Each t_NAME writes one TAP line to OUT.tap:
# "ok - grade: NAME" or "not ok - grade: NAME: why".
# usage: tests/lab/grade_tests.sh OUT.tap
# shellcheck disable=SC2317,SC2086  # the t_ functions run through declare -F; $F has no spaces
set -u
cd "$(dirname "$0")/../.." || exit 2
out=$1
F=tests/lab/fixtures
W=build/grade-self
rm -rf "$W"
mkdir -p "$W" "$(dirname "$out")"
: >"$out"

# grade [ARGS]: the grader on the fixture labs, into $W/out; its stdout in
# $W/stdout, its stderr in $W/stderr, its exit status in $RC.
grade() {
	tools/lab/grade.sh --labs $F/labs --rubrics $F/rubrics --host-tests demo \
		--out "$W/out" "$@" >"$W/stdout" 2>"$W/stderr"
	RC=$?
}

fail() { FAILED="${FAILED:+$FAILED; }$*"; }
has() { grep -qF -- "$1" "$2" || fail "no line with '$1' in $2"; }
rc_is() { [ "$RC" = "$1" ] || fail "exit status $RC, expected $1"; }

t_grade_a_failing_test_costs_its_points() {
	grade --results $F/results demo
	rc_is 0
	has 'PASS  10/10  functionality test_demo: demo_alloc_works' "$W/stdout"
	has 'FAIL   0/5   functionality test_demo: demo_free_works' "$W/stdout"
	has 'functionality 10/20' "$W/stdout"
	has 'robustness    4/12' "$W/stdout"
	[ "$(tail -1 "$W/stdout")" = "Score: 14/32" ] || fail "last line '$(tail -1 "$W/stdout")', expected Score: 14/32"
}

t_grade_a_test_with_no_result_fails_with_no_result() {
	grade --results $F/results demo
	grep -A1 'test_demo: demo_crashes_before_this$' "$W/stdout" | grep -q '^FAIL .*' ||
		fail "demo_crashes_before_this is not a FAIL"
	grep -A1 'test_demo: demo_crashes_before_this$' "$W/stdout" |
		grep -qF 'why: no result: its suite crashed or did not run (see fixture/host-demo.tap.err)' ||
		fail "demo_crashes_before_this has no 'no result' reason"
	# a test whose name begins another's (demo_bad_input_is_refused) is not that one
	grep -A1 'qemu: demo_bad_input$' "$W/stdout" | grep -qF 'why: no result:' ||
		fail "demo_bad_input took the result of demo_bad_input_is_refused"
	[ "$(awk '$1 == "noresult" { print $2 }' "$W/out/demo/summary")" = 2 ] ||
		fail "summary counts $(awk '$1 == "noresult" { print $2 }' "$W/out/demo/summary") tests with no result, expected 2"
}

t_grade_failure_reason_is_the_tap_reason_and_the_cmocka_message() {
	grade --results $F/results demo
	has 'why: LAB demo: demo_free is not written yet (docs/labs/demo.md); 0x1 != 0x2; tests/host/test_demo.c:40: error: Failure!' "$W/stdout"
	has 'why: no line matches /^demo: "refused" \\d+' "$W/stdout"
	has 'why: skipped: no Linux kernel here' "$W/stdout"
	grep -q '^FAIL   0/3   robustness    qemu: demo_skips$' "$W/stdout" || fail "a skipped test got points"
}

t_grade_refuses_a_bad_rubric_naming_file_and_line() {
	local d want
	for d in bad-fields:3:expected bad-part:2:unknown\ part bad-suite:3:unknown\ suite low-robustness::robustness\ has; do
		want=${d#*:}
		tools/lab/grade.sh --labs $F/labs --rubrics "$F/${d%%:*}" --host-tests demo \
			--results $F/results --out "$W/bad" demo >"$W/stdout" 2>"$W/stderr"
		RC=$?
		rc_is 2
		if [ -n "${want%%:*}" ]; then
			has "$F/${d%%:*}/demo.rubric:${want%%:*}: rubric: ${want#*:}" "$W/stderr"
		else
			has "$F/${d%%:*}/demo.rubric: rubric: ${want#*:}" "$W/stderr"
		fi
		[ ! -s "$W/stdout" ] || fail "${d%%:*}: graded anyway: $(head -1 "$W/stdout")"
	done
}

t_grade_refuses_an_unknown_lab_or_a_missing_rubric() {
	grade --results $F/results nosuch
	rc_is 2
	has "grade: no lab 'nosuch'; the labs are: demo extra" "$W/stderr"
	tools/lab/grade.sh --labs $F/labs --rubrics $F/bad-part --host-tests demo \
		--results $F/results --out "$W/out" extra >"$W/stdout" 2>"$W/stderr"
	RC=$?
	rc_is 2
	has "grade: lab extra has no rubric ($F/bad-part/extra.rubric)" "$W/stderr"
}

t_grade_results_json_parses_and_scores_what_it_prints() {
	local f=$W/out/demo/results.json
	grade --results $F/results demo
	jq -e . "$f" >/dev/null 2>&1 || { fail "$f is not JSON: $(jq . "$f" 2>&1 | tail -1)"; return; }
	[ "$(jq .score "$f")/$(jq .max_score "$f")" = "$(sed -n 's/^Score: //p' "$W/stdout")" ] ||
		fail "results.json says $(jq .score "$f")/$(jq .max_score "$f"), the grade $(sed -n 's/^Score: //p' "$W/stdout")"
	[ "$(jq '[.tests[].score] | add' "$f")" = "$(jq .score "$f")" ] || fail "the tests' scores do not add up to .score"
	[ "$(jq '.tests | length' "$f")" = 7 ] || fail "$(jq '.tests | length' "$f") tests, the rubric has 7"
	[ "$(jq -r '.tests[4].output' "$f")" = "$(printf 'no line matches /^demo: "refused" \\\\d+\ttab/ (log: build/tests/demo_hostile_request_fails.log)')" ] ||
		fail "the reason with quotes, a backslash and a tab came out as '$(jq -r '.tests[4].output' "$f")'"
	[ "$(jq -r .output "$f")" = "$(cat "$W/stdout")" ] || fail ".output is not the printed grade"
	[ "$(jq -r '.tests[1].status' "$f")" = failed ] || fail "a failing test's status is $(jq -r '.tests[1].status' "$f")"
	printf 'a\001b\033c\\d"e\177f\r\n\tg\n' >"$W/ctrl.txt"
	printf 'a\001b\033c\\d"e\177f\r\n\tg' >"$W/ctrl-want.txt"
	awk -v mode=jstring -f tools/lab/grade.awk "$W/ctrl.txt" | jq -j . >"$W/ctrl-got.txt" 2>&1
	cmp -s "$W/ctrl-got.txt" "$W/ctrl-want.txt" || fail "control characters do not survive JSON: $(od -c "$W/ctrl-got.txt" | head -2 | tr '\n' ' ')"
}

t_grade_of_every_lab_totals_them_in_one_results_json() {
	local f=$W/out/results.json
	grade --results $F/results
	rc_is 0
	[ "$(tail -1 "$W/stdout")" = "Total: 22/40" ] || fail "last line '$(tail -1 "$W/stdout")', expected Total: 22/40"
	jq -e . "$f" >/dev/null 2>&1 || { fail "$f is not JSON"; return; }
	[ "$(jq .score "$f")/$(jq .max_score "$f")" = 22/40 ] || fail "results.json says $(jq .score "$f")/$(jq .max_score "$f")"
	[ "$(jq -r '.tests[7].name' "$f")" = "extra: test_demo: demo_alloc_works" ] ||
		fail "the 8th test is named '$(jq -r '.tests[7].name' "$f")'"
	[ "$(jq '.tests | length' "$f")" = 9 ] || fail "$(jq '.tests | length' "$f") tests, the rubrics have 9"
}

# A tree of its own: the grader's files, a source with TODO(lab demo)
# lines, and a Makefile whose host suites are shell scripts: test_fake
# prints cmocka's TAP, test_loop never ends.
make_tree() {
	local t=$W/tree
	mkdir -p $t/tools/lab $t/tests/grade $t/src $t/tests
	cp tools/lab/grade.sh tools/lab/grade.awk $t/tools/lab/
	cp tests/run-host-test.sh $t/tests/
	printf '1 demo The demo lab\n' >$t/tools/lab/labs
	printf '%s\n' '5 functionality test_fake fake_passes' '5 robustness test_fake fake_fails' \
		'5 functionality test_loop loop_never_ends' >$t/tests/grade/demo.rubric
	printf '%s\n' 'int demo_alloc(void)' '{' '	/* TODO(lab demo): take a block off the free list */' \
		'	return -1;' '}' '/* TODO(lab other): not this lab */' >$t/src/demo.c
	printf '%s\n' '/* see the TODO(lab demo): not a TODO line of its own */' \
		'	/* TODO(lab demo): split the block */' >$t/src/a.h
	printf '%s\n' 'build/host/test_fake:' \
		'	mkdir -p build/host && cp fake.sh $@ && chmod +x $@' \
		'build/host/test_loop:' \
		'	mkdir -p build/host && cp loop.sh $@ && chmod +x $@' >$t/Makefile
	printf '%s\n' '#!/bin/sh' 'echo 1..2' 'echo "ok 1 - fake_passes"' \
		'echo "LAB demo: demo_alloc is not written yet (docs/labs/demo.md)"' \
		'echo "not ok 2 - fake_fails"' 'echo "# 0x0 != 0x1"' 'exit 1' >$t/fake.sh
	printf '%s\n' '#!/bin/sh' 'echo 1..1' 'while :; do sleep 1; done' >$t/loop.sh
}

# The demo tree graded through its suites (the endless one killed after
# 2 s): the grade's text in $W/stdout, its exit status in RC.
grade_demo_tree() {
	make_tree
	(cd $W/tree && GRADE_TIMEOUT=2 timeout 60 tools/lab/grade.sh --host-tests "fake loop" demo) \
		>"$W/stdout" 2>"$W/stderr"
	RC=$?
}

t_grade_missing_list_names_each_todo_line_of_the_lab() {
	grade_demo_tree
	rc_is 0
	has 'Missing: 2 TODO(lab demo) still in the tree:' "$W/stdout"
	has '  src/a.h:2: split the block' "$W/stdout"
	has '  src/demo.c:3: take a block off the free list' "$W/stdout"
	! grep -q 'not this lab' "$W/stdout" || fail "another lab's TODO is listed"
}

t_grade_runs_the_suites_and_kills_one_that_never_ends() {
	grade_demo_tree
	rc_is 0
	has 'PASS   5/5   functionality test_fake: fake_passes' "$W/stdout"
	has 'why: LAB demo: demo_alloc is not written yet (docs/labs/demo.md); 0x0 != 0x1' "$W/stdout"
	grep -A1 'test_loop: loop_never_ends$' "$W/stdout" | grep -qF 'why: no result: its suite crashed or did not run (see build/grade/demo/host-loop.tap.err)' ||
		fail "the endless suite's test has no 'no result' reason"
	has 'did not finish within 2 s' "$W/tree/build/grade/demo/host-loop.tap.err"
	[ "$(tail -1 "$W/stdout")" = "Score: 5/15" ] || fail "last line '$(tail -1 "$W/stdout")', expected Score: 5/15"
}

t_grade_is_deterministic() {
	grade --results $F/results
	cp "$W/out/results.json" "$W/first.json"
	cp "$W/stdout" "$W/first.txt"
	grade --results $F/results
	cmp -s "$W/out/results.json" "$W/first.json" || fail "results.json differs between two runs"
	cmp -s "$W/stdout" "$W/first.txt" || fail "the printed grade differs between two runs"
}

for t in $(declare -F | awk '{ print $3 }' | grep '^t_'); do
	FAILED=""
	"$t"
	if [ -z "$FAILED" ]; then
		echo "ok - grade: ${t#t_}" | tee -a "$out"
	else
		echo "not ok - grade: ${t#t_}: $FAILED" | tee -a "$out"
	fi
done
exit 0
