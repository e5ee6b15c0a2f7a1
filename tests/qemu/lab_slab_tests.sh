#!/usr/bin/env bash
# lab_slab_tests.sh - the slab caches (servers/mm/slab.c) in the running
# system, for lab 2 (docs/labs/slab.md, tests/grade/slab.rubric). Sourced
# by tests/qemu/run.sh after lib.sh, mm_tests.sh and mmcheck_tests.sh,
# whose init_finished, exited_with, killed_for and checks_ran it uses.

# `mm:check slab`: every cache mm creates (processes, regions, shared
# objects, kmalloc's classes...) is a debug cache - red zones, poison,
# tags - and slab_check() with every other checker runs after every
# message, through processes, threads, regions and shared memory coming
# and going.
t_slab_lab_debug_caches_and_every_check_hold_through_processes_regions_and_shm() {
	TIMEOUT=${MMCHECK_TIMEOUT:-90} boot mm:"check slab" \
		"init:touch+300 mmap_anon shm_writer threads spawn_untouched fault_null hello hello" \
		touch mmap_anon shm_writer shm_reader threads spawn_untouched fault_null hello
	expect '^mm: debug: check \(every invariant after every message\) slab$'
	expect '^touch: 300 pages, stride 1, write: touched 300 pages, 300 faults$'
	expect '^mmap_anon: PASS$'
	expect '^shm_reader: PASS$'
	expect '^shm_writer: PASS$'
	expect '^threads: PASS$'
	expect '^spawn_untouched: child exited with status 0$'
	killed_for fault_null read '0x0' 'NULL pointer dereference'
	[ "$(grep -c '^init: hello exited with status 0$' "$LOG")" = 2 ] ||
		fail "expected hello to exit 0 twice"
	checks_ran 1
	init_finished
}

# Fifteen processes, one after another (as many as fit in the 128 bytes
# the kernel keeps of init's line): each one's mm objects (its struct
# proc, its regions...) come from the slab caches and go back, and init
# sees every frame return after each one (no LEAK): freed objects are
# reused and the caches do not grow without bound.
t_slab_lab_fifteen_processes_in_a_row_leave_no_frame_behind() {
	local cmds="" i
	for i in $(seq 1 15); do cmds="$cmds${cmds:+ }hello"; done
	boot mm "init:$cmds" hello
	[ "$(grep -c '^init: hello exited with status 0$' "$LOG")" = 15 ] ||
		fail "expected hello to exit 0 fifteen times, saw $(grep -c '^init: hello exited with status 0$' "$LOG")"
	init_finished
}
