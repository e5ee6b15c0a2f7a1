#!/usr/bin/env bash
# policy_tests.sh - QEMU system tests of replacement policies, budgets,
# paging statistics (memstat), the fill workload and the paging-event
# ring (sourced by tests/qemu/run.sh after lib.sh and mm_tests.sh, whose
# helpers init_finished and exited_with they use).

# expect_belady_counts "N:F N:F ...": the belady runs of the log, in
# order, took F faults with a budget of N frames each, their data intact
# (tests/progs/belady.c's result lines); the files sourced after this one
# use it too.
expect_belady_counts() {
	local got
	got=$(sed -nE 's/^belady: budget ([0-9]+): ([0-9]+) faults \(major [0-9]+, minor [0-9]+\), data ok$/\1:\2/p' "$LOG" |
		tr '\n' ' ' | sed 's/ $//')
	[ "$got" = "$1" ] || fail "budget:faults per run were '$got', expected '$1'"
}

t_memstat_k_reports_swap_counters_the_policy_and_every_pool() {
	boot mm "init:memstat+-k" memstat
	expect '^free [1-9][0-9]*$'
	expect '^swap_total_pages 0$'
	expect '^swap_used_kib 0$'
	expect '^swapins 0$'
	expect '^oom_kills 0$'
	expect '^minor_faults [1-9][0-9]*$'
	expect '^policy clock$'
	expect '^pools 1$'
	expect '^pool\.0\.name global$'
	expect '^pool\.0\.budget 0$'
	expect '^proc\.3\.name memstat$'
	expect '^proc\.3\.minor_faults [1-9][0-9]*$'
	expect '^proc\.3\.major_faults 0$'
	expect '^proc\.3\.budget 0$'
	expect_not '^swap +pages'
	exited_with 'memstat -k' 0
	init_finished
}

t_memstat_shows_swap_policy_pools_and_paging_per_process() {
	boot mm "init:memstat memstat+-x" memstat
	expect '^swap +pages +KiB$'
	expect '^faults since boot: major 0, minor [1-9][0-9]*$'
	expect '^policy: clock$'
	expect '^global +[0-9]+ +- +[0-9]+'
	expect '^ +3 memstat +[1-9][0-9]* +[1-9][0-9]* +0 +0 +[1-9][0-9]* +-$'
	expect '^usage: memstat \[-k\]'
	exited_with 'memstat -x' 2
	init_finished
}

t_fill_writes_and_verifies_its_pattern() {
	boot mm "init:fill+300+7 fill+1 fill+0 fill+5+x" fill
	expect '^fill: 300 pages verified, 0 mismatches$'
	expect '^fill: 1 pages verified, 0 mismatches$'
	exited_with 'fill 300 7' 0
	exited_with 'fill 0' 2
	exited_with 'fill 5 x' 2
	init_finished
}

# The shell's `limit N PROG`: a budget of 0 or above memory is refused.
t_shell_limit_runs_a_program_with_a_budget_and_refuses_bad_ones() {
	boot mm init sh fill memstat --input 'limit 0 fill 10\nlimit 99999999 fill 10\nlimit x fill\nlimit 64 fill 100\npoweroff\n'
	expect '^sh: limit: a budget of 0 frames is refused$'
	expect "^sh: cannot run 'fill 10': ERR_INVAL$"
	expect '^sh: usage: limit FRAMES PROGRAM ARGS'
	expect '^fill: 100 pages verified, 0 mismatches$'
	expect_clean
}

t_malformed_budgets_and_policy_names_are_refused() {
	boot mm "init:belady+refuse belady+policy memstat+-k" belady hello memstat
	expect '^belady: mmap budget 0: ERR_INVAL$'
	expect '^belady: mmap budget above memory: ERR_INVAL$'
	expect '^belady: mmap shared with a budget: ERR_INVAL$'
	expect '^belady: mmap w4 without the flag: ERR_INVAL$'
	expect '^belady: mmap budget 3: ERR_OK$'
	expect '^belady: spawn budget 0: ERR_INVAL$'
	expect '^belady: spawn budget above memory: ERR_INVAL$'
	expect '^belady: spawn w3 without the flag: ERR_INVAL$'
	expect '^belady: spawn budget 64: started, status 0$'
	expect '^belady: vmstat size - 1: ERR_INVAL$'
	expect '^belady: vmstat pool 99: ERR_NOENT$'
	expect '^belady: vmstat to address 8: ERR_FAULT$'
	expect '^belady: vmstat: ERR_OK$'
	expect '^belady: events command 3: ERR_INVAL$'
	expect '^belady: events read 0: ERR_INVAL$'
	expect '^belady: events read 257: ERR_INVAL$'
	expect '^belady: procinfo kind 2: ERR_INVAL$'
	expect '^belady: policy length 64: ERR_INVAL$'
	expect '^belady: policy at address 8: ERR_FAULT$'
	expect "^belady: policy 'lru': ERR_INVAL$"
	expect "^belady: policy '': ERR_INVAL$"
	expect "^belady: policy 'clockwork': ERR_INVAL$"
	expect "^belady: policy 'fifo': ERR_OK$"
	expect '^policy fifo$'
	exited_with 'belady refuse' 0
	init_finished
}

# events run touch 3: touch's three pages of its mapping (the first at
# USER_MMAP_BASE) each fault once, in order, and the ring says so.
t_event_ring_records_the_minor_faults_of_a_known_workload() {
	boot mm "init:events+run+touch+3 events+show events+bogus" events touch
	expect "^touch: 3 pages, stride 1, write: touched 3 pages, 3 faults$"
	local pid
	pid=$(sed -nE "s/^events: 'touch 3' \(pid ([0-9]+)\) exited with status 0$/\1/p" "$LOG")
	[ -n "$pid" ] || fail "no 'events: touch 3 (pid N) exited' line"
	local a b c
	a=$(grep -nE "^event [0-9]+ fault-minor pid $pid va 0x1000000000 pfn 0x[0-9a-f]+$" "$LOG" | cut -d: -f1)
	b=$(grep -nE "^event [0-9]+ fault-minor pid $pid va 0x1000001000 pfn 0x[0-9a-f]+$" "$LOG" | cut -d: -f1)
	c=$(grep -nE "^event [0-9]+ fault-minor pid $pid va 0x1000002000 pfn 0x[0-9a-f]+$" "$LOG" | cut -d: -f1)
	{ [ -n "$a" ] && [ -n "$b" ] && [ -n "$c" ] && [ "$a" -lt "$b" ] && [ "$b" -lt "$c" ]; } ||
		fail "the mapping's three fault-minor events are not there in order (lines '$a' '$b' '$c')"
	[ "$(grep -cE "^event [0-9]+ fault-minor pid $pid va 0x100000[0-9a-f]{4} " "$LOG")" = 3 ] ||
		fail "expected exactly 3 events in touch's mapping"
	expect '^events: [1-9][0-9]* shown, 0 lost$'
	expect '^event 0 fault-minor '
	expect_not '^event [0-9]+ fault-minor pid [0-9]+ va 0x[0-9a-f]+ pfn 0x[0-9a-f]+ slot'
	expect '^events: 0 shown, 0 lost$'       # show after run: the ring was emptied
	exited_with 'events bogus' 2
	init_finished
}

# Belady's anomaly in the OS: FIFO on a 5-page mapping with a budget of 3,
# then 4 frames (pages replaced through the swap device), the data intact.
t_belady_anomaly_under_fifo_with_budgets_of_3_and_4_frames() {
	boot mm:swap=16 ramdisk "init:belady+3 belady+3 belady+4 memstat+-k" belady memstat
	[ "$(grep -cE '^belady: budget 3: 9 faults \(major 4, minor [0-9]+\), data ok$' "$LOG")" = 2 ] ||
		fail "expected 'budget 3: 9 faults (major 4 ...)' twice"
	expect '^belady: budget 4: 10 faults \(major 5, minor [0-9]+\), data ok$'
	expect '^swap_total_pages 4096$'
	expect '^swapouts [1-9][0-9]*$'
	expect '^swapins (9|[1-9][0-9]+)$'
	exited_with 'belady 4' 0
	init_finished
}

# Clock in the OS: the restarted access sets the accessed bit of every page
# it faults in, so by the time the hand comes all are referenced and Clock
# goes round clearing - FIFO's order: 9 and 10 faults again (computed by
# hand in tests/host/test_policy.c, clock_whose_new_pages_are_referenced_...).
t_clock_in_the_os_replaces_as_fifo_when_every_page_was_referenced() {
	boot mm:swap=16 ramdisk "init:belady+3+clock belady+4+clock memstat+-k" belady memstat
	expect '^belady: budget 3: 9 faults \(major 4, minor [0-9]+\), data ok$'
	expect '^belady: budget 4: 10 faults \(major 5, minor [0-9]+\), data ok$'
	expect '^policy clock$'
	init_finished
}

# The shell's budget with swap: fill's heap of 1000 pages through 64
# frames, every page read back from swap intact.
t_shell_limit_64_fill_1000_swaps_and_verifies_every_page() {
	boot mm:swap=16 ramdisk init sh fill --input 'limit 64 fill 1000 3\npoweroff\n'
	expect '^fill: 1000 pages verified, 0 mismatches$'
	expect '^fill: (9[0-9][0-9]|[1-9][0-9]{3}) major faults, [0-9]+ minor faults$'
	expect '\[exit status 0\]'
	expect_clean
}

# The event ring with swap: a budget of 3 on Belady's string gives dirty
# evictions with their slot, and major faults with the swap-in beside them.
t_event_ring_records_evictions_and_swap_ins_with_their_slots() {
	boot mm:swap=16 ramdisk "init:events+run+belady+3" events belady
	expect '^belady: budget 3: 9 faults'
	local pid
	pid=$(sed -nE "s/^events: 'belady 3' \(pid ([0-9]+)\) exited with status 0$/\1/p" "$LOG")
	[ -n "$pid" ] || fail "no 'events: belady 3 (pid N) exited' line"
	[ "$(grep -cE "^event [0-9]+ evict-dirty pid $pid va 0x100000[0-4]000 pfn 0x[0-9a-f]+ slot [0-9]+$" "$LOG")" -ge 6 ] ||
		fail "expected at least 6 dirty evictions of the mapping's pages, with a slot"
	[ "$(grep -cE "^event [0-9]+ fault-major pid $pid va 0x100000[0-4]000 pfn 0x[0-9a-f]+ slot [0-9]+$" "$LOG")" = 4 ] ||
		fail "expected 4 major faults in the mapping"
	[ "$(grep -cE "^event [0-9]+ swap-in pid $pid va 0x100000[0-4]000 " "$LOG")" = 4 ] ||
		fail "expected 4 swap-ins in the mapping"
	expect '^events: [1-9][0-9]* shown, 0 lost$'
	init_finished
}
