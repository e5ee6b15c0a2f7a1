#!/usr/bin/env bash
# ramdisk_tests.sh - QEMU system tests of the swap device: the ramdisk
# server that mm starts with its `swap=MiB` option (servers/ramdisk/,
# servers/mm/swapdev.c), the block protocol's permissions, and mm's
# swap=/usermem=/policy= options (sourced by tests/qemu/run.sh, after
# lib.sh and mm_tests.sh, whose helpers init_finished and exited_with
# they use). Every boot that turns swap on lists the ramdisk module.

t_swap_on_boot_names_the_device_and_its_size_and_init_is_pid_3() {
	boot mm:swap=8 "init:hello" hello ramdisk
	expect '^ramdisk: serving 2048 pages to mm$'
	expect '^swapdev: ramdisk \(pid 2\): 2048 pages \(8 MiB\), window 8 pages at 0x800000000$'
	expect_before '^swapdev: ramdisk' '^init: Pagoda user space is up \(pid 3\)$'
	exited_with hello 0
	init_finished
}

t_without_swap_no_device_runs_and_init_stays_pid_2() {
	boot mm "init:hello" hello ramdisk
	expect '^init: Pagoda user space is up \(pid 2\)$'
	expect_not '^swapdev:|^ramdisk:'
	exited_with hello 0
	init_finished
}

t_swaptest_round_trips_patterned_pages_through_the_device() {
	boot mm:"swap=4 swaptest" "init:hello" hello ramdisk
	expect '^mm: debug: swaptest$'
	expect '^swapdev: 64 pages verified \(slots 0\.\.1023\), a write past the end refused$'
	expect_not 'swaptest FAILED'
	exited_with hello 0
	init_finished
}

t_a_program_cannot_send_to_the_swap_device_nor_start_one() {
	boot mm:swap=4 "init:blk_probe+2 hello" blk_probe hello ramdisk
	expect '^blk_probe: call BLK_INFO +-> ERR_PERM$'
	expect '^blk_probe: call BLK_WRITE +-> ERR_PERM$'
	expect '^blk_probe: send BLK_WRITE +-> ERR_PERM$'
	expect '^blk_probe: notify +-> ERR_PERM$'
	expect "^blk_probe: spawn 'ramdisk 16' +-> ERR_NOENT$"
	expect '^blk_probe: PASS$'
	exited_with 'blk_probe 2' 0
	exited_with hello 0
	init_finished
}

t_bad_swap_usermem_and_policy_values_fall_back_to_the_defaults() {
	boot mm:"swap=abc swap=-1 swap=0x usermem=0x usermem=99999 policy= swap=100" "init:hello" hello ramdisk
	expect "^mm: option 'swap=abc' needs a size in MiB, 0\.\.60 \(at most half of the 121 MiB mm manages\); using the default: 0 \(no swap\)$"
	expect "^mm: option 'swap=-1' needs a size in MiB"
	expect "^mm: option 'swap=0x' needs a size in MiB"
	expect "^mm: option 'swap=100' needs a size in MiB, 0\.\.60 "
	expect "^mm: option 'usermem=0x' needs a size in MiB, 0\.\.121 \(the memory mm manages; 0: no cap\); using the default: 0 \(no cap\)$"
	expect "^mm: option 'usermem=99999' needs a size in MiB"
	expect "^mm: option 'policy=' needs a policy, NAME or NAME:PARAMS, 1\.\.63 characters; using the default policy$"
	expect_not '^swapdev:'
	expect '^init: Pagoda user space is up \(pid 2\)$'
	exited_with hello 0
	init_finished
}

t_with_swap_on_every_kind_of_program_still_runs_and_frees_its_frames() {
	boot mm:swap=16 "init:hello heap_faults stack_grow mmap_anon shm_writer threads fault_null spawn_untouched hello" \
		hello heap_faults stack_grow mmap_anon shm_writer shm_reader threads fault_null spawn_untouched ramdisk
	expect '^swapdev: ramdisk \(pid 2\): 4096 pages'
	for p in hello heap_faults stack_grow mmap_anon shm_writer threads spawn_untouched; do
		exited_with "$p" 0
	done
	expect '^kill: pid [0-9]+ \(fault_null\): page fault'
	init_finished
}

t_make_run_boots_the_iso_with_a_256M_swap_device() {
	boot --mem "${MEM:-640M}" --iso "$B/pagoda.iso" --input 'poweroff\n'
	expect '^swapdev: ramdisk \(pid 2\): 65536 pages \(256 MiB\)'
	# then the device manager (3) and the edu driver (4): docs/drivers.md
	expect '^init: Pagoda user space is up \(pid 5\)$'
	expect_clean
}
