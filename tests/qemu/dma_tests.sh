#!/usr/bin/env bash
# dma_tests.sh - QEMU system tests of DMA memory for drivers: the memory
# server's grants, streaming mappings and bounce buffers (docs/dma.md),
# and memstat's dma view (sourced by tests/qemu/run.sh, after lib.sh and
# mm_tests.sh, whose helpers init_finished and exited_with they use).

t_dma_requests_from_a_process_that_owns_no_device_are_refused() {
	boot mm:check "init:dma_probe+perm" dma_probe
	expect '^dma_probe: the kernel (names|cannot name) devices to the memory server$'
	expect '^dma_probe: PASS$'
	exited_with 'dma_probe perm' 0
	init_finished
}

t_memstat_dma_shows_no_grants_and_no_bounce_use_at_boot() {
	boot mm "init:memstat+dma memstat+-k+dma" memstat
	expect '^dma: 0 grants \(0 pages pinned\), 0 streaming mappings \(0 pages pinned\), 0 quarantined \(0 pages\)$'
	expect '^bounce buffers: 0 pages in use; since boot 0 mappings, 0 bounced \(0 pages\), 0 bytes copied to devices, 0 from them$'
	expect '^dma_grants 0$'
	expect '^bounce_force 0$'
	expect '^bounce_bytes_from_device 0$'
	expect_not '^(free|managed|swapins) '        # the dma view alone
	exited_with 'memstat -k dma' 0
	init_finished
}

t_bounce_force_on_the_mm_line_is_announced_and_shown_by_memstat() {
	boot mm:bounce=force "init:memstat+-k+dma" memstat
	expect '^mm: bounce=force: every streaming DMA mapping bounces$'
	expect '^bounce_force 1$'
	exited_with 'memstat -k dma' 0
	init_finished
}

t_a_bad_bounce_word_is_reported_and_auto_kept() {
	boot mm:bounce=always "init:memstat+-k+dma" memstat
	expect "^mm: option 'bounce=always' needs force or auto; using the default: auto"
	expect_not '^mm: bounce=force'
	expect '^bounce_force 0$'
	init_finished
}
