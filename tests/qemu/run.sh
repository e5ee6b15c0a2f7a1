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


# Every boot: the kernel starts mm (pid 1), mm starts init (pid 2) with the
# commands on its module line, init runs them one by one (words joined by
# '+', '&' = background), checks free frames before and after each, and
# powers off. The programs are further modules, spawned by name.

t_boot_banner_reports_128M_of_memory() {
	boot --mem 128M mm "init:hello" hello
	expect '^Pagoda [0-9.]+ \(x86_64\)'
	banner_mib_between 120 128
	expect '^mm: managing 1[12][0-9] MiB'
	expect_clean
}

t_boot_banner_reports_512M_of_memory() {
	boot --mem 512M mm "init:hello" hello
	banner_mib_between 500 512
	expect '^mm: managing (49[0-9]|50[0-9]|51[0-2]) MiB'
	expect_clean
}

t_boot_banner_lists_every_module_passed() {
	boot mm "init:hello" hello spin:X
	expect '^modules: 4 loaded'
	expect "module 0: mm \([0-9]+ bytes\)"
	expect "module 1: init \([0-9]+ bytes\) '.*init.elf hello'"
	expect "module 2: hello \([0-9]+ bytes\)"
	expect "module 3: spin \([0-9]+ bytes\) '.*spin.elf X'"
	expect_clean
}

t_printf_output_arrives_intact() {
	boot mm "init:hello+alpha+beta" hello
	expect '^hello, world from hello$'
	expect "^hello: argv\[1\] = 'alpha'$"
	expect "^hello: argv\[2\] = 'beta'$"
	expect '^hello: the heap works; 1/3 = 0\.333333$'
	expect '^exit: pid 3 \(hello\) status 0$'
	expect '^init: hello alpha beta exited with status 0$'
	expect_clean
}

t_init_runs_first_and_prints_through_libc() {
	boot mm "init:hello" hello
	expect '^init: Pagoda user space is up \(pid 2\)$'
	expect_before '^init: Pagoda user space is up' '^hello, world'
	expect '^init: all programs finished$'
	expect_clean
}

t_missing_memory_server_is_reported() {
	boot init hello
	expect "^boot: no 'mm' module: the memory server is missing, nothing can run$"
	expect_status 35
}

t_hlt_in_user_mode_kills_with_the_instruction() {
	boot mm "init:fault_hlt hello" fault_hlt hello
	expect "^kill: pid 3 \(fault_hlt\): privileged instruction 'hlt' at ip 0x4"
	expect_not 'fault_hlt: survived'
	expect '^exit: pid 4 \(hello\) status 0$'
	expect_not 'LEAK'
	expect_clean
}

t_cli_in_user_mode_kills_with_the_instruction() {
	boot mm "init:fault_cli hello" fault_cli hello
	expect "^kill: pid 3 \(fault_cli\): privileged instruction 'cli' at ip 0x4"
	expect_not 'fault_cli: survived'
	expect '^exit: pid 4 \(hello\) status 0$'
	expect_clean
}

t_every_faulting_program_dies_and_the_system_runs_on() {
	boot mm "init:fault_null fault_write_code fault_hlt fault_cli fault_kernel_jump hello" \
		fault_null fault_write_code fault_hlt fault_cli fault_kernel_jump hello
	[ "$(grep -c '^kill: pid' "$LOG")" = 5 ] || fail "expected 5 kills, got $(grep -c '^kill: pid' "$LOG")"
	expect '^exit: pid 8 \(hello\) status 0$'
	expect_not 'LEAK'
	expect_clean
}

t_bad_system_calls_get_error_codes() {
	boot mm "init:badsys" badsys
	expect '^badsys: PASS$'
	expect_not 'UNEXPECTED'
	expect '^exit: pid 3 \(badsys\) status 0$'
	expect_clean
}

t_two_cpu_bound_programs_both_make_progress() {
	boot mm "init:&spin+A spin+B" spin
	expect '^spin A: checkpoint 5$'
	expect '^spin B: checkpoint 5$'
	expect_before '^spin A: checkpoint 1$' '^spin B: checkpoint 5$'
	expect_before '^spin B: checkpoint 1$' '^spin A: checkpoint 5$'
	expect_clean
}

t_module_that_is_not_elf_is_reported_when_run() {
	boot mm "init:grub.cfg hello" --raw boot/grub.cfg hello
	expect "^mm: cannot run 'grub.cfg': not an ELF file \(bad magic\)$"
	expect "^init: cannot run 'grub.cfg': ERR_INVAL$"
	expect '^hello, world'
	expect_clean
}

t_truncated_elf_module_is_reported_when_run() {
	head -c 600 "$B/user/hello.elf" >"$TESTDIR/truncated.elf"
	boot mm "init:truncated hello" --raw "$TESTDIR/truncated.elf" hello
	expect "^mm: cannot run 'truncated': segment data lies outside the file$"
	expect '^hello, world'
	expect_clean
}

t_spawn_string_on_an_untouched_page_is_faulted_in_by_mm() {
	boot mm "init:spawn_untouched" spawn_untouched hello
	expect "^hello: argv\[1\] = 'untouched'$"
	expect '^spawn_untouched: child exited with status 0$'
	expect '^init: spawn_untouched exited with status 0$'
	expect_not 'LEAK'
	expect_clean
}

t_unknown_program_name_gets_an_error() {
	boot mm "init:nosuchprogram hello" hello
	expect "^init: cannot run 'nosuchprogram': ERR_NOENT$"
	expect '^hello, world'
	expect_clean
}

t_unknown_and_malformed_boot_options_fall_back_to_defaults() {
	boot --append "frobnicate quantum=0 quantum=abc quantum=5" mm "init:&spin+A spin+B" spin
	expect "^boot: option 'frobnicate' is unknown; ignored"
	expect "^boot: option 'quantum=0' needs a number of ticks in 1..100"
	expect "^boot: option 'quantum=abc' needs a number of ticks in 1..100"
	expect_not "option 'quantum=5'"
	expect_not "option '.*kernel32.elf'"
	expect '^spin B: checkpoint 5$'
	expect_clean
}

t_missing_init_is_reported_by_the_memory_server() {
	boot mm hello
	expect '^mm: managing [0-9]+ MiB'
	expect '^mm: cannot start init: ERR_NOENT$'
	expect_not 'PANIC'
	expect_status 35
}

t_no_modules_reports_the_missing_memory_server() {
	boot
	expect '^modules: 0 loaded$'
	expect "^boot: no 'mm' module"
	expect_status 35
}

t_grub_iso_boots_to_the_shell_which_runs_programs() {
	boot --mem 640M --iso "$B/pagoda.iso" --input 'hello from GRUB\nmemstat\nnosuch\npoweroff\n'
	expect '^Pagoda [0-9.]+ \(x86_64\)'
	expect '^init: Pagoda user space is up'
	expect "hello: argv\[2\] = 'GRUB'$"
	expect 'pagoda> '
	expect '\[exit status 0\]'
	expect_clean
}

. tests/qemu/mm_tests.sh
. tests/qemu/mmcore_tests.sh
. tests/qemu/user_tests.sh
. tests/qemu/mmcheck_tests.sh
. tests/qemu/kernel_tests.sh
. tests/qemu/ramdisk_tests.sh
. tests/qemu/swap_tests.sh
. tests/qemu/policy_tests.sh
. tests/qemu/policy_classic_tests.sh
. tests/qemu/replay_tests.sh
. tests/qemu/iommu_tests.sh
. tests/qemu/policy_adaptive_tests.sh
. tests/qemu/device_tests.sh
. tests/qemu/dma_tests.sh
. tests/qemu/dma_isolation_tests.sh
. tests/qemu/memstat_tests.sh
. tests/qemu/gdb_tests.sh
. tests/qemu/lab_buddy_tests.sh
. tests/qemu/lab_slab_tests.sh
. tests/qemu/lab_fault_tests.sh
. tests/qemu/lab_policy_tests.sh

run_tests "$1" "${2:-}"
