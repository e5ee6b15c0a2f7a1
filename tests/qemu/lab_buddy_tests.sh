#!/usr/bin/env bash
# lab_buddy_tests.sh - the buddy allocator (servers/mm/buddy.c) in the
# running system, for lab 1 (docs/labs/buddy.md, tests/grade/buddy.rubric).
# Sourced by tests/qemu/run.sh after lib.sh, mm_tests.sh and
# mmcheck_tests.sh, whose init_finished, exited_with, killed_for and
# checks_ran it uses. Each boot's log is $LOGDIR/$TEST.log (lib.sh).

# memstat -k's value for KEY in the Nth run (1-based) of this boot.
memstat_key() {
	grep -E "^$1 [0-9]+$" "$LOG" | sed -n "${2}p" | cut -d' ' -f2
}

# 16 MiB of RAM is all below 16 MiB: the DMA zone is the only one with
# pages, so every ordinary request (class zone NORMAL) must fall back
# NORMAL -> DMA32 -> DMA. A program that touches 1024 pages (4 MiB) runs
# between two memstat runs, which must see the same free count: every
# frame came back and the blocks merged so that the same requests fit.
t_buddy_lab_16M_machine_serves_every_request_from_dma_and_gets_every_frame_back() {
	boot --mem 16M mm "init:memstat+-k touch+1024+1+w memstat+-k" memstat touch
	expect '^touch: 1024 pages, stride 1, write: touched 1024 pages, 1024 faults$'
	local dma32 normal dma before after
	dma32=$(memstat_key free_dma32 1) normal=$(memstat_key free_normal 1) dma=$(memstat_key free_dma 1)
	if [ "${dma32:-x}" != 0 ] || [ "${normal:-x}" != 0 ]; then
		fail "a 16 MiB machine has free DMA32 '${dma32:-none}' and NORMAL '${normal:-none}' pages, expected 0 and 0"
	fi
	[ "${dma:-0}" -gt 1024 ] || fail "free DMA pages '${dma:-none}', expected more than 1024"
	before=$(memstat_key free 1) after=$(memstat_key free 2)
	if [ -z "$before" ] || [ "$before" != "$after" ]; then
		fail "free pages ${before:-none} before touch, ${after:-none} after: frames went missing"
	fi
	exited_with 'touch 1024 1 w' 0
	init_finished
}

# `mm:check pages`: every free block is poisoned and checked when it is
# handed out again (a write to a freed frame is an mm: BUG), and
# buddy_check() (with every other checker) runs after every message.
t_buddy_lab_page_poisoning_and_every_check_hold_through_a_mixed_workload() {
	TIMEOUT=${MMCHECK_TIMEOUT:-90} boot mm:"check pages" \
		"init:touch+300+1+w heap_faults mmap_anon shm_writer fault_null stack_grow" \
		touch heap_faults mmap_anon shm_writer shm_reader fault_null stack_grow
	expect '^mm: debug: check \(every invariant after every message\) pages$'
	expect '^touch: 300 pages, stride 1, write: touched 300 pages, 300 faults$'
	expect '^heap_faults: PASS$'
	expect '^mmap_anon: PASS$'
	expect '^shm_reader: PASS$'
	expect '^shm_writer: PASS$'
	expect '^stack_grow: PASS$'
	killed_for fault_null read '0x0' 'NULL pointer dereference'
	checks_ran 1
	init_finished
}
