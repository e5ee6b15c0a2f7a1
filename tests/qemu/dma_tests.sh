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

# ---- with a driver: the edu driver's DMA engine (servers/drivers/edu/dma.c)
# and dmadrv, a test driver that holds DMA memory and dies holding it. Every
# boot has edu at 00:04.0 (lib.sh); boot_devices is device_tests.sh's.

# lines_matching N REGEX: exactly N lines of the log match.
lines_matching() {
	local n
	n=$(grep -cE -- "$2" "$LOG")
	[ "$n" = "$1" ] || fail "expected $1 lines matching /$2/, got $n"
}

# hex_at_most KEY LIMIT: memstat -k's "KEY 0x..." is at most LIMIT.
hex_at_most() {
	local v
	v=$(sed -nE "s/^$1 (0x[0-9a-f]+)\$/\1/p" "$LOG" | head -1)
	if [ -z "$v" ] || [ $((v)) -gt $(($2)) ]; then
		fail "$1 is '${v:-missing}', expected at most $2"
	fi
}

t_edudemo_moves_a_buffer_through_the_dma_engine_three_ways_and_verifies_it() {
	boot_devices edu "edudemo+1" edudemo
	expect '^edu: DMA engine ready: 28-bit mask, a pool of 40-byte buffers, a page to stream from$'
	expect '^edudemo: DMA buffer of 4000 bytes at bus 0x0[0-9a-f]{7} \(zone DMA32, below 256 MiB\)$'
	expect '^edudemo: DMA through the grant: 4000 bytes to the device and back: verified$'
	expect '^edudemo: DMA through a streaming mapping: 4000 bytes \(bus 0x0[0-9a-f]{7} out, 0x0[0-9a-f]{7} back, 0 pages bounced\): verified$'
	expect '^edudemo: DMA through the pool: 40 bytes \(buffers at bus 0x0[0-9a-f]{7} and 0x0[0-9a-f]{7}\): verified$'
	expect_not 'WRONG'
	exited_with 'edudemo 1' 0
	init_finished
}

t_a_dma_round_trip_through_edu_is_byte_exact_and_below_256M_nothing_bounces() {
	boot_devices edu "edudma+roundtrip+4095 memstat+-k+dma" edudma memstat
	expect '^edudma: grant round trip of 4095 bytes: out at bus 0x0[0-9a-f]{7}, back at 0x0[0-9a-f]{7}, 0 pages bounced: byte-exact$'
	lines_matching 2 '^edudma: stream round trip of 4095 bytes: .*, 0 pages bounced: byte-exact$'
	expect '^edudma: PASS$'
	expect '^dma_maps 4$'               # two round trips, a mapping each way
	expect '^bounced_maps 0$'
	expect '^dma_grants 1$'             # the driver's pool page; the buffer was released
	expect '^dma_grant_pages 1$'
	exited_with 'edudma roundtrip 4095' 0
	init_finished
}

t_with_512M_a_streaming_buffer_above_256M_bounces_and_round_trips_byte_exact_both_ways() {
	# edu's 28-bit mask reaches 256 MiB; the driver's heap page lies above it
	boot_devices edu "edudma+roundtrip+4095 memstat+-k+dma" --mem 512M edudma memstat
	expect '^edudma: grant round trip of 4095 bytes: .*, 0 pages bounced: byte-exact$'
	lines_matching 2 '^edudma: stream round trip of 4095 bytes: out at bus 0x0[0-9a-f]{7}, back at 0x0[0-9a-f]{7}, 2 pages bounced: byte-exact$'
	expect '^edudma: PASS$'
	expect '^bounced_maps 4$'
	expect '^bounced_pages 4$'
	expect '^bounce_bytes_to_device 8190$'
	expect '^bounce_bytes_from_device 8190$'
	expect '^bounce_pages 0$'           # given back at unmap
	init_finished
}

t_bounce_force_bounces_every_streaming_mapping_and_the_round_trip_stays_exact() {
	boot mm:"check bounce=force" "devmgr:edu=00:04.0" edu "init:edudma+roundtrip+1000 memstat+-k+dma" \
		edudma memstat
	expect '^mm: bounce=force: every streaming DMA mapping bounces$'
	expect '^edudma: grant round trip of 1000 bytes: .*, 0 pages bounced: byte-exact$'   # grants never bounce
	lines_matching 2 '^edudma: stream round trip of 1000 bytes: .*, 2 pages bounced: byte-exact$'
	expect '^bounce_force 1$'
	expect '^bounced_maps 4$'
	expect '^bounce_bytes_to_device 2000$'
	expect '^bounce_bytes_from_device 2000$'
	init_finished
}

t_edu_buffers_lie_below_their_24_and_28_bit_masks_and_pool_buffers_keep_their_rules() {
	boot_devices edu "edudma+masks edudma+small" edudma
	expect '^edudma: 24-bit buffer of 4095 bytes: bus 0x00[0-9a-f]{6}-0x00[0-9a-f]{6}, zone 0: below the mask$'
	expect '^edudma: 28-bit buffer of 4000 bytes: bus 0x0[0-9a-f]{7}-0x0[0-9a-f]{7}, zone [01]: below the mask$'
	expect '^edudma: 8 pool round trips of 1\.\.36 bytes, buffers 32-aligned, none crossing 256: byte-exact$'
	expect_not 'WRONG|ABOVE'
	exited_with 'edudma masks' 0
	exited_with 'edudma small' 0
	init_finished
}

t_the_edu_driver_refuses_bad_dma_requests() {
	boot_devices edu "edudma+refuse" edudma
	expect '^edudma: PASS$'
	exited_with 'edudma refuse' 0
	init_finished
}

t_grants_lie_below_their_24_and_32_bit_masks_as_their_bus_addresses_show() {
	boot_devices dmadrv "memstat+-k+dma memstat+dma" memstat
	expect '^dmadrv: 24-bit grant: 3 pages at bus 0x00[0-9a-f]{6}-0x00[0-9a-f]{6} \(zone 0\): below the mask$'
	expect '^dmadrv: 28-bit grant: 1 pages at bus 0x0[0-9a-f]{7}-0x0[0-9a-f]{7} \(zone [01]\): below the mask$'
	expect '^dmadrv: 32-bit grant: 2 pages at bus 0x[0-9a-f]{8}-0x[0-9a-f]{8} \(zone [01]\): below the mask$'
	expect '^grant\.1\.mask_bits 24$'
	hex_at_most 'grant\.1\.bus_end' 0xffffff
	expect '^grant\.1\.zone DMA$'
	expect '^grant\.1\.pages 3$'
	expect '^grant\.2\.mask_bits 28$'
	hex_at_most 'grant\.2\.bus_end' 0xfffffff
	expect '^grant\.3\.mask_bits 32$'
	hex_at_most 'grant\.3\.bus_end' 0xffffffff
	expect '^grant\.3\.size 8092$'
	expect '^grant\.3\.device 00:04\.0$'
	expect '^grant\.3\.owner 3$'
	expect '^dma_grants 3$'
	expect '^dma_grant_pages 6$'
	expect '^dma_streams 1$'
	expect '^stream\.1\.bounced 1$'
	expect '^dma: 3 grants \(6 pages pinned\), 1 streaming mappings \(1 pages pinned\), 0 quarantined \(0 pages\)$'
	expect '^ +1 +3 00:04\.0 +12288 +3  0x000[0-9a-f]{6}-0x000[0-9a-f]{6} DMA +24  - +live$'
	expect '^dmadrv: pool of 40 100-byte buffers on 2 grant pages: 64-aligned, none crossing 512: ok$'
	expect '^dmadrv: a heap page mapped for a 24-bit device: bus 0x00[0-9a-f]{6}, 1 bounced: ok$'
	init_finished
}

t_a_driver_killed_holding_grants_returns_them_and_its_client_loses_its_share() {
	boot_devices dmadrv "dma_victim memstat+-k+dma" dma_victim memstat
	expect '^dmadrv: holding its DMA memory, bus mastering on$'
	expect '^dma_victim: the driver.s grant is here at 0x[0-9a-f]+: its bytes; 3 grants, 1 streaming mappings$'
	expect '^kill: pid 3 \(dmadrv\): page fault: write at address 0x0 \(NULL pointer dereference\)'
	expect '^device: 00:04\.0 stopped \(bus mastering and MSI read back off\), released: pid 3 \(dmadrv\) ended$'
	expect '^dma_victim: after the driver.s death: 0 grants, 0 pages, 0 mappings, 0 bounce pages, 0 quarantined$'
	expect '^dma_victim: the shared grant here: unmapped$'
	expect '^dma_victim: PASS$'
	expect '^dma_grants 0$'
	expect '^dma_quarantined 0$'
	exited_with dma_victim 0
	init_finished
}

t_make_run_s_edudemo_moves_a_buffer_through_the_dma_engine_and_verifies_it() {
	boot --mem 640M --iso "$B/pagoda.iso" --input 'edudemo\nmemstat dma\npoweroff\n'
	expect '^edudemo: DMA buffer of 4000 bytes at bus 0x0[0-9a-f]{7} \(zone DMA32, below 256 MiB\)$'
	expect '^edudemo: DMA through the grant: 4000 bytes to the device and back: verified$'
	expect '^edudemo: DMA through a streaming mapping: .*: verified$'
	expect '^edudemo: DMA through the pool: 40 bytes .*: verified$'
	expect '^bounce buffers: 0 pages in use; since boot [0-9]+ mappings'
	expect_clean
}
