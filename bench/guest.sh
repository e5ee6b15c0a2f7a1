#!/usr/bin/env bash
# guest.sh - Pagoda's basic costs next to a Linux peer in the same QEMU.
# usage: bench/guest.sh BUILD_DIR [CPU]
#
# Each system runs its benchmark program twice under QEMU TCG with the same
# -cpu model: with -icount shift=0, where an rdtsc delta is an exact guest
# instruction count (reproducible on any host), and without it, where
# rdtsc follows the host clock (host-side time; compare only as a ratio
# measured in the same run). Pagoda runs tests/progs/bench.c; the peer is
# Debian's Linux kernel running bench/linux/lbench.c (the same operations).
# Output: build/bench/{pagoda,linux}-{icount,host}.csv and a table.
set -u
B=${1:-build} CPU=${2:-max}
mkdir -p "$B/bench"

run_pagoda() {      # $1 = 1 for -icount shift=0; $2 = iommu: with QEMU's IOMMU (translation on)
	local icount=() name=host iommu=()
	[ "$1" = 1 ] && icount=(-icount shift=0) && name=icount
	[ "${2:-}" = iommu ] && iommu=(-device intel-iommu) && name=iommu
	timeout 300 qemu-system-x86_64 -accel tcg "${icount[@]}" -cpu "$CPU" -machine q35 "${iommu[@]}" \
		-device edu,addr=04.0 -m 128M -no-reboot \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -display none -serial stdio -monitor none \
		-kernel "$B/kernel32.elf" -append quiet \
		-initrd "$B/user/mm.elf swap=16,$B/user/ramdisk.elf,$B/user/devmgr.elf edu=00:04.0,$B/user/edu.elf,$B/user/init.elf bench,$B/user/bench.elf,$B/user/bench_echo.elf" \
		</dev/null | tr -d '\r' >"$B/bench/pagoda-$name.log"
	sed -n '/^BEGIN CSV/,/^END CSV/p' "$B/bench/pagoda-$name.log" | sed '1d;$d' >"$B/bench/pagoda-$name.csv"
	grep -q '^sys_null,' "$B/bench/pagoda-$name.csv"
}

median_of() {       # $1 = csv, $2 = op
	awk -F, -v op="$2" '$1 == op { print $3 }' "$1" 2>/dev/null
}

ratio() {
	if [ -n "$1" ] && [ -n "$2" ] && [ "$2" != 0 ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	else
		echo "-"
	fi
}

# Swapping one page, in guest instructions (-icount), medians. Pagoda
# (booted with swap=16: the ramdisk server): swap_out = swapout_fault -
# fault (a fresh page's fault that first evicts a one-frame budget's dirty
# page), major = swap_cycle - swap_out (a fault that evicts one page and
# reads one back). Linux: madvise(MADV_PAGEOUT) of one page to swap on brd,
# and the read that brings it back (page-cluster 0). The 4 KiB copy of
# each direction is reported apart: Pagoda's is the ramdisk's newlib
# memcpy (memcpy_4k); Linux's brd copy runs in the kernel (memcpy with
# rep movsb on -cpu max: 4096 counted iterations, not measurable from user
# space, so Linux's figures are given with and without it).
swap_table() {
	local I=$B/bench/pagoda-icount.csv L=$B/bench/linux-icount.csv
	local f so sc cp lso lmf
	f=$(median_of "$I" fault); so=$(median_of "$I" swapout_fault); sc=$(median_of "$I" swap_cycle)
	cp=$(median_of "$I" memcpy_4k)
	[ $peer = 1 ] && lso=$(median_of "$L" swapout) && lmf=$(median_of "$L" major_fault)
	if [ -z "$so" ] || [ -z "$sc" ] || [ -z "$f" ]; then
		echo "swap: Pagoda's swap figures are missing (see $B/bench/pagoda-icount.log)"
		return
	fi
	local out=$((so - f)) major=$((sc - (so - f)))
	local outx=$((out - cp)) majorx=$((major - cp))
	printf '\nSwapping one page, -cpu %s, guest instructions (medians):\n' "$CPU"
	printf '%-28s %10s %10s %8s\n' op pagoda linux ratio
	printf '%-28s %10s %10s %8s\n' "swap-out (with copy)" "$out" "${lso:--}" "$(ratio "$out" "$lso")"
	printf '%-28s %10s %10s %8s\n' "major fault (with copy)" "$major" "${lmf:--}" "$(ratio "$major" "$lmf")"
	printf '%-28s %10s %10s\n' "4 KiB copy, each" "$cp" "4096*"
	local lsox="" lmfx=""
	[ -n "$lso" ] && lsox=$((lso - 4096)); [ -n "$lmf" ] && lmfx=$((lmf - 4096))
	printf '%-28s %10s %10s %8s\n' "swap-out, copy excluded" "$outx" "${lsox:--}" "$(ratio "$outx" "$lsox")"
	printf '%-28s %10s %10s %8s\n' "major fault, copy excluded" "$majorx" "${lmfx:--}" "$(ratio "$majorx" "$lmfx")"
	local minor=$((f - $(median_of "$I" memset_4k)))
	printf 'swap-out + swap-in, copies excluded: %d = %.2f x the minor fault without zeroing (%d); target <= 3x\n' \
		$((outx + majorx)) "$(awk -v a=$((outx + majorx)) -v b=$minor 'BEGIN { print a / b }')" "$minor"
	printf '(* Linux: rep movsb of 4 KiB assumed, one per direction; its swap-out includes the madvise call)\n'
}

# An IOMMU map + unmap of one page, invalidation included, in guest
# instructions: tests/progs/iommu_probe.c booted as "mm" with `bench` on
# q35 with intel-iommu (SYS_MM_IOMMU_MAP then SYS_MM_IOMMU_UNMAP, whose
# page-selective IOTLB invalidation completes before it returns). Two
# cases: a page in a leaf table that stays (the common case), and one
# whose two tables are made and freed each time (each zeroed: 8 KiB).
iommu_table() {
	cp "$B/user/iommu_probe.elf" "$B/bench/mm.elf"
	timeout 120 qemu-system-x86_64 -accel tcg -icount shift=0 -cpu "$CPU" -m 128M -no-reboot \
		-machine q35 -device intel-iommu -device edu,addr=04.0 \
		-device isa-debug-exit,iobase=0xf4,iosize=0x04 -display none -serial stdio -monitor none \
		-kernel "$B/kernel32.elf" -append quiet -initrd "$B/bench/mm.elf bench" \
		</dev/null 2>&1 | tr -d '\r' >"$B/bench/iommu-icount.log"
	local a b
	a=$(sed -nE 's/^bench: iommu_map_unmap min [0-9]+ median ([0-9]+) .*/\1/p' "$B/bench/iommu-icount.log")
	b=$(sed -nE 's/^bench: iommu_map_unmap_tables min [0-9]+ median ([0-9]+) .*/\1/p' "$B/bench/iommu-icount.log")
	if [ -z "$a" ] || [ -z "$b" ]; then
		echo "iommu: the IOMMU figures are missing (see $B/bench/iommu-icount.log)"
		return
	fi
	printf '\nIOMMU (VT-d, q35), -cpu %s, guest instructions (medians of 200):\n' "$CPU"
	printf '%-52s %10s\n' "map + unmap of one page, invalidation included" "$a"
	printf '%-52s %10s\n' "... when its two tables are made and freed too" "$b"
}

# DMA memory, in guest instructions (-icount), medians, measured inside
# the edu driver (EDU_DMA_BENCH): a one-page grant allocated and freed
# (its frame zeroed: memset_4k of it); a page mapped for streaming and
# unmapped, within reach; the same bouncing (a 24-bit device), whose bounce
# page is zeroed and then gets the page's 4096 bytes (memcpy_4k).
dma_table() {
	local I=$B/bench/pagoda-icount.csv g m b z c
	g=$(median_of "$I" dma_grant); m=$(median_of "$I" dma_map); b=$(median_of "$I" dma_map_bounce)
	z=$(median_of "$I" memset_4k); c=$(median_of "$I" memcpy_4k)
	if [ -z "$g" ] || [ -z "$m" ] || [ -z "$b" ]; then
		echo "dma: the DMA figures are missing (see $B/bench/pagoda-icount.log)"
		return
	fi
	printf '\nDMA memory for a driver, -cpu %s, guest instructions (medians, inside the edu driver):\n' "$CPU"
	printf '%-52s %10s\n' "grant of one page: allocate + map + free" "$g"
	printf '%-52s %10s\n' "... without zeroing its frame" $((g - z))
	printf '%-52s %10s\n' "streaming map + unmap of one page, no bounce" "$m"
	printf '%-52s %10s\n' "streaming map + unmap of one page, bounced" "$b"
	printf '%-52s %10s\n' "... of which the copy into the bounce page" "$c"
	printf '%-52s %10s\n' "... bounced, copy and zeroing excluded" $((b - c - z))
}

# What a DMA grant and a streaming mapping pay for the IOMMU: the same
# three operations inside the edu driver with translation on (the frames
# mapped in the device's domain at an IOVA, unmapped with an IOTLB
# invalidation) and off (bus = physical: nothing to map). With it on, the
# 24-bit mapping needs no bounce page: any frame gets an IOVA below 2^24.
iommu_dma_table() {
	local I=$B/bench/pagoda-icount.csv O=$B/bench/pagoda-iommu.csv op a b
	if [ -z "$(median_of "$O" dma_grant)" ] || [ -z "$(median_of "$I" dma_grant)" ]; then
		echo "iommu: the DMA-with-IOMMU figures are missing (see $B/bench/pagoda-iommu.log)"
		return
	fi
	printf '
DMA with the IOMMU on vs off, -cpu %s, guest instructions (medians, inside the edu driver):
' "$CPU"
	printf '%-40s %10s %10s %10s
' operation off on extra
	for op in dma_grant dma_map dma_map_bounce; do
		a=$(median_of "$I" $op); b=$(median_of "$O" $op)
		printf '%-40s %10s %10s %10s
' "$op" "$a" "$b" $((b - a))
	done
	printf '(dma_map_bounce: a 24-bit device; with the IOMMU on nothing bounces: it costs what dma_map does)\n'
}

run_pagoda 1 || { echo "bench: Pagoda run under -icount failed (see $B/bench/pagoda-icount.log)"; exit 1; }
run_pagoda 1 iommu || echo "bench: Pagoda run with the IOMMU failed (see $B/bench/pagoda-iommu.log)"
run_pagoda 0 || { echo "bench: Pagoda run failed (see $B/bench/pagoda-host.log)"; exit 1; }
peer=1
bench/linux/run.sh "$B" "$CPU" 1 && bench/linux/run.sh "$B" "$CPU" 0 || {
	peer=0
	echo "bench: the Linux peer could not be measured (needs linux-image-amd64 from the Debian archive); Pagoda only"
}

printf '\nGuest costs, -cpu %s, medians. instr = guest instructions (-icount shift=0); host = rdtsc\n' "$CPU"
printf 'ticks following the host clock (this machine, this run). Linux: ipc_call is a pipe\n'
printf 'round trip, sys_null is getppid. fault includes zeroing the page; memset_4k is the zeroing alone.\n'
printf 'irq_notify: edu MSI raised by its user-space driver to the notification in its hands (no peer).\n\n'
printf '%-11s %12s %12s %8s %12s %12s %8s\n' op pagoda-instr linux-instr ratio pagoda-host linux-host ratio
for op in sys_null ipc_call fault memset_4k spawn_wait memcpy_4k irq_notify; do
	pi=$(median_of "$B/bench/pagoda-icount.csv" $op); ph=$(median_of "$B/bench/pagoda-host.csv" $op)
	li=""; lh=""
	[ $peer = 1 ] && li=$(median_of "$B/bench/linux-icount.csv" $op) && lh=$(median_of "$B/bench/linux-host.csv" $op)
	printf '%-11s %12s %12s %8s %12s %12s %8s\n' $op "${pi:--}" "${li:--}" "$(ratio "$pi" "$li")" \
		"${ph:--}" "${lh:--}" "$(ratio "$ph" "$lh")"
done
printf '\nratio = Pagoda / Linux (below 1: Pagoda is cheaper). CSVs in %s/bench/.\n' "$B"
swap_table
iommu_table
dma_table
iommu_dma_table
