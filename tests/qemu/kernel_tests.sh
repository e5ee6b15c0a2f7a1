#!/usr/bin/env bash
# kernel_tests.sh - QEMU system tests of kernel mechanism: copies of user
# memory that meet untouched pages, RECV sources that can never answer,
# reply handles, console input against a buffer that changes while the
# reader waits, and booting with too little memory (sourced by
# tests/qemu/run.sh, after lib.sh and mm_tests.sh, whose init_finished and
# exited_with it uses).

# type_when REGEX TEXT FIFO: once the running test's log has a line
# matching REGEX, type TEXT into FIFO (QEMU's console input). Gives up
# after TIMEOUT seconds. This is a handshake with the guest, not a timer.
type_when() {
	local when=$1 text=$2 fifo=$3 i
	exec 3>"$fifo"
	for ((i = 0; i < TIMEOUT * 10; i++)); do
		if tr -d '\r' <"$LOG" 2>/dev/null | grep -qE -- "$when"; then
			printf '%b' "$text" >&3
			break
		fi
		sleep 0.1
	done
	exec 3>&-
}

# boot_typing REGEX TEXT PROG[:ARGS]...: boot like `boot` (128M, -kernel),
# but type TEXT on the console only once the guest printed REGEX.
boot_typing() {
	local when=$1 text=$2 mods="" m prog args
	shift 2
	for m in "$@"; do
		prog=${m%%:*} args=""
		[ "$prog" != "$m" ] && args=" ${m#*:}"
		mods="$mods${mods:+,}$B/user/$prog.elf$args"
	done
	LOG=$LOGDIR/$TEST.log
	: >"$LOG"
	local fifo=$LOGDIR/$TEST.tty
	rm -f "$fifo" && mkfifo "$fifo"
	type_when "$when" "$text" "$fifo" &
	local typist=$!
	local cmd=(qemu-system-x86_64 -accel "$ACCEL" "${MACHINE[@]}" -m 128M -display none -serial stdio
		-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04
		-kernel "$B/kernel32.elf" -append "" -initrd "$mods")
	echo "${cmd[*]}" >"$LOG.cmd"
	timeout "$TIMEOUT" "${cmd[@]}" <"$fifo" >"$LOG" 2>&1
	STATUS=$?
	kill "$typist" 2>/dev/null
	wait "$typist" 2>/dev/null
	rm -f "$fifo"
	tr -d '\r' <"$LOG" >"$LOG.tmp" && mv "$LOG.tmp" "$LOG"
}

t_write_and_read_on_untouched_memory_fault_the_pages_in() {
	boot --input 'first\nsecond\n' mm "init:copy_untouched" copy_untouched
	tr -d '\000' <"$LOG" >"$LOG.tmp" && mv "$LOG.tmp" "$LOG"   # the zero bytes written
	expect '^copy_untouched: rodata line$'
	expect '^copy_untouched: data line$'
	expect '^copy_untouched: PASS$'
	expect_not 'UNEXPECTED|^kill: pid'
	exited_with copy_untouched 0
	init_finished
}

t_recv_from_itself_or_a_pid_that_cannot_send_fails_at_once() {
	boot mm "init:recv_refused" recv_refused hello
	expect '^recv_refused: recv from itself +-> ERR_INVAL$'
	expect '^recv_refused: recv from pid 100000 \(never existed\) +-> ERR_SRCH$'
	expect '^recv_refused: PASS$'
	expect_not 'UNEXPECTED'
	exited_with recv_refused 0
	init_finished
}

t_send_and_kernel_messages_carry_no_reply_handle_and_recv_from_kernel_takes_only_those() {
	boot mm "init:ipc_handles" ipc_handles
	expect '^ipc_handles: RECV from PID_KERNEL takes the notification, not the queued SEND$'
	expect '^ipc_handles: PASS$'
	expect_not 'UNEXPECTED'
	exited_with ipc_handles 0
	init_finished
}

t_read_whose_buffer_turns_read_only_while_waiting_fails_and_keeps_the_input() {
	boot_typing '^read_blocked: .*type now$' 'late\n' mm "init:read_blocked" read_blocked
	expect '^read_blocked: region read-only \(ERR_OK\), reader waiting; type now$'
	expect '^read_blocked: reader got -3 \(ERR_FAULT\)$'
	expect "^read_blocked: next read got 5 bytes 'late'$"
	expect '^read_blocked: PASS$'
	exited_with read_blocked 0
	init_finished
}

t_too_little_memory_for_the_modules_fails_cleanly_naming_the_need() {
	boot --mem 5M mm "init:hello" hello spin
	expect '^boot: not enough memory: building the memory server needs [0-9]+ KiB; [0-9]+ KiB are free \([0-9]+ KiB usable'
	expect_not 'PANIC|bootmem_alloc'
	expect_status 35
}

# The probe stands in for the memory server: a module named "mm".
t_mm_lookup_and_prune_check_their_arguments_and_hand_back_empty_tables_bottom_up() {
	cp "$B/user/mmcall_probe.elf" "$TESTDIR/mm.elf"
	boot --raw "$TESTDIR/mm.elf"
	expect '^mmcall_probe: lookup: frame \| MM_PTE_WRITE$'
	expect '^mmcall_probe: prune into read-only memory: ERR_FAULT$'
	expect '^mmcall_probe: bottom up: PT, PD, PDPT \(the spares in reverse\)$'
	expect '^mmcall_probe: map_run of three frames: three spares used$'
	expect '^mmcall_probe: map_run over a mapped page: ERR_BUSY$'
	expect '^mmcall_probe: PASS$'
	expect_not 'UNEXPECTED'
	expect_clean
}

t_ram_smaller_than_the_kernel_image_fails_cleanly_naming_the_need() {
	boot --mem 3M mm "init:hello" hello
	expect '^boot: not enough memory: the kernel image needs RAM up to 0x[0-9a-f]+ \([0-9]+ KiB\); usable RAM ends at'
	expect_not 'PANIC|kernel exception'
	expect_status 35
}
