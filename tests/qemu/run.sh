#!/usr/bin/env bash
# run.sh - QEMU system tests. Each t_<name> boots Pagoda with a set of
# programs and asserts on what the serial console shows and how QEMU
# exited. usage: tests/qemu/run.sh RESULT.tap [NAME-REGEX]
set -u
cd "$(dirname "$0")/../.."
. tests/qemu/lib.sh

# The banner's "memory: N MiB usable" for `-m SIZE` must be within a few
# MiB of SIZE (firmware keeps a little) and never above it.
banner_mib_between() {
	local mib
	mib=$(sed -nE 's/^memory: ([0-9]+) MiB usable.*/\1/p' "$LOG" | head -1)
	if [ -z "$mib" ] || [ "$mib" -lt "$1" ] || [ "$mib" -gt "$2" ]; then
		fail "banner reports '${mib:-nothing}' MiB, expected $1..$2"
	fi
}

t_boot_banner_reports_128M_of_memory() {
	boot --mem 128M hello
	expect '^Pagoda [0-9.]+ \(x86_64\)'
	banner_mib_between 120 128
	expect_clean
}

t_boot_banner_reports_512M_of_memory() {
	boot --mem 512M hello
	banner_mib_between 500 512
	expect_clean
}

t_boot_banner_lists_every_module_passed() {
	boot hello init spin:X
	expect '^modules: 3 loaded'
	expect "module 0: hello \([0-9]+ bytes\)"
	expect "module 1: init \([0-9]+ bytes\)"
	expect "module 2: spin \([0-9]+ bytes\) '.*spin.elf X'"
	expect_clean
}

t_printf_output_arrives_intact() {
	boot "hello:alpha beta"
	expect '^hello, world from .*hello\.elf$'
	expect "^hello: argv\[1\] = 'alpha'$"
	expect "^hello: argv\[2\] = 'beta'$"
	expect '^hello: the heap works; 1/3 = 0\.333333$'
	expect '^exit: pid 1 \(hello\) status 0$'
	expect_clean
}

t_init_runs_first_and_prints_through_libc() {
	boot init hello
	expect '^init: Pagoda user space is up \(pid 1\)$'
	expect_clean
}

t_null_dereference_kills_only_the_offender() {
	boot fault_null hello
	expect '^kill: pid 1 \(fault_null\): page fault: read at address 0x0 \(NULL pointer dereference\), ip 0x4'
	expect_not 'fault_null: survived'
	expect '^hello, world'
	expect '^exit: pid 2 \(hello\) status 0$'
	expect_clean
}

t_write_to_own_code_kills_with_the_address() {
	boot fault_write_code hello
	local addr
	addr=$(sed -nE 's/^fault_write_code: writing to main at (0x[0-9a-f]+)$/\1/p' "$LOG")
	[ -n "$addr" ] || fail "program did not print its code address"
	expect "^kill: pid 1 \(fault_write_code\): page fault: write at address $addr \(page is read-only\)"
	expect_not 'fault_write_code: survived'
	expect '^exit: pid 2 \(hello\) status 0$'
	expect_clean
}

t_hlt_in_user_mode_kills_with_the_instruction() {
	boot fault_hlt hello
	expect "^kill: pid 1 \(fault_hlt\): privileged instruction 'hlt' at ip 0x4"
	expect_not 'fault_hlt: survived'
	expect '^exit: pid 2 \(hello\) status 0$'
	expect_clean
}

t_cli_in_user_mode_kills_with_the_instruction() {
	boot fault_cli hello
	expect "^kill: pid 1 \(fault_cli\): privileged instruction 'cli' at ip 0x4"
	expect_not 'fault_cli: survived'
	expect '^exit: pid 2 \(hello\) status 0$'
	expect_clean
}

t_jump_to_kernel_address_kills_with_the_address() {
	boot fault_kernel_jump hello
	expect '^kill: pid 1 \(fault_kernel_jump\): page fault: execute at address 0xffffffff80106000 \(kernel or non-user address\)'
	expect_not 'fault_kernel_jump: survived'
	expect '^exit: pid 2 \(hello\) status 0$'
	expect_clean
}

t_every_faulting_program_dies_and_the_system_runs_on() {
	boot fault_null fault_write_code fault_hlt fault_cli fault_kernel_jump hello
	[ "$(grep -c '^kill: pid' "$LOG")" = 5 ] || fail "expected 5 kills, got $(grep -c '^kill: pid' "$LOG")"
	expect '^exit: pid 6 \(hello\) status 0$'
	expect_clean
}

t_bad_system_calls_get_error_codes() {
	boot badsys
	expect '^badsys: PASS$'
	expect_not 'UNEXPECTED'
	expect '^exit: pid 1 \(badsys\) status 0$'
	expect_clean
}

t_two_cpu_bound_programs_both_make_progress() {
	boot spin:A spin:B
	expect '^spin A: checkpoint 5$'
	expect '^spin B: checkpoint 5$'
	expect_before '^spin A: checkpoint 1$' '^spin B: checkpoint 5$'
	expect_before '^spin B: checkpoint 1$' '^spin A: checkpoint 5$'
	expect_clean
}

t_module_that_is_not_elf_is_skipped_with_a_message() {
	boot --raw boot/grub.cfg hello
	expect "^boot: module 'grub.cfg': not an ELF file \(bad magic\); skipped$"
	expect '^hello, world'
	expect_clean
}

t_truncated_elf_module_is_skipped_with_a_message() {
	head -c 600 "$B/user/hello.elf" >"$LOGDIR/truncated.elf"
	boot --raw "$LOGDIR/truncated.elf" init
	expect "^boot: module 'truncated': segment data lies outside the file; skipped$"
	expect '^init: Pagoda user space is up'
	expect_clean
}

t_unknown_and_malformed_boot_options_fall_back_to_defaults() {
	boot --append "frobnicate quantum=0 quantum=abc quantum=5" spin:A spin:B
	expect "^boot: option 'frobnicate' is unknown; ignored"
	expect "^boot: option 'quantum=0' needs a number of ticks in 1..100"
	expect "^boot: option 'quantum=abc' needs a number of ticks in 1..100"
	expect_not "option 'quantum=5'"
	expect_not "option '.*kernel32.elf'"
	expect '^spin B: checkpoint 5$'
	expect_clean
}

t_no_modules_reports_nothing_to_run_and_powers_off() {
	boot
	expect '^modules: 0 loaded$'
	expect '^boot: no runnable program among the modules; nothing to run$'
	expect_clean
}

t_grub_iso_boots_to_user_programs() {
	boot --iso "$B/pagoda.iso"
	expect '^Pagoda [0-9.]+ \(x86_64\)'
	expect "^modules: 2 loaded$"
	expect '^init: Pagoda user space is up'
	expect "^hello: argv\[2\] = 'GRUB'$"
	expect_clean
}

run_tests "$1" "${2:-}"
