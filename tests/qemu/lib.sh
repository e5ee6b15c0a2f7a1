#!/usr/bin/env bash
# lib.sh - the QEMU system-test harness (sourced by tests/qemu/run.sh).
#
# A test is a bash function t_<name>. It boots an image with `boot` and then
# asserts on the serial log and QEMU's exit status with the helpers below.
# The kernel reports the verdict of the run through isa-debug-exit:
# status 33 = clean power-off, 35 = failure, 37 = kernel panic; 124 is our
# timeout. Each test prints one TAP line: "ok - name" or "not ok - name: why".

B=${B:-build}
LOGDIR=$B/tests
# The machine every test boots: q35 with QEMU's edu device pinned at
# 00:04.0 (unpinned, its bdf - the IOMMU's source id - would depend on the
# other devices; see docs/drivers.md). make run uses the same (mk/qemu.mk).
MACHINE=(-machine q35 -device edu,addr=04.0)
TIMEOUT=${TIMEOUT:-30}
ACCEL=${ACCEL:-tcg}
# On top of MACHINE, QEMU's Intel IOMMU (edu's PCI requester id, which the
# IOMMU names in faults, stays 0x20: it is pinned at 00:04.0).
IOMMU_MACHINE="-device intel-iommu"
mkdir -p "$LOGDIR"

# boot [--mem M] [--append CMDLINE] [--iso ISO] [--extra QEMU-ARGS] [--input TEXT] PROG[:ARGS]...
# TEXT (with \n escapes) is typed on the serial console. QEMU-ARGS (e.g.
# "$IOMMU_MACHINE") are added to QEMU's; a test that gives none gets
# $QEMU_EXTRA instead: QEMU_EXTRA="-device intel-iommu" make test-qemu
# runs the whole suite with translation on.
# Each PROG is build/user/PROG.elf, passed as a multiboot module; words after
# ':' become its arguments.
boot() {
	local mem=128M append="" iso="" extra="" mods="" input=""
	while [ $# -gt 0 ]; do
		case $1 in
		--mem) mem=$2; shift 2 ;;
		--append) append=$2; shift 2 ;;
		--iso) iso=$2; shift 2 ;;
		--extra) extra=$2; shift 2 ;;
		--input) input=$2; shift 2 ;;
		--raw) mods="$mods${mods:+,}$2"; shift 2 ;;
		*) local prog=${1%%:*} args=""
		   [ "$prog" != "$1" ] && args=" ${1#*:}"
		   mods="$mods${mods:+,}$B/user/$prog.elf$args"; shift ;;
		esac
	done
	LOG=$LOGDIR/$TEST.log
	local cmd=(qemu-system-x86_64 -accel "$ACCEL" "${MACHINE[@]}" -m "$mem" -display none -serial stdio
		-monitor none -no-reboot -device isa-debug-exit,iobase=0xf4,iosize=0x04)
	if [ -n "$iso" ]; then
		cmd+=(-cdrom "$iso")
	else
		cmd+=(-kernel "$B/kernel32.elf" -append "$append")
		[ -n "$mods" ] && cmd+=(-initrd "$mods")
	fi
	# shellcheck disable=SC2206
	[ -n "$extra" ] && cmd+=($extra)
	# shellcheck disable=SC2206
	[ -z "$extra" ] && [ -n "${QEMU_EXTRA:-}" ] && cmd+=($QEMU_EXTRA)
	echo "${cmd[*]}" >"$LOG.cmd"
	printf '%b' "$input" | timeout "$TIMEOUT" "${cmd[@]}" >"$LOG" 2>&1
	STATUS=$?
	tr -d '\r' <"$LOG" >"$LOG.tmp" && mv "$LOG.tmp" "$LOG"
}

fail() {
	FAILED="${FAILED:+$FAILED; }$*"
}

# skip REASON: the test cannot run here (an input from outside the tree is
# missing); its TAP line says so: "ok - qemu: NAME # SKIP REASON".
skip() {
	SKIPPED="$*"
}

# expect REGEX: some line of the log matches (grep -E).
expect() {
	grep -qE -- "$1" "$LOG" || fail "no line matches /$1/"
}

# expect_not REGEX: no line of the log matches.
expect_not() {
	! grep -qE -- "$1" "$LOG" || fail "unexpected line matching /$1/: $(grep -m1 -E -- "$1" "$LOG")"
}

# expect_status N: QEMU exited with status N (33 = clean power-off).
expect_status() {
	[ "$STATUS" = "$1" ] || fail "QEMU exit status $STATUS, expected $1"
}

# expect_before A B: the first line matching A comes before the first matching B.
expect_before() {
	local a b
	a=$(grep -nE -m1 -- "$1" "$LOG" | cut -d: -f1)
	b=$(grep -nE -m1 -- "$2" "$LOG" | cut -d: -f1)
	if [ -z "$a" ] || [ -z "$b" ] || [ "$a" -ge "$b" ]; then
		fail "expected /$1/ (line ${a:-none}) before /$2/ (line ${b:-none})"
	fi
}

# expect_clean: powered off normally, no panic or kernel exception, and no
# bug in the memory server (an mm_bug stops the machine, but its line is
# the reason to show).
expect_clean() {
	expect_status 33
	expect_not 'PANIC|kernel exception|mm: BUG'
}

run_tests() {
	local out=$1 filter=${2:-}
	: >"$out"
	local t
	for t in $(declare -F | awk '{print $3}' | grep '^t_'); do
		TEST=${t#t_}
		[ -n "$filter" ] && ! [[ $TEST =~ $filter ]] && continue
		FAILED=""
		SKIPPED=""
		local start=$SECONDS
		"$t"
		if [ -z "$FAILED" ]; then
			echo "ok - qemu: $TEST${SKIPPED:+ # SKIP $SKIPPED}" | tee -a "$out"
		else
			echo "not ok - qemu: $TEST: $FAILED (log: $LOGDIR/$TEST.log)" | tee -a "$out"
		fi
		if [ $((SECONDS - start)) -gt 10 ]; then
			echo "  ($TEST took $((SECONDS - start)) s)"
		fi
	done
}
