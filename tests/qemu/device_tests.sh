#!/usr/bin/env bash
# device_tests.sh - QEMU system tests of drivers as processes (sourced by
# tests/qemu/run.sh after lib.sh and mm_tests.sh, whose init_finished and
# exited_with they use): the enumerator (servers/devmgr), device ownership
# and the driver calls, MMIO through the memory server, interrupts, the
# edu driver, and what happens to a device when its driver dies.
#
# Every test boots q35 with edu pinned at 00:04.0 (lib.sh's MACHINE).
# Without swap the pids are fixed: mm 1, devmgr 2, its driver 3, init 4.

# boot_devices DRIVER INIT-COMMANDS PROGRAM...: mm (checking every
# invariant after every message), devmgr giving 00:04.0 to DRIVER, init.
boot_devices() {
	local driver=$1 cmds=$2
	shift 2
	boot mm:check "devmgr:$driver=00:04.0" "$driver" "init:$cmds" "$@"
}

t_enumerator_lists_edu_at_00_04_0_and_hands_it_to_its_driver_before_init_starts() {
	boot_devices edu hello hello
	expect '^pci: [0-9]+ functions on bus 0$'
	expect '^devmgr: 00:00\.0 8086:29c0 class 060000 q35 host bridge$'
	expect '^devmgr: 00:04\.0 1234:11e8 class 00ff00 edu$'
	expect '^devmgr:   BAR0 mem32 0xfe[0-9a-f]{6}, 1024 KiB$'
	expect '^devmgr:   MSI capability at 0x40$'
	expect '^devmgr: bus 0: 7 functions$'
	expect '^devmgr: 00:04\.0 -> edu \(pid 3\)$'
	expect '^edu: 00:04\.0 edu v1\.0, BAR0 1024 KiB mapped at 0x[0-9a-f]+, MSI vector [0-9]+, bus mastering on$'
	expect '^devmgr: 1 of 7 functions have a driver; the others stay unowned$'
	expect_before '^devmgr: 1 of 7 functions have a driver' '^init: Pagoda user space is up \(pid 4\)$'
	expect_before '^edu: 00:04\.0 edu v1\.0' '^init: Pagoda user space is up'
	init_finished
}

t_driver_computes_factorials_through_the_device_interrupt() {
	# the first run warms the driver's pages up (init counts frames that
	# the still-running driver takes as this command's); the second is checked
	boot_devices edu "edudemo+0 edudemo" edudemo
	expect '^edudemo: driver pid 3 for 00:04\.0: id 0x010000ed \(edu v1\.0\), MSI vector [0-9]+$'
	expect '^edudemo: 0! = 1 \(the driver has handled 1 interrupts\)$'
	# the first run's DMA round trips took 6 more (two transfers each: dma_tests.sh)
	expect '^edudemo: 5! = 120 \(the driver has handled 8 interrupts\)$'
	expect '^edudemo: 10! = 3628800 \(the driver has handled 9 interrupts\)$'
	expect '^edudemo: 12! = 479001600 \(the driver has handled 10 interrupts\)$'
	expect_not 'UNEXPECTED|WRONG'
	exited_with edudemo 0
	init_finished
}

t_liveness_register_gives_back_the_complement_of_what_was_written() {
	boot_devices edu "edudemo+3" edudemo
	expect '^edudemo: liveness 0x12345678 -> 0xedcba987: alive$'
	exited_with "edudemo 3" 0
	init_finished
}

t_process_without_a_device_is_refused_config_space_mmio_and_interrupts() {
	boot_devices edu "devprobe+3" devprobe
	expect '^devprobe: config read of edu: ERR_PERM$'
	expect '^devprobe: config write of edu.s command: ERR_PERM$'
	expect '^devprobe: SYS_DEV_INFO of edu: ERR_PERM$'
	expect '^devprobe: MM_DEV_MMIO of edu.s BAR0: ERR_PERM$'
	expect '^devprobe: interrupt bind of edu: ERR_PERM$'
	expect '^devprobe: interrupt unbind of edu: ERR_PERM$'
	expect '^devprobe: CALL to the driver before MM_DEV_OPEN: ERR_PERM$'
	expect '^devprobe: PASS$'
	exited_with "devprobe 3" 0
	init_finished
}

t_enumerator_role_cannot_be_taken_by_an_ordinary_process() {
	boot_devices edu "devprobe+3" devprobe
	expect '^devprobe: SYS_DEV_ASSIGN of edu to itself: ERR_PERM$'
	expect '^devprobe: MM_DEV_READY: ERR_PERM$'
	expect '^devprobe: spawning devmgr: ERR_PERM$'
	expect '^devprobe: SYS_MM_DEVICE: ERR_PERM$'
	expect '^devprobe: SYS_MM_MAP_MMIO: ERR_PERM$'
	expect_not 'UNEXPECTED'
	exited_with "devprobe 3" 0
	init_finished
}

t_driver_requests_with_bad_values_get_errors() {
	boot_devices edu "devprobe+3" devprobe
	expect '^devprobe: an unknown request: ERR_NOSYS$'
	expect '^devprobe: a DMA request the driver does not know: ERR_NOSYS$'
	expect '^devprobe: a DMA buffer of 0 bytes: ERR_INVAL$'
	expect '^devprobe: 13!: ERR_INVAL$'
	expect '^devprobe: liveness of a 33-bit value: ERR_INVAL$'
	expect '^devprobe: MM_DEV_OPEN of ids nobody has: ERR_NOENT$'
	expect '^devprobe: MM_DEV_OPEN of a device without driver: ERR_AGAIN$'
	expect_not 'UNEXPECTED'
	init_finished
}

t_owner_gets_errors_for_bad_bdf_offset_width_bar_and_protected_registers() {
	boot_devices devtest hello hello
	expect '^devtest: read of width 3: ERR_INVAL$'
	expect '^devtest: read at offset 256: ERR_INVAL$'
	expect '^devtest: read of 2 bytes at offset 1: ERR_INVAL$'
	expect '^devtest: read of bdf 0x10000: ERR_INVAL$'
	expect '^devtest: read of an absent device: ERR_NOENT$'
	expect '^devtest: write to BAR0: ERR_PERM$'
	expect '^devtest: write to the MSI control: ERR_PERM$'
	expect '^devtest: MM_DEV_MMIO of BAR 6: ERR_INVAL$'
	expect '^devtest: MM_DEV_MMIO of the empty BAR 1: ERR_INVAL$'
	expect '^devtest: bind twice: ERR_BUSY$'
	expect '^devtest: identification register 0x010000ed$'
	expect '^devtest: PASS$'
	expect_not 'UNEXPECTED'
	init_finished
}

t_killing_the_driver_stops_its_device_and_releases_it() {
	boot_devices devtest hello hello
	expect '^devtest: dying with bus mastering and MSI on$'
	expect '^kill: pid 3 \(devtest\): page fault: write at address 0x0 \(NULL pointer dereference\)'
	expect '^device: 00:04\.0 stopped \(bus mastering and MSI read back off\), released: pid 3 \(devtest\) ended$'
	expect '^devmgr: devtest \(pid 3\) ended with status -1: 00:04\.0 bus mastering off, MSI off, unowned$'
	expect_before '^kill: pid 3 \(devtest\)' '^device: 00:04\.0 stopped'
	init_finished
}

t_enumerator_reports_bad_driver_options_and_starts_the_good_one() {
	boot mm "devmgr:bogus edu=00:09.0 edu=zz:04.0 edu=00:04.0 devtest=00:04.0 nosuch=00:02.0" \
		edu "init:hello" hello
	expect "^devmgr: option 'bogus' is not NAME=bb:dd\.f; ignored$"
	expect "^devmgr: option 'edu=zz:04\.0' is not NAME=bb:dd\.f; ignored$"
	expect '^devmgr: edu=00:09\.0: no device at 00:09\.0; edu not started$'
	expect '^devmgr: 00:04\.0 -> edu \(pid 3\)$'
	expect "^devmgr: devtest=00:04\.0: 00:04\.0 is edu's already; ignored$"
	expect '^devmgr: cannot start nosuch for 00:02\.0: ERR_NOENT$'
	expect '^devmgr: 1 of 7 functions have a driver; the others stay unowned$'
	init_finished
}

t_enumerator_cannot_give_away_a_bridge() {
	boot mm "devmgr:edu=00:1f.0" edu "init:hello" hello
	expect '^devmgr: cannot give 00:1f\.0 to edu \(pid 3\): ERR_PERM$'
	expect '^edu: 00:1f\.0 is not mine \(ERR_PERM\): drivers get their device from the device manager$'
	expect '^devmgr: edu \(pid 3\) ended with status 1$'
	expect '^devmgr: 0 of 7 functions have a driver; the others stay unowned$'
	init_finished
}

t_driver_started_by_hand_owns_nothing_and_says_so() {
	boot_devices edu "edu+00:04.0" hello
	expect '^edu: 00:04\.0 is not mine \(ERR_PERM\): drivers get their device from the device manager$'
	exited_with "edu 00:04.0" 1
	init_finished
}

t_make_run_boots_the_edu_driver_and_edudemo_verifies_at_the_shell() {
	boot --mem 640M --iso "$B/pagoda.iso" --input 'edudemo\npoweroff\n'
	expect '^devmgr: 00:04\.0 -> edu \(pid 4\)$'
	expect '^edudemo: 12! = 479001600 \(the driver has handled [0-9]+ interrupts\)$'
	expect '^edudemo: liveness 0x12345678 -> 0xedcba987: alive$'
	expect '\[exit status 0\]'
	expect_clean
}

# mmcall_probe stands in for the memory server (the module named "mm"):
# the mm-only device calls and the one-enumerator rule, end to end.
t_mm_device_calls_check_their_arguments_and_allow_one_enumerator() {
	cp "$B/user/mmcall_probe.elf" "$TESTDIR/mm.elf"
	boot --raw "$TESTDIR/mm.elf"
	expect '^mmcall_probe: device: SYS_MM_DEVICE of unowned edu: 0$'
	expect '^mmcall_probe: device: SYS_MM_DEVICE of bdf 0x10000: ERR_INVAL$'
	expect '^mmcall_probe: device: map_mmio of an unowned device: ERR_PERM$'
	expect '^mmcall_probe: device: map_mmio of BAR 6: ERR_INVAL$'
	expect '^mmcall_probe: device: a second enumerator: ERR_BUSY$'
	expect '^mmcall_probe: PASS$'
	expect_not 'UNEXPECTED'
	expect_clean
}
