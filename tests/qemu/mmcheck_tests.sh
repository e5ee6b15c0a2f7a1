#!/usr/bin/env bash
# mmcheck_tests.sh - the memory server's invariant checkers in the live
# system (sourced by tests/qemu/run.sh, after lib.sh and mm_tests.sh).
#
# `mm:check` puts the word `check` on mm's module line: mm then runs
# mm_check_all() (servers/mm/check.c: buddy, slab, regions, frame lists,
# page tables through SYS_MM_LOOKUP where the kernel has it) after every
# message. A finding is an mm_bug, which prints "mm: BUG: ..." and stops
# the machine (servers/mm/mm_env.h), so a clean power-off after a mixed
# workload means no check failed; every 256 messages mm says the checks ran.

# checks_ran N: mm reported at least N * 256 checked messages.
checks_ran() {
	local n
	n=$(grep -cE '^mm: check: [0-9]+ messages checked, every invariant held$' "$LOG")
	[ "$n" -ge "$1" ] || fail "mm reported $n rounds of 256 checked messages, expected at least $1"
}

t_mm_checks_every_invariant_after_every_message_through_a_mixed_workload() {
	TIMEOUT=${MMCHECK_TIMEOUT:-90} boot mm:check \
		"init:touch+200+1+w heap_faults stack_grow mmap_anon shm_writer fault_null touch+50+3+r" \
		touch heap_faults stack_grow mmap_anon shm_writer shm_reader fault_null
	expect '^mm: debug: check \(every invariant after every message\)$'
	expect '^touch: 200 pages, stride 1, write: touched 200 pages, 200 faults$'
	expect '^heap_faults: PASS$'
	expect '^stack_grow: PASS$'
	expect '^mmap_anon: PASS$'
	expect '^shm_reader: PASS$'
	expect '^shm_writer: PASS$'
	killed_for fault_null read '0x0' 'NULL pointer dereference'
	expect '^touch: 50 pages, stride 3, read: touched 17 pages, 17 faults$'
	checks_ran 2
	init_finished
}

t_mm_reports_an_unknown_option_on_its_module_line_and_runs_on() {
	boot mm:frobnicate "init:hello" hello
	expect "^mm: option 'frobnicate' is unknown; ignored \(known: check slab pages swaptest demo faultlog swap= usermem= policy= bounce=\)$"
	expect_not '^mm: debug:'
	expect_not '^mm: check:'
	expect '^hello, world'
	init_finished
}

# Random bad system calls and requests (tests/progs/hostile.c), threads and
# faults that kill: every refusal must leave the books as they were.
t_mm_checks_hold_under_hostile_requests_threads_and_kills() {
	TIMEOUT=${MMCHECK_TIMEOUT:-120} boot mm:check \
		"init:hostile threads stack_overflow fault_write_code spawn_untouched" \
		hostile threads stack_overflow fault_write_code spawn_untouched hello
	expect '^mm: debug: check \(every invariant after every message\)$'
	expect '^hostile: PASS$'
	expect_not 'hostile: FAIL'
	expect '^threads: PASS$'
	killed_for stack_overflow '(read|write)' '0x[0-9a-f]+' 'stack overflow into the guard page'
	killed_for fault_write_code write '0x[0-9a-f]+' 'page is read-only'
	expect '^spawn_untouched: child exited with status 0$'
	checks_ran 10
	init_finished
}
