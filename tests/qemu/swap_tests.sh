#!/usr/bin/env bash
# swap_tests.sh - QEMU system tests of swapping: mm's swap core (swap.c,
# reclaim.c, oom.c) over the ramdisk server as the swap device, forced by
# mm's usermem= cap (sourced by tests/qemu/run.sh, after lib.sh and
# mm_tests.sh, whose helpers init_finished and exited_with they use).
# init's check after each foreground program compares free frames and
# swap slots in use with what they were before (no LEAK line).

t_swap_roundtrip_keeps_every_byte_of_more_pages_than_usermem_allows() {
	# 1024 pages written with usermem=2 MiB (512 pages): half must go to swap.
	boot mm:"swap=8 usermem=2 check" "init:swap_pattern+1024+7" swap_pattern ramdisk
	expect '^swap_pattern: 1024 pages, seed 7: up to [1-9][0-9]* of them on swap, checksum [0-9a-f]+$'
	expect '^swap_pattern: PASS$'
	expect '^mm: check: [0-9]+ messages checked, every invariant held$'
	exited_with 'swap_pattern 1024 7' 0
	init_finished
}

t_four_processes_at_four_times_usermem_each_get_their_data_back() {
	boot mm:"swap=8 usermem=2" \
		"init:&swap_pattern+512+1+hold &swap_pattern+512+2+hold &swap_pattern+512+3+hold swap_pattern+512+4+hold" \
		swap_pattern ramdisk
	local n
	n=$(grep -c '^swap_pattern: PASS$' "$LOG")
	[ "$n" = 4 ] || fail "expected 4 PASS lines, got $n"
	expect_not 'words differ|FAIL'
	exited_with 'swap_pattern 512 4 hold' 0
	expect '^init: all programs finished$'
	expect_clean
}

t_a_shared_mapping_swapped_out_is_read_back_by_both_processes() {
	boot mm:"swap=8 usermem=2" "init:swap_shared+768" swap_shared ramdisk
	expect '^swap_shared: reader verified 768 pages, 0 words wrong$'
	expect '^swap_shared: writer verified 768 pages, [1-9][0-9]* slots were in use$'
	expect '^swap_shared: PASS$'
	exited_with 'swap_shared 768' 0
	init_finished
}

t_clean_pages_read_back_from_swap_are_not_written_again() {
	boot mm:"swap=8 usermem=2" "init:swap_clean+1024" swap_clean ramdisk
	expect '^swap_clean: 1024 pages, two more read passes: [0-9]+ writes, [0-9]+ clean evictions, [1-9][0-9]* swap-ins$'
	expect '^swap_clean: PASS$'
	exited_with 'swap_clean 1024' 0
	init_finished
}

t_below_the_low_watermark_the_background_reclaimer_swaps_without_a_cap() {
	# No usermem cap: 5000 pages in 32 MiB (about 6700 free) only fit because
	# the watermarks make mm write pages out before memory runs out.
	boot --mem 32M mm:"swap=12" "init:swap_pattern+5000+9 memstat+-k" swap_pattern memstat ramdisk
	expect '^swap_pattern: 5000 pages, seed 9: up to [1-9][0-9]* of them on swap, checksum [0-9a-f]+$'
	expect '^swap_pattern: PASS$'
	expect '^reclaim_background [1-9][0-9]*$'
	expect '^oom_kills 0$'
	exited_with 'swap_pattern 5000 9' 0
	init_finished
}

t_swap_exhaustion_ends_in_an_oom_kill_of_the_largest_process_and_the_next_program_runs() {
	# 256 slots and 512 frames for user pages: 4096 pages cannot fit.
	boot mm:"swap=1 usermem=2" "init:&swap_pattern+128+1+hold swap_pattern+4096+2 hello" \
		swap_pattern hello ramdisk
	expect '^oom: killed pid [0-9]+ \(swap_pattern\), score [0-9]+ \([0-9]+ resident, [0-9]+ swapped, [0-9]+ page tables\); runner-up pid [0-9]+ \(swap_pattern\), score [0-9]+$'
	local victim
	victim=$(sed -nE 's/^oom: killed pid ([0-9]+) .*/\1/p' "$LOG" | head -1)
	# The victim's own fault logs "kill: ... (out of memory)"; if the
	# runner-up's fault chose it, the oom line above is its only record.
	if grep -qE "^kill: pid ${victim:-none} " "$LOG"; then
		expect "^kill: pid ${victim:-none} \\(swap_pattern\\): page fault: .* \\(out of memory\\)"
	fi
	expect '^init: swap_pattern 4096 2 exited with status -1$'
	expect '^swap_pattern: 128 pages, seed 1: up to [1-9][0-9]* of them on swap'   # the runner-up lived, swapping
	expect '^swap_pattern: PASS$'
	expect_not 'words differ'
	exited_with hello 0
	expect '^init: all programs finished$'
	expect_clean
}

t_without_swap_usermem_still_caps_and_an_overflow_is_an_oom_kill() {
	boot mm:"usermem=2" "init:swap_pattern+1024+3 hello" swap_pattern hello
	expect '^oom: killed pid [0-9]+ \(swap_pattern\), score [0-9]+ '
	expect '^init: swap_pattern 1024 3 exited with status -1$'
	exited_with hello 0
	init_finished
}

# What `make run` boots (the ISO, boot/grub.cfg: swap=256 usermem=96 in
# MEM): the shell runs `fill` with more pages than user memory may hold,
# every page verifies, and memstat shows the swapping.
t_make_run_configuration_swaps_a_fill_larger_than_user_memory() {
	boot --mem 640M --iso "$B/pagoda.iso" --input 'fill 30000 7\nmemstat -k\npoweroff\n'
	expect '^swapdev: ramdisk \(pid 2\): 65536 pages \(256 MiB\)'
	expect '^fill: 30000 pages verified, 0 mismatches$'
	expect '^swapouts [1-9][0-9]*$'
	expect '^swapins [1-9][0-9]*$'
	expect_clean
}
