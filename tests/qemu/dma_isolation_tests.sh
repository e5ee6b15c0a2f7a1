#!/usr/bin/env bash
# dma_isolation_tests.sh - QEMU system tests of mm's IOMMU policy and the
# rogue-DMA demo (docs/iommu.md, docs/labs/dma.md), on q35 with
# intel-iommu, edu at 00:04.0 (its driver) and a second edu at 00:05.0
# given to the rogue driver. The rogue's edu gets a 32-bit DMA mask so
# that, with the IOMMU off, it can reach the victim anywhere in RAM.
# Sourced by tests/qemu/run.sh after lib.sh.
#
# Pids without swap: mm 1, devmgr 2, edu 3, rogue 4, init 5, victim 6.

ROGUE_MACHINE="-device edu,addr=05.0,dma_mask=0xffffffff"

# boot_rogue MM-WORDS INIT-CMDS [--append ...]: the demo configuration.
boot_rogue() {
	local mmwords=$1 cmds=$2
	shift 2
	boot --extra "$IOMMU_MACHINE $ROGUE_MACHINE" "$@" "mm:$mmwords" \
		"devmgr:edu=00:04.0 rogue=00:05.0" edu rogue "init:$cmds" victim memstat
}

# expect_blocked TARGET DIRECTION REASON: one fault line for the rogue's
# device, naming its driver, and the victim's page intact after it.
expect_blocked() {
	expect "^mm: iommu: DMA fault: device 00:05\.0 \(edu\), driver pid 4 \(rogue\): $2 at 0x[0-9a-f]+: $3 \(hardware reason [0-9]+\), x1$"
	expect "^victim: after $1: pattern intact \(4096 bytes checked\)$"
}

t_rogue_dma_at_every_target_is_blocked_reported_and_the_victim_is_unchanged() {
	boot_rogue "check demo faultlog" "victim+victim+mm+pagetable+kernel+victim"
	expect '^devmgr: 00:05\.0 -> rogue \(pid 4\)$'
	expect '^mm: iommu: device 00:05\.0 \(edu\) opened by pid 4 \(rogue\): domain [0-9]+, empty$'
	expect '^rogue: DMA write to the victim.s page at 0x'
	expect '^rogue: DMA write to mm.s page descriptors at 0x'
	expect '^rogue: DMA write to the victim.s root page table at 0x'
	expect '^rogue: DMA read of the kernel image at 0x0*100000'
	for t in victim mm pagetable; do
		expect_blocked "$t" write "not mapped writable"
	done
	expect_blocked kernel read "not mapped"
	expect '^init: victim victim mm pagetable kernel victim exited with status 0$'
	expect_not 'pattern CORRUPTED'
	expect_clean
}

t_iommu_off_the_same_rogue_visibly_corrupts_the_victim() {
	boot_rogue "demo" "victim" --append "iommu=off"
	expect '^mm: iommu: translation left off \(iommu=off\)'
	expect '^rogue: DMA write to the victim.s page at 0x'
	expect '^victim: after victim: pattern CORRUPTED: [0-9]+ of 4096 bytes changed$'
	expect '^init: victim exited with status 3$'
	expect_not 'DMA fault'
	expect_clean
}

t_first_dma_fault_kills_the_rogue_its_device_is_stopped_and_its_domain_torn_down() {
	boot_rogue "check demo" "victim+mm+victim"
	expect_blocked mm write "not mapped writable"
	expect '^mm: iommu: policy: killing pid 4 \(rogue\), the driver of 00:05\.0, at its device.s first DMA fault'
	expect '^device: 00:05\.0 stopped \(bus mastering and MSI read back off\), released: pid 4 \(rogue\) ended'
	expect '^mm: iommu: device 00:05\.0 \(edu\): domain torn down after pid 4 ended'
	expect_before '^device: 00:05\.0 stopped' '^mm: iommu: device 00:05\.0 \(edu\): domain torn down'
	expect "^victim: attack mm: the rogue answered ERR_"
	expect '^victim: attack victim: the rogue answered ERR_'
	expect_not 'pattern CORRUPTED'
	expect_clean
}

t_demo_addresses_are_refused_without_the_demo_option() {
	boot_rogue "check" "victim"
	expect '^victim: attack victim: the rogue answered ERR_PERM$'
	expect_not 'DMA fault|rogue: DMA'
	expect_clean
}

t_fault_storm_of_rogue_dmas_is_counted_whole_and_the_system_stays_responsive() {
	# 100 ms of guest time per edu DMA: 40 here (the 1000-fault storm is
	# the host suites': vtd_fault for the kernel, iommu_domain for mm).
	boot_rogue "demo faultlog" "victim+storm=40+victim memstat+iommu+-k hello memstat+iommu" hello
	expect '^rogue: DMA write to the victim.s page at 0x[0-9a-f]+ \(x40\)$'
	expect '^victim: attack storm=40: the rogue did 40 DMAs at 0x'
	expect '^victim: after storm=40: pattern intact \(4096 bytes checked\)$'
	expect '^iommu\.00:05\.0\.faults 41$'
	expect '^iommu_faults 41$'
	expect '^iommu_faults_lost 0$'
	expect '^iommu\.00:05\.0\.domain [1-9]'
	expect '^hello, world from hello$'
	expect '^  00:05\.0 edu    domain [0-9]+, driver pid 4 \(rogue\), 0 mappings, 0 table frames, 41 DMA faults$'
	expect '^  00:04\.0 edu    domain [0-9]+, driver pid 3 \(edu\), 1 mappings'   # its pool's grant
	expect_clean
}

t_make_run_demo_on_iso_blocks_the_rogue_at_the_shell_and_memstat_shows_the_faults() {
	boot --mem 640M --iso "$B/pagoda-demo-on.iso" --extra "$IOMMU_MACHINE $ROGUE_MACHINE" \
		--input 'victim mm kernel victim\nmemstat iommu\npoweroff\n'
	expect '^mm: iommu: translation on'
	expect '^devmgr: 00:05\.0 -> rogue \(pid [0-9]+\)$'
	expect '^mm: iommu: DMA fault: device 00:05\.0 \(edu\), driver pid [0-9]+ \(rogue\): write at 0x[0-9a-f]+: not mapped writable'
	expect '^mm: iommu: DMA fault: device 00:05\.0 \(edu\), driver pid [0-9]+ \(rogue\): read at 0x0*100000: not mapped'
	expect '^victim: after victim: pattern intact \(4096 bytes checked\)$'
	expect '^  00:05\.0 edu    domain [0-9]+, driver pid [0-9]+ \(rogue\), 0 mappings, 0 table frames, 3 DMA faults$'
	expect_not 'pattern CORRUPTED'
	expect_clean
}

t_make_run_demo_off_iso_shows_the_rogue_corrupting_the_victim_at_the_shell() {
	boot --mem 640M --iso "$B/pagoda-demo-off.iso" --extra "$IOMMU_MACHINE $ROGUE_MACHINE" \
		--input 'victim\npoweroff\n'
	expect '^iommu: translation off \(iommu=off\)'
	expect '^victim: after victim: pattern CORRUPTED: [0-9]+ of 4096 bytes changed$'
	expect_clean
}

t_legitimate_dma_through_the_iommu_round_trips_byte_exact_through_grants_in_the_domain() {
	boot_rogue "check demo" "edudemo victim+grant memstat+iommu" edudemo
	expect '^edudemo: .*verified'
	expect '^rogue: DMA round trip through its own grant at bus 0x[0-9a-f]+: byte-exact$'
	expect '^victim: attack grant: the rogue did 1 DMAs at 0x'
	expect_not 'mm: iommu: DMA fault|MISMATCH'
	expect '^  00:05\.0 edu    domain [0-9]+, driver pid 4 \(rogue\), 0 mappings, 0 table frames, 0 DMA faults$'
	# the edu driver keeps its pool's grant: mapped in its domain, below its 28-bit mask
	expect '^  00:04\.0 edu    domain [0-9]+, driver pid 3 \(edu\), 1 mappings, [0-9]+ table frames, 0 DMA faults$'
	expect '^    IOVA \[0x1000, 0x2000\) -> frames \[0x[0-9a-f]+, 0x[0-9a-f]+\) rw, grant [0-9]+$'
	expect_clean
}

# expect_grant_write_blocked WHAT: after a byte-exact round trip through
# its grant, the rogue's line "rogue: DMA write WHAT, at bus ADDR" and a
# fault line for exactly that address.
expect_grant_write_blocked() {
	expect '^rogue: DMA round trip through its own grant at bus 0x[0-9a-f]+: byte-exact$'
	local at
	at=$(sed -n "s/^rogue: DMA write $1, at bus \\(0x[0-9a-f]*\\)\$/\\1/p" "$LOG")
	[ -n "$at" ] || fail "no line 'rogue: DMA write $1, at bus ...'"
	expect "^mm: iommu: DMA fault: device 00:05\\.0 \\(edu\\), driver pid 4 \\(rogue\\): write at $at: not mapped writable \\(hardware reason 5\\), x1$"
}

t_dma_just_past_the_end_of_a_grant_is_blocked_and_reported() {
	boot_rogue "check demo faultlog" "victim+pastgrant"
	expect_grant_write_blocked "just past the end of its grant"
	expect '^victim: after pastgrant: pattern intact'
	expect_clean
}

# Fails if the IOTLB is not invalidated when a grant is freed: the
# device's cached translation of the grant's page would take the write.
t_dma_into_a_freed_grant_is_blocked_so_the_iotlb_was_invalidated() {
	boot_rogue "check demo faultlog" "victim+freedgrant"
	expect_grant_write_blocked "into its freed grant"
	expect_clean
}

t_a_driver_killed_with_a_live_grant_leaves_no_mapping_and_no_leaked_frame() {
	boot_rogue "check demo" "victim+pastgrant memstat+iommu+-k memstat+dma+-k"
	expect '^mm: iommu: policy: killing pid 4 \(rogue\)'
	expect '^mm: iommu: device 00:05\.0 \(edu\): domain torn down after pid 4 ended \(detached, 1 mappings unmapped, then freed\)$'
	expect '^iommu\.00:05\.0\.domain 0$'
	expect '^iommu\.00:05\.0\.maps 0$'
	expect '^dma_grants 1$'            # the edu driver's pool; the rogue's grant is gone
	expect_not '^grant\.[0-9]+\.owner 4$|LEAK|^dma_quarantined [1-9]'
	expect_clean
}
