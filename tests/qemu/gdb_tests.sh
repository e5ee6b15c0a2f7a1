#!/usr/bin/env bash
# gdb_tests.sh - QEMU system tests of the `pagoda` gdb commands
# (tools/gdb/pagoda.py, docs/debugging.md). Sourced by tests/qemu/run.sh.
#
# A test boots a workload paused, with QEMU's gdb stub on a unix socket in
# $LOGDIR named after the test (no TCP port, so nothing clashes with a test
# running beside it), drives `gdb -batch -nx` with the script, and asserts
# on what the commands printed, cross-checked against what gdb reads by
# itself (the kernel's fault record, mm's variables while mm is current).

# gdb_session SCRIPT PROG...: boot PROG... (as boot does; QEMU arguments
# in $GDB_QEMU_EXTRA) stopped at the first instruction, run SCRIPT in gdb
# with the kernel's and mm's symbols and pagoda.py loaded, then end QEMU.
# gdb's output is in $GDBLOG, and LOG points at it for the expect helpers.
gdb_session() {
	local script=$1
	shift
	local sock=$LOGDIR/$TEST.gdb.sock pidfile=$LOGDIR/$TEST.qemu.pid
	GDBLOG=$LOGDIR/$TEST.gdb
	rm -f "$sock" "$pidfile" "$GDBLOG"
	boot --extra "${GDB_QEMU_EXTRA:-} -gdb unix:$sock,server=on,wait=off -S -pidfile $pidfile" "$@" &
	local booting=$! tries=0
	# QEMU makes the socket as it starts; the guest waits for gdb (-S).
	while [ ! -S "$sock" ] && [ $tries -lt 300 ] && kill -0 $booting 2>/dev/null; do
		sleep 0.1
		tries=$((tries + 1))
	done
	timeout "$TIMEOUT" gdb -batch -nx "$B/kernel.elf" \
		-ex 'set confirm off' -ex "add-symbol-file $B/user/mm.elf" \
		-x tools/gdb/pagoda.py -ex "target remote $sock" \
		-x "$script" -ex kill >"$GDBLOG" 2>&1
	# gdb's kill ends QEMU; if gdb died first, end the QEMU we started.
	[ -s "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null
	wait $booting 2>/dev/null
	# shellcheck disable=SC2034 # lib.sh's expect helpers read LOG
	LOG=$GDBLOG
}

# section NAME: the lines of $GDBLOG between "=== NAME" and the next "===".
section() {
	awk -v want="=== $1" '/^=== /{on = ($0 == want); next} on' "$GDBLOG"
}

# region_holds SECTION PID ADDR: a line of `pagoda regions PID` in SECTION
# is [start, end) with start <= ADDR < end.
region_holds() {
	local start end rest
	while read -r start end rest; do
		[[ $start =~ ^0x[0-9a-f]+$ && $end =~ ^0x[0-9a-f]+$ ]] || continue
		if (( $3 >= start && $3 < end )); then
			return 0
		fi
	done < <(section "$1" | sed -n "/^regions of pid $2 /,/^walk of/p")
	return 1
}

# walk_present SECTION PID: `pagoda walk PID IP` in SECTION found the page
# present at every level, and mm's descriptor of the frame says it is a
# user page of PID.
walk_present() {
	local walk
	walk=$(section "$1" | sed -n '/^walk of /,/^zone /p')
	for level in PML4 PDPT PD PT; do
		grep -qE "^  $level +0x[0-9a-f]+\[ *[0-9]+\] = 0x[0-9a-f]+  P( |$)" <<<"$walk" ||
			fail "$1: the walk's $level entry is not present"
	done
	grep -qE '^  -> pa 0x[0-9a-f]+ \(frame [0-9]+\)$' <<<"$walk" || fail "$1: the walk found no frame"
	grep -qE "^  mm's page [0-9]+: allocated, use user, owner $2, " <<<"$walk" ||
		fail "$1: mm's descriptor of the frame is not a user page of pid $2"
}

# buddy_totals_match SECTION: for every zone, the pages on its free lists
# (walked) equal its free_pages, compared here, not by the script.
buddy_totals_match() {
	local lists free zones=0
	while read -r lists free; do
		zones=$((zones + 1))
		[ "$lists" = "$free" ] || fail "$1: free lists hold $lists pages, zone free_pages $free"
	done < <(section "$1" | sed -nE 's/^  free lists hold ([0-9]+) pages.* free_pages ([0-9]+).*/\1 \2/p')
	[ "$zones" = 3 ] || fail "$1: pagoda buddy showed $zones zones, expected 3"
}

# have_gdb: gdb is installed with Python (else the test is skipped).
have_gdb() {
	if command -v gdb >/dev/null && gdb -batch -nx -ex 'python print(1)' >/dev/null 2>&1; then
		return 0
	fi
	skip "gdb with Python is not installed"
	return 1
}

# The workload: hello, whose first data access faults. Stop 1 is in the
# kernel's fault path (fault_user) while hello is current - its address
# space owns 0x400000 and up, so mm's variables are out of gdb's plain
# reach; stop 2 is mm's handler of that same fault, mm current. The
# commands must give the same picture from both, and agree with what gdb
# reads itself at each. (At stop 1 regions and walk name no process:
# the current one, hello, is the default.)
t_gdb_commands_show_a_faulting_process_from_kernel_and_mm() {
	have_gdb || return
	local script=$LOGDIR/$TEST.gdbscript
	cat >"$script" <<'EOF'
pagoda break hello fault_user if f->kind == FAULT_PAGE && f->access != FAULT_EXEC
continue
delete
set $fpid = $pagoda_pid()
set $faddr = f->addr
eval "echo FAULT pid=%d addr=%#lx ip=%#lx\n", $fpid, f->addr, f->ip
echo === kernel\n
pagoda ps
pagoda regions
pagoda walk f->ip
pagoda buddy
pagoda slab
echo === between\n
pagoda break mm mm_handle_fault if from->pid == $fpid && req->w[0] == $faddr
continue
echo === mm\n
eval "echo MMSAW pid=%d addr=%#lx\n", from->pid, req->w[0]
pagoda ps
pagoda threads
pagoda regions from->pid
pagoda walk from->pid req->w[2]
pagoda buddy
pagoda slab
echo === direct\n
eval "echo ZONEFREE %d %d %d\n", mm_zones[0].free_pages, mm_zones[1].free_pages, mm_zones[2].free_pages
eval "echo SIZEOF mm_proc %d mm_region %d\n", sizeof(struct mm_proc), sizeof(struct mm_region)
EOF
	gdb_session "$script" mm "init:hello" hello
	local pid addr
	read -r pid addr < <(sed -nE 's/^FAULT pid=([0-9]+) addr=(0x[0-9a-f]+) .*/\1 \2/p' "$GDBLOG")
	if [ -z "$pid" ]; then
		fail "gdb never stopped in fault_user for hello: $(grep -m1 -iE 'error|pagoda:' "$GDBLOG")"
		return
	fi
	expect "^MMSAW pid=$pid addr=$addr$"
	expect_not 'Traceback|Python Exception|^pagoda: '
	section kernel | grep -qE "^\* +$pid alive +hello " ||
		fail "kernel: pagoda ps does not list pid $pid, hello, as the current process"
	section mm | grep -qE "^  +$pid alive +hello " ||
		fail "mm: pagoda ps does not list pid $pid, hello (not current)"
	section mm | grep -qE '^\* +1 alive +mm \[mm\]' ||
		fail "mm: pagoda ps does not show mm (pid 1) as the current process"
	section mm | grep -qE "^  +[0-9]+ blocked +$pid hello +calling +1 +0x[0-9a-f]+ +(read|write) at $addr$" ||
		fail "mm: pagoda threads does not show hello's thread calling mm with its fault at $addr"
	for at in kernel mm; do
		region_holds $at "$pid" "$addr" || fail "$at: no region of pid $pid holds $addr"
		walk_present $at "$pid"
		buddy_totals_match $at
	done
	# Between the two stops only the kernel (passing the fault on) and mm's
	# dispatch to its handler ran: mm's books must read the same from both.
	[ "$(section kernel | sed -n '/^zone /,$p')" = "$(section mm | sed -n '/^zone /,$p')" ] ||
		fail "pagoda buddy/slab differ between the kernel's stop and mm's"
	# While mm is current gdb reads mm_zones itself: the same free counts.
	local direct shown
	direct=$(sed -nE 's/^ZONEFREE (.*)/\1/p' "$GDBLOG")
	shown=$(section mm | sed -nE 's/^zone .* free_pages ([0-9]+)$/\1/p' | tr '\n' ' ')
	if [ -z "$direct" ] || [ "$direct " != "$shown" ]; then
		fail "pagoda buddy's zone free_pages '$shown' differ from gdb's mm_zones[].free_pages '$direct'"
	fi
	local proc_size region_size
	read -r _ _ proc_size _ region_size < <(grep '^SIZEOF' "$GDBLOG")
	section kernel | grep -qE "^mm_proc +$proc_size +[0-9]+ +([2-9]|[1-9][0-9]+)/" ||
		fail "pagoda slab lists no mm_proc cache of $proc_size-byte objects with 2 or more in use"
	section kernel | grep -qE "^mm_region +$region_size " ||
		fail "pagoda slab lists no mm_region cache of $region_size-byte objects"
}

# swap_pattern with 2 MiB of user memory pushes its pages out to the
# ramdisk and touches them again: stop where mm reads a slot back
# (swapdev_read, called by swap_load). `pagoda swap` must list the page
# being read at that very slot, the walk must find it not present and on
# that slot, and the count of pages on swap only must be mm_proc.swapped.
t_gdb_swap_listing_names_the_slot_mm_reads_back() {
	have_gdb || return
	local script=$LOGDIR/$TEST.gdbscript
	cat >"$script" <<'EOF'
pagoda break mm swapdev_read
continue
eval "echo READ slot=%d\n", slot
frame 1
eval "echo PAGE pid=%d va=%#018lx\n", p->pid, va
echo === swap\n
pagoda swap p->pid
echo === walk\n
pagoda walk p->pid va
EOF
	gdb_session "$script" mm:"swap=8 usermem=2" "init:swap_pattern+1024+7" swap_pattern ramdisk
	local slot pid va
	slot=$(sed -nE 's/^READ slot=([0-9]+)$/\1/p' "$GDBLOG")
	read -r pid va < <(sed -nE 's/^PAGE pid=([0-9]+) va=(0x[0-9a-f]+)$/\1 \2/p' "$GDBLOG")
	if [ -z "$slot" ] || [ -z "$va" ]; then
		fail "gdb did not stop in swapdev_read under swap_load: $(grep -m1 -iE 'error|pagoda:' "$GDBLOG")"
		return
	fi
	expect_not 'Traceback|Python Exception|^pagoda: '
	section swap | grep -qE "^  $va slot +$slot refs 1  on swap only \(" ||
		fail "pagoda swap does not list $va at slot $slot, on swap only"
	section walk | grep -qE "^  PT .*  not present$" || fail "the walk of $va found it present"
	section walk | grep -qE "^  mm: on swap, slot $slot " || fail "the walk of $va does not name slot $slot"
	local listed only counted swapped
	listed=$(section swap | grep -cE '^  0x[0-9a-f]+ slot ')
	only=$(section swap | grep -cE '^  0x[0-9a-f]+ slot .* on swap only ')
	read -r counted swapped < <(section swap |
		sed -nE 's/^([0-9]+) pages with a slot, [0-9]+ on swap only; mm_proc.swapped ([0-9]+).*/\1 \2/p')
	[ "$listed" = "$counted" ] || fail "pagoda swap listed $listed pages but counted ${counted:-none}"
	if [ "$only" != "$swapped" ] || [ "$only" = 0 ]; then
		fail "$only pages listed on swap only, mm_proc.swapped ${swapped:-none}"
	fi
}

# With the IOMMU on, edudma's grant round trip makes edu's driver allocate
# DMA grants; stop where mm frees one (mm_handle_dma_free). `pagoda dma`
# must list that grant (id and owner as gdb reads them from the request),
# edu's domain must map the grant's frames at its bus address (an IOVA,
# with translation on), and the owner's regions must hold a dma region.
t_gdb_dma_listing_shows_each_grant_in_its_device_domain() {
	have_gdb || return
	local script=$LOGDIR/$TEST.gdbscript
	cat >"$script" <<'EOF'
pagoda break mm mm_handle_dma_free
continue
eval "echo FREE grant=%d by=%d\n", req->w[0], from->pid
echo === dma\n
pagoda dma
echo === regions\n
pagoda regions from->pid
EOF
	GDB_QEMU_EXTRA=$IOMMU_MACHINE gdb_session "$script" mm "devmgr:edu=00:04.0" edu \
		"init:edudma+roundtrip+1000" edudma
	local id by
	read -r id by < <(sed -nE 's/^FREE grant=([0-9]+) by=([0-9]+)$/\1 \2/p' "$GDBLOG")
	if [ -z "$id" ]; then
		fail "gdb did not stop in mm_handle_dma_free: $(grep -m1 -iE 'error|pagoda:' "$GDBLOG")"
		return
	fi
	expect_not 'Traceback|Python Exception|^pagoda: '
	local first end bus
	read -r first end bus < <(section dma |
		sed -nE "s/^  grant $id owner $by bdf 00:04\.0 frames \[([0-9]+), ([0-9]+)\) bus (0x[0-9a-f]+).*/\1 \2 \3/p")
	if [ -z "$bus" ]; then
		fail "pagoda dma does not list grant $id of pid $by on 00:04.0"
		return
	fi
	section dma | grep -qE "^IOMMU: on, " || fail "pagoda dma does not see the IOMMU on"
	section dma | grep -qE "^  device 00:04\.0 edu +domain [1-9][0-9]* driver $by \(edu\) " ||
		fail "pagoda dma shows no domain of 00:04.0 for driver $by"
	local iova_end
	iova_end=$(printf '%#x' $((bus + (end - first) * 4096)))
	section dma | grep -qF "    iova [$bus, $iova_end) -> frames [$first, $end) rw grant $id" ||
		fail "edu's domain does not map grant $id's frames [$first, $end) at its bus address $bus"
	section regions | grep -qE '^  0x[0-9a-f]+ 0x[0-9a-f]+ +[0-9]+K rw-  dma ' ||
		fail "pagoda regions shows no dma region in pid $by"
}
