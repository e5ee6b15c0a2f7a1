#!/usr/bin/env bash
# mm_tests.sh - QEMU system tests of the memory server, IPC and the user
# programs (sourced by tests/qemu/run.sh, after lib.sh).
#
# Every boot: the kernel starts mm (pid 1), mm starts init (pid 2) with the
# commands on its module line (words joined by '+'), init runs them one by
# one, reads the free-frame count before each spawn and after each wait and
# prints "init: LEAK: ..." if frames went missing, then "init: all programs
# finished" and powers off. So every test checks for no LEAK line and for
# that last line, besides its own program's verdict ("NAME: PASS").
# Note: the kernel keeps 128 bytes of a module's line (path included), so
# each test keeps init's command list short.
#
# Kills by mm look like
#   kill: pid N (NAME): page fault: ACCESS at address 0x.. (WHY), ip 0x..
# and the regexes below leave the pid free.

# init_finished: init ran everything, no frame leaked, clean power-off.
init_finished() {
	expect '^init: all programs finished$'
	expect_not 'LEAK'
	expect_clean
}

# exited_with PROGRAM-WORDS STATUS: init saw it exit with that status.
exited_with() {
	expect "^init: $1 exited with status $2\$"
}

# killed_for NAME ACCESS ADDRESS-REGEX WHY: mm killed NAME for this fault,
# and init saw a non-zero status.
killed_for() {
	expect "^kill: pid [0-9]+ \($1\): page fault: $2 at address $3 \($4\), ip 0x[0-9a-f]+\$"
	expect "^init: $1 exited with status -?[0-9]+\$"
	expect_not "^init: $1 exited with status 0\$"
	expect_not "^$1: survived"
}

t_touching_fresh_heap_pages_takes_exactly_one_fault_each() {
	boot mm "init:heap_faults" heap_faults
	expect '^heap_faults: first touch took 64 faults, second touch 0$'
	expect '^heap_faults: PASS$'
	expect_not 'heap_faults: FAIL'
	exited_with heap_faults 0
	init_finished
}

t_touch_workload_faults_once_per_page_touched() {
	boot mm "init:touch+100+1+w touch+100+4+r" touch
	expect '^touch: 100 pages, stride 1, write: touched 100 pages, 100 faults$'
	expect '^touch: 100 pages, stride 4, read: touched 25 pages, 25 faults$'
	exited_with 'touch 100 1 w' 0
	exited_with 'touch 100 4 r' 0
	init_finished
}

t_stack_grows_on_demand() {
	boot mm "init:stack_grow" stack_grow
	expect '^stack_grow: 256 of 256 frames intact, [0-9]+ faults$'
	expect '^stack_grow: PASS$'
	exited_with stack_grow 0
	init_finished
}

t_stack_overflow_is_killed_at_the_guard_page_and_the_next_program_runs() {
	boot mm "init:stack_overflow hello" stack_overflow hello
	expect '^stack_overflow: recursing$'
	killed_for stack_overflow '(read|write)' '0x[0-9a-f]+' 'stack overflow into the guard page'
	expect_not 'stack_overflow: (PASS|FAIL)'
	expect '^hello: the heap works; 1/3 = 0\.333333$'
	exited_with hello 0
	init_finished
}

t_null_dereference_is_killed_as_such_by_mm() {
	boot mm "init:fault_null hello" fault_null hello
	killed_for fault_null read '0x0' 'NULL pointer dereference'
	exited_with hello 0
	init_finished
}

t_write_to_code_is_killed_as_read_only() {
	boot mm "init:fault_write_code hello" fault_write_code hello
	local addr
	addr=$(sed -nE 's/^fault_write_code: writing to main at (0x[0-9a-f]+)$/\1/p' "$LOG")
	[ -n "$addr" ] || fail "program did not print its code address"
	killed_for fault_write_code write "${addr:-0x[0-9a-f]+}" 'page is read-only'
	exited_with hello 0
	init_finished
}

t_access_outside_every_region_is_killed_as_unmapped() {
	boot mm "init:fault_unmapped hello" fault_unmapped hello
	expect '^fault_unmapped: reading address 0x100000000000$'
	killed_for fault_unmapped read '0x100000000000' 'unmapped address'
	exited_with hello 0
	init_finished
}

t_jump_to_kernel_address_is_killed_as_non_user() {
	boot mm "init:fault_kernel_jump hello" fault_kernel_jump hello
	killed_for fault_kernel_jump execute '0xffffffff80106000' 'kernel or non-user address'
	exited_with hello 0
	init_finished
}

t_four_bad_accesses_in_a_row_kill_only_their_offenders() {
	boot mm "init:fault_null fault_write_code fault_unmapped fault_kernel_jump hello" \
		fault_null fault_write_code fault_unmapped fault_kernel_jump hello
	local kills
	kills=$(grep -c '^kill: pid' "$LOG")
	[ "$kills" = 4 ] || fail "expected 4 kills, got $kills"
	killed_for fault_null read '0x0' 'NULL pointer dereference'
	killed_for fault_write_code write '0x[0-9a-f]+' 'page is read-only'
	killed_for fault_unmapped read '0x100000000000' 'unmapped address'
	killed_for fault_kernel_jump execute '0xffffffff80106000' 'kernel or non-user address'
	exited_with hello 0
	init_finished
}

t_anonymous_mappings_work_and_bad_requests_get_errors() {
	boot mm "init:mmap_anon" mmap_anon
	expect '^mmap_anon: PASS$'
	expect_not 'mmap_anon: FAIL'
	expect_not 'mmap_anon: .* -> success'
	exited_with mmap_anon 0
	init_finished
}

t_shared_mapping_written_by_one_process_is_seen_by_another() {
	boot mm "init:shm_writer" shm_writer shm_reader
	expect '^shm_reader: all 16384 bytes match; reply written to page 3$'
	expect '^shm_reader: PASS$'
	expect '^shm_writer: PASS$'
	expect_before '^shm_reader: PASS$' '^shm_writer: PASS$'
	exited_with shm_writer 0
	init_finished
}

t_exited_and_killed_processes_return_every_frame() {
	boot mm "init:hello touch+256 fault_null stack_overflow shm_writer mmap_anon hello" \
		hello touch fault_null stack_overflow shm_writer shm_reader mmap_anon
	local n
	n=$(grep -cE '^init: .* exited with status' "$LOG")
	[ "$n" = 7 ] || fail "init reported $n programs, expected 7"
	expect '^kill: pid [0-9]+ \(fault_null\)'
	expect '^kill: pid [0-9]+ \(stack_overflow\)'
	expect '^touch: 256 pages, stride 1, write: touched 256 pages, 256 faults$'
	expect '^shm_writer: PASS$'
	init_finished
}

t_forbidden_ipc_is_refused_and_nothing_happens() {
	boot mm "init:ipc_forbidden hello" ipc_forbidden hello
	expect '^ipc_forbidden: send to pid 2 +-> ERR_PERM$'
	expect '^ipc_forbidden: call to pid 999 +-> ERR_PERM$'
	expect '^ipc_forbidden: notify pid 2 +-> ERR_PERM$'
	expect '^ipc_forbidden: reply with handle 0x7777 +-> ERR_INVAL$'
	expect '^ipc_forbidden: PASS$'
	expect_not 'UNEXPECTED'
	exited_with ipc_forbidden 0
	exited_with hello 0
	init_finished
}

t_ipc_ping_pong_returns_the_right_payloads() {
	boot mm "init:ipc_ping" ipc_ping ipc_pong
	expect '^ipc_pong: served 1000 calls$'
	expect '^ipc_ping: 1000 round trips, every payload right$'
	expect '^ipc_ping: PASS$'
	expect '^exit: pid [0-9]+ \(ipc_pong\) status 0$'
	exited_with ipc_ping 0
	init_finished
}

t_notifications_are_delivered_and_merged() {
	boot mm "init:notify_test" notify_test
	expect '^notify_test: child: notification 1: bits 0x(35|5)$'
	expect_not 'notify_test: child: FAIL'
	expect '^notify_test: PASS$'
	exited_with notify_test 0
	init_finished
}

t_threads_share_memory_and_keep_their_own_registers() {
	boot mm "init:threads" threads
	expect '^threads: counters 1000 1000, sums 500\.00 250\.00'
	expect '^threads: PASS$'
	exited_with threads 0
	init_finished
}

t_hostile_program_gets_errors_and_a_good_program_runs_after() {
	TIMEOUT=${HOSTILE_TIMEOUT:-90} boot mm "init:hostile hostile+7 hello" hostile hello
	[ "$(grep -c '^hostile: PASS$' "$LOG")" = 2 ] || fail "hostile did not pass with both seeds"
	expect '^hostile: kernel: [0-9]+ succeeded'
	expect_not 'hostile: FAIL'
	exited_with hostile 0
	exited_with 'hostile 7' 0
	expect '^hello, world from hello$'
	expect '^hello: the heap works; 1/3 = 0\.333333$'
	exited_with hello 0
	init_finished
}

t_memstat_shows_zones_and_processes() {
	boot mm "init:memstat" memstat
	expect '^DMA +[0-9]+ +[0-9]+$'
	expect '^DMA32 +[1-9][0-9]* +[0-9]+$'
	expect '^managed +[1-9][0-9]* +[0-9]+$'
	expect '^ +2 init +[1-9]'
	expect '^ +3 memstat +[1-9]'
	exited_with memstat 0
	init_finished
}

# Without commands init runs the shell; when it exits, init powers off
# (there is no "all programs finished" line on this path). The input
# includes a 300-character line, which the shell cuts at 255.
t_shell_runs_programs_edits_lines_and_exits() {
	local long
	long=$(printf 'x%.0s' $(seq 300))
	boot mm init sh hello \
		--input "help\nhellx\x7fo a b\nnosuch\n$long\n\n  hello   c  \nexit\n"
	expect '^pagoda> help$'
	expect '^  poweroff'
	expect "^hello: argv\[1\] = 'a'$"
	expect "^hello: argv\[2\] = 'b'$"
	expect "^hello: argv\[1\] = 'c'$"
	expect_not "^hello: argv\[2\] = ''"
	expect '^\[exit status 0\]$'
	expect "^sh: cannot run 'nosuch': ERR_NOENT$"
	expect '^sh: line too long; cut to 255 characters$'
	expect "^sh: cannot run 'x{255}': ERR_NOENT$"
	expect '^init: sh exited with status 0$'
	expect_not 'LEAK'
	expect_clean
}

t_benchmark_program_prints_its_csv() {
	TIMEOUT=${BENCH_TIMEOUT:-90} boot --extra "-icount shift=0" mm "init:bench" bench bench_echo
	expect '^bench: sys_null min [0-9]+ median [0-9]+ instructions$'
	expect '^bench: ipc_call min [0-9]+ median [0-9]+ instructions$'
	expect '^bench: fault min [0-9]+ median [0-9]+ instructions$'
	expect '^BEGIN CSV$'
	expect '^op,min,median,iterations$'
	expect '^memset_4k,[0-9]+,[0-9]+,200$'
	expect '^END CSV$'
	exited_with bench 0
	init_finished
}

t_access_below_the_stack_limit_is_killed_as_unmapped() {
	boot mm "init:stack_overflow+far hello" stack_overflow hello
	local addr
	addr=$(sed -nE 's/^stack_overflow: writing at (0x[0-9a-f]+), below the stack limit$/\1/p' "$LOG")
	[ -n "$addr" ] || fail "program did not print the address"
	expect "^kill: pid [0-9]+ \(stack_overflow\): page fault: write at address ${addr:-0x[0-9a-f]+} \(unmapped address\), ip 0x[0-9a-f]+$"
	expect_not 'stack_overflow: FAIL'
	expect '^init: stack_overflow far exited with status -?[0-9]+$'
	exited_with hello 0
	init_finished
}
