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

# mmap_churn maps and unmaps 5000 times: every cycle takes a struct
# mm_region (and its bookkeeping) from the slab caches and gives it back.
# With `mm:slab` those are debug caches (red zones, poison, tags). init
# sees every frame return (no LEAK): an object not freed, or freed without
# being reused, piles up slabs that slab_shrink_all() cannot give back.
t_slab_lab_map_unmap_churn_reuses_objects_and_leaves_no_frame_behind() {
	boot mm:slab "init:mmap_churn hello" mmap_churn hello
	expect '^mm: debug: slab$'
	expect '^mmap_churn: PASS$'
	exited_with mmap_churn 0
	exited_with hello 0
	init_finished
}
