#!/usr/bin/env bash
# iommu_tests.sh - QEMU system tests of DMA isolation with the emulated
# Intel IOMMU (VT-d), on q35 with intel-iommu and edu at 00:04.0
# ($IOMMU_MACHINE, lib.sh): what the kernel finds and reports, iommu=off,
# who may make the IOMMU calls, and every argument check of those calls
# through the real kernel (tests/progs/iommu_probe.c stands in for the
# memory server). Sourced by tests/qemu/run.sh after lib.sh.

t_iommu_boot_log_reports_the_dmar_unit_at_0xfed90000_and_translation_enabled() {
	boot --extra "$IOMMU_MACHINE" mm "init:hello" hello
	expect '^iommu: DMAR at 0x[0-9a-f]+: host address width 39, flags 0x1 \(interrupt remapping\), 1 unit$'
	expect '^iommu: unit 0 at 0xfed90000: segment 0, covers .* 00:04\.0( |$)'
	expect '^iommu: unit 0: VT-d 1\.0, CAP 0x00d2008c22260206, ECAP 0x0000000000f00f4a$'
	expect '^iommu: unit 0: MGAW 39 bits; SAGAW 39-bit \(3-level\); 65536 domains; 1 fault-recording register at 0x220; page-selective invalidation yes'
	expect '^iommu: translation enabled: root table at 0x[0-9a-f]+, 3-level tables, IOVAs below 2\^39, domains 1\.\.63$'
	expect '^mm: iommu: translation on'
	expect_before '^iommu: translation enabled' '^init: Pagoda user space is up'
	expect '^hello, world from hello$'
	init_finished
}

t_iommu_off_on_the_kernel_command_line_leaves_translation_off() {
	boot --extra "$IOMMU_MACHINE" --append "iommu=off" mm "init:hello" hello
	expect '^iommu: unit 0 at 0xfed90000'
	expect '^iommu: translation off \(iommu=off\): every device reaches all of memory$'
	expect '^mm: iommu: translation left off \(iommu=off\); DMA is not isolated$'
	expect_not 'translation enabled|translation on'
	expect '^hello, world from hello$'
	expect_clean
}

t_iommu_off_makes_the_kernel_refuse_enable_with_err_perm() {
	cp "$B/user/iommu_probe.elf" "$TESTDIR/mm.elf"
	boot --extra "$IOMMU_MACHINE" --append "iommu=off" --raw "$TESTDIR/mm.elf"
	expect '^iommu_probe: iommu=off: enable: ERR_PERM$'
	expect '^iommu_probe: iommu=off: still off, no table held$'
	expect '^iommu_probe: PASS$'
	expect_not 'UNEXPECTED|translation enabled'
	expect_clean
}

t_iommu_absent_on_the_pc_machine_is_reported_and_nothing_is_enabled() {
	boot --extra "-machine pc" mm "init:hello" hello
	expect '^iommu: no DMAR table: no IOMMU; DMA is not isolated$'
	expect '^mm: iommu: none; DMA is not isolated$'
	expect_not 'translation enabled'
	expect_clean
}

t_iommu_calls_from_an_ordinary_process_get_err_perm() {
	boot --extra "$IOMMU_MACHINE" mm "init:iommu_denied" iommu_denied
	for call in INFO ENABLE 'DOMAIN create' 'DOMAIN attach' MAP UNMAP; do
		expect "^iommu_denied: SYS_MM_IOMMU_$call: ERR_PERM$"
	done
	expect '^iommu_denied: PASS$'
	expect_not 'UNEXPECTED'
	exited_with iommu_denied 0
	expect_clean
}

# The probe stands in for the memory server: a module named "mm".
# (and no process may map an IOMMU table).
t_iommu_calls_refuse_bad_frames_iovas_and_devices_and_hand_back_tables_leaf_first() {
	cp "$B/user/iommu_probe.elf" "$TESTDIR/mm.elf"
	boot --extra "$IOMMU_MACHINE" --raw "$TESTDIR/mm.elf"
	expect '^iommu_probe: enable: the IOMMU.s registers: ERR_INVAL$'
	expect '^iommu_probe: enable: the kernel image: ERR_INVAL$'
	expect '^iommu_probe: attach: a device no unit covers \(00:05\.0\): ERR_NOENT$'
	expect '^iommu_probe: map: device memory: ERR_INVAL$'
	expect '^iommu_probe: map: the root table: ERR_INVAL$'
	expect '^iommu_probe: map a mapped frame as a table: ERR_INVAL$'
	expect '^iommu_probe: unmap the other: both tables back, leaf table first$'
	expect '^iommu_probe: attach edu to domain 3: the context table stayed$'
	expect '^iommu_probe: SYS_MM_MAP of the root table into a process: ERR_INVAL$'
	expect '^iommu_probe: PASS$'
	expect_not 'UNEXPECTED'
	expect_clean
}

# A sample of the other suites' workloads on q35 with translation on: no
# device does DMA, so nothing may change (the whole suite runs this way
# with QEMU_EXTRA, lib.sh).
t_iommu_on_leaves_paging_threads_and_shared_memory_working() {
	boot --extra "$IOMMU_MACHINE" mm "init:heap_faults mmap_anon threads shm_writer" \
		heap_faults mmap_anon threads shm_writer shm_reader
	expect '^mm: iommu: translation on'
	for p in heap_faults mmap_anon threads shm_writer; do
		exited_with $p 0
	done
	expect '^threads: PASS$'
	expect '^shm_writer: PASS$'
	expect_not 'UNEXPECTED|iommu: DMA fault'
	init_finished
}
