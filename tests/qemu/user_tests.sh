#!/usr/bin/env bash
# user_tests.sh - QEMU system tests of init and the user-space libraries
# (libsys, newlib as built for Pagoda). Sourced by tests/qemu/run.sh after
# mm_tests.sh, whose helpers (init_finished, exited_with) they use.

# exited_once WORDS STATUS: init reported WORDS exactly once, with STATUS.
exited_once() {
	local n
	n=$(grep -cE "^init: $1 exited with status" "$LOG")
	[ "$n" = 1 ] || fail "init reported '$1' $n times, expected once"
	exited_with "$1" "$2"
}

# Four background programs end in another order than they started (after
# 40, 10, 25 and 1 ticks), each with its own status: every report must
# name the program that really ended.
t_init_names_each_background_program_with_its_own_exit_status() {
	boot mm "init:&exit_with+3+40 &exit_with+5+10 &exit_with+7+25 &exit_with+0+1 exit_with+9" \
		exit_with
	exited_once 'exit_with 3 40' 3
	exited_once 'exit_with 5 10' 5
	exited_once 'exit_with 7 25' 7
	exited_once 'exit_with 0 1' 0
	exited_once 'exit_with 9' 9
	local n
	n=$(grep -cE '^init: .* exited with status' "$LOG")
	[ "$n" = 5 ] || fail "init reported $n exits, expected 5"
	init_finished
}

# newlib is built with --enable-newlib-io-c99-formats: %zu, %jd, %hhx,
# %lld and %td format as C99 says (printf_c99 compares the strings).
t_printf_knows_the_c99_size_modifiers() {
	boot mm "init:printf_c99" printf_c99
	expect '^printf_c99: PASS'
	expect_not '^printf_c99: .* gave '
	exited_with printf_c99 0
	init_finished
}
