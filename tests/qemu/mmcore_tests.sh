#!/usr/bin/env bash
# mmcore_tests.sh - QEMU system tests of the memory server's core: address
# reuse and page-table freeing, stack guard pages, processes that vanish
# mid-request, requests without a reply, the heap's start (sourced by
# tests/qemu/run.sh, after lib.sh and mm_tests.sh, whose helpers
# init_finished, exited_with and killed_for they use).

t_mmap_churn_reuses_addresses_and_keeps_page_tables_few() {
	boot mm "init:mmap_churn" mmap_churn
	expect '^mmap_churn: 5000 cycles: page tables before [0-9]+, at most [0-9]+, after [0-9]+$'
	expect '^mmap_churn: PASS$'
	exited_with mmap_churn 0
	init_finished
}

t_mmap_churn_completes_in_16M_of_memory() {
	boot --mem 16M mm "init:mmap_churn" mmap_churn
	expect '^mmap_churn: PASS$'
	expect_not '^kill: '
	exited_with mmap_churn 0
	init_finished
}

t_free_count_includes_the_spare_page_table_frames() {
	boot mm "init:stat_spares hello" stat_spares hello
	expect '^stat_spares: free pages before [0-9]+, after [0-9]+$'
	expect '^stat_spares: PASS$'
	exited_with stat_spares 0
	exited_with hello 0
	init_finished
}

t_munmap_frees_the_page_tables_it_left_empty() {
	boot mm "init:mmap_churn+prune" mmap_churn
	expect '^mmap_churn: 5000 cycles: page tables before ([0-9]+), at most [0-9]+, after [0-9]+$'
	expect '^mmap_churn: PASS$'
	exited_with 'mmap_churn prune' 0
	init_finished
}

t_mm_map_stack_overflow_by_one_page_is_killed_at_its_guard_page() {
	boot mm "init:mmap_stack hello" mmap_stack hello
	expect '^mmap_stack: 4 pages work, overflowing to 0x[0-9a-f]+$'
	local guard
	guard=$(sed -nE 's/^mmap_stack: 4 pages work, overflowing to (0x[0-9a-f]+)$/\1/p' "$LOG")
	killed_for mmap_stack write "${guard:-none}" 'stack overflow into the guard page'
	exited_with hello 0
	init_finished
}

t_exit_during_munmap_stops_the_unmapping_quietly_and_frees_everything() {
	# 128 MiB to unmap: about 3 ticks of work for the server, in slices of 1.
	boot --mem 256M --append quantum=1 mm "init:munmap_exit hello" munmap_exit hello
	expect '^munmap_exit: 32768 pages touched, unmapping$'
	expect_not 'race missed'
	expect_not 'BUG'
	exited_with munmap_exit 7
	exited_with hello 0
	init_finished
}

t_the_byte_below_the_initial_break_is_usable() {
	boot mm "init:heap_start" heap_start
	expect_not '^kill: '
	expect '^heap_start: PASS$'
	exited_with heap_start 0
	init_finished
}

t_mm_wait_sent_without_a_reply_handle_is_refused_and_keeps_the_status() {
	boot mm "init:wait_send" wait_send
	expect '^wait_send: SEND MM_WAIT -> 0, child told -> 0, CALL MM_WAIT -> [0-9]+ \(pid\), status 42$'
	expect '^wait_send: PASS$'
	exited_with wait_send 0
	init_finished
}

t_heap_shrink_frees_the_page_tables_it_left_empty() {
	boot mm "init:heap_shrink" heap_shrink
	expect '^heap_shrink: page tables before [0-9]+, grown [0-9]+, shrunk [0-9]+$'
	expect '^heap_shrink: PASS$'
	exited_with heap_shrink 0
	init_finished
}
