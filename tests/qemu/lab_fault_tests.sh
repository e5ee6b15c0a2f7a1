#!/usr/bin/env bash
# lab_fault_tests.sh - QEMU tests of lab 3, the fault path
# (docs/labs/fault.md), beyond mm_tests.sh: sourced by tests/qemu/run.sh
# after mm_tests.sh, whose helpers (init_finished, exited_with) they use.

# A non-canonical address is a general protection fault: the kernel kills
# the process itself, mm logs no page fault for it, and mm's fault path
# is untouched: the next program takes exactly one fault per page, and
# every frame comes back.
t_a_non_canonical_access_is_killed_by_the_kernel_and_mm_serves_the_next_program() {
	boot mm "init:fault_noncanonical touch+50+1+w" fault_noncanonical touch
	expect '^fault_noncanonical: reading address 0x800000000000$'
	expect '^kill: pid [0-9]+ \(fault_noncanonical\): general protection fault at ip 0x[0-9a-f]+'
	expect_not '^kill: pid [0-9]+ \(fault_noncanonical\): page fault'
	expect_not '^fault_noncanonical: survived'
	expect '^init: fault_noncanonical exited with status -?[1-9][0-9]*$'
	expect '^touch: 50 pages, stride 1, write: touched 50 pages, 50 faults$'
	exited_with 'touch 50 1 w' 0
	init_finished
}

# Illegal accesses of every kind, one after the other, between two runs of
# the same workload: each offender is killed with its reason, and the
# second run takes exactly the faults the first took (nothing of the
# offenders stays behind), with every frame back.
t_fault_counts_are_the_same_before_and_after_a_row_of_kills() {
	boot mm "init:touch+64+2+w fault_null fault_write_code fault_unmapped touch+64+2+w" \
		touch fault_null fault_write_code fault_unmapped
	local n
	n=$(grep -c '^touch: 64 pages, stride 2, write: touched 32 pages, 32 faults$' "$LOG")
	[ "$n" = 2 ] || fail "expected the workload to take 32 faults twice, saw it $n times"
	expect '^kill: pid [0-9]+ \(fault_null\): page fault: read at address 0x0 \(NULL pointer dereference\), ip 0x[0-9a-f]+$'
	expect '^kill: pid [0-9]+ \(fault_write_code\): page fault: write at address 0x[0-9a-f]+ \(page is read-only\), ip 0x[0-9a-f]+$'
	expect '^kill: pid [0-9]+ \(fault_unmapped\): page fault: read at address 0x100000000000 \(unmapped address\), ip 0x[0-9a-f]+$'
	init_finished
}
