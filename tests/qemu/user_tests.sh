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

# A program that starts a child and exits without waiting leaves an
# orphan holding 500 pages for 50 ticks: init measures free frames once
# that orphan has ended too, so there is no false LEAK, and its report
# comes after the orphan's exit.
t_init_checks_for_leaks_after_orphaned_grandchildren_end() {
	boot mm "init:spawn_orphan+exit_with+0+50+500 hello" spawn_orphan exit_with hello
	expect "^spawn_orphan: started 'exit_with 0 50 500' as pid [0-9]+$"
	expect '^exit_with: 0 after 50 ticks$'
	expect_before '^exit: pid [0-9]+ \(exit_with\) status 0$' '^init: spawn_orphan exit_with 0 50 500 exited'
	exited_with 'spawn_orphan exit_with 0 50 500' 0
	expect_not 'left [0-9]+ processes running'
	exited_with hello 0
	init_finished
}

# The wait for orphans is bounded (3 s), and frames still held then are
# reported: an orphan holding 100 pages for 10 s shows as a LEAK of the
# command that left it.
t_init_reports_frames_an_orphan_still_holds_after_its_wait() {
	boot mm "init:spawn_orphan+exit_with+0+1000+100" spawn_orphan exit_with
	exited_with 'spawn_orphan exit_with 0 1000 100' 0
	expect "^init: LEAK: 'spawn_orphan exit_with 0 1000 100' kept [0-9]+ frames \(processes it started still run\)$"
	expect "^init: 'spawn_orphan exit_with 0 1000 100' left 1 processes running after 3 s$"
	expect_not '^exit_with: 0 after'
	expect '^init: all programs finished$'
	expect_clean
}

# newlib's heap is locked (__malloc_lock in libsys): three threads doing
# malloc, realloc and free with content checks pass five runs in a row.
t_threads_share_the_heap_through_malloc_and_free_every_time() {
	TIMEOUT=${MALLOC_TIMEOUT:-120} boot mm \
		"init:malloc_threads+1 malloc_threads+2 malloc_threads+3 malloc_threads+4 malloc_threads+5" \
		malloc_threads
	local n
	n=$(grep -c '^malloc_threads: PASS' "$LOG")
	[ "$n" = 5 ] || fail "malloc_threads passed $n of 5 runs"
	for seed in 1 2 3 4 5; do
		exited_with "malloc_threads $seed" 0
	done
	expect_not '^kill: pid'
	expect_not 'malloc_threads: FAIL'
	init_finished
}

# A thread cannot unmap its own stack; libsys unmaps the stacks of ended
# threads at the next thread_start, so 40 threads started one after
# another, each touching 14 pages of its stack, leave at most a stack or
# two resident.
t_stacks_of_ended_threads_are_unmapped_by_the_next_thread_start() {
	boot mm "init:thread_reap" thread_reap
	expect '^thread_reap: 40 threads, resident pages grew by [0-9]+$'
	expect '^thread_reap: PASS$'
	exited_with thread_reap 0
	init_finished
}

# Thread stacks are MM_MAP_STACK mappings with a guard page below: a thread
# recursing 9 KiB past its 16 KiB stack is killed at the guard page before
# it writes anything below (the main thread saw the heap data intact while
# the thread went down), and the next program runs.
t_thread_stack_overflow_is_killed_at_its_guard_page() {
	boot mm "init:thread_overflow hello" thread_overflow hello
	expect '^thread_overflow: 65536 bytes of heap data in place$'
	expect '^thread_overflow: heap data intact with the thread at depth 1[0-9]$'
	killed_for thread_overflow write '0x[0-9a-f]+' 'stack overflow into the guard page'
	expect_not '^thread_overflow: (FAIL|PASS)'
	exited_with hello 0
	init_finished
}
