#!/usr/bin/env bash
# lib.sh - the QEMU system-test harness (sourced by tests/qemu/run.sh).
#
# A test is a bash function t_<name>. It boots an image with `boot` and then
# asserts on the serial log and QEMU's exit status with the helpers below.
# The kernel reports the verdict of the run through isa-debug-exit:
# status 33 = clean power-off, 35 = failure, 37 = kernel panic; 124 is our
# timeout. Each test prints one TAP line: "ok - name" or "not ok - name: why".
#
# JOBS tests run at once (default: the number of CPUs, nproc; JOBS=1 runs
# them one after another): JOBS=1 make test-qemu. Each runs in a subshell
# of its own, so a test's globals (LOG, STATUS, FAILED, TIMEOUT=...) never
# reach another; the verdicts are printed and written in the order of the
# names (declare -F's), whatever JOBS is.
# So a test must share nothing on disk or on the network with another:
# - every file it writes has a name of its own: $LOG (its serial log,
#   $LOGDIR/$TEST.log) and $LOG.*, or a file in $TESTDIR ($LOGDIR/$TEST/,
#   made empty before the test, removed after it if still empty). A module
#   named by its file name goes there too: cp X.elf "$TESTDIR/mm.elf".
#   Never a fixed name like "$LOGDIR/mm.elf" (another test may be writing
#   it) and never into $B (the images are built before the tests start and
#   are shared read-only: $B/pagoda.iso may be booted by two tests at once);
# - a TCP port (a QEMU -gdb or -serial tcp:) comes from `free_port`, never
#   a fixed number (another test, or another checkout's suite, has it).

B=${B:-build}
LOGDIR=$B/tests
# The machine every test boots: q35 with QEMU's edu device pinned at
# 00:04.0 (unpinned, its bdf - the IOMMU's source id - would depend on the
# other devices; see docs/drivers.md). make run uses the same (mk/qemu.mk).
MACHINE=(-machine q35 -device edu,addr=04.0)
# A boot still running after TIMEOUT s is a hang (status 124): a guard, not
# a timing assertion, so generous - with two QEMUs per 2 cores on a loaded
# machine the swap tests took 30 s (13 s alone).
TIMEOUT=${TIMEOUT:-60}
JOBS=${JOBS:-$(nproc 2>/dev/null || echo 1)}
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

# free_port: a TCP port on 127.0.0.1 that nobody listens on now, its
# first guess different for each test of a run (TEST_INDEX, the test's
# place in the run) and for each run on this machine ($$). It is free
# when asked, not reserved: bind it at once.
free_port() {
	local p=$((20000 + (TEST_INDEX * 37 + $$) % 40000)) tries
	for ((tries = 0; tries < 200; tries++)); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
		p=$((20000 + (p - 20000 + 1) % 40000))
	done
	fail "free_port: no free TCP port found"
	return 1
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

# run_one FUNCTION INDEX SPOOL: run one test (in a subshell of its own:
# run_tests starts it with &), print its TAP line and, past 10 s, its
# time; the TAP line goes to SPOOL.tap as well.
run_one() {
	local t=$1 line
	TEST=${t#t_}
	TEST_INDEX=$2
	TESTDIR=$LOGDIR/$TEST
	FAILED=""
	SKIPPED=""
	rm -rf "$TESTDIR" && mkdir -p "$TESTDIR"
	local start=$SECONDS
	"$t"
	if [ -z "$FAILED" ]; then
		line="ok - qemu: $TEST${SKIPPED:+ # SKIP $SKIPPED}"
	else
		line="not ok - qemu: $TEST: $FAILED (log: $LOGDIR/$TEST.log)"
	fi
	echo "$line" >"$3.tap"
	echo "$line"
	if [ $((SECONDS - start)) -gt 10 ]; then
		echo "  ($TEST took $((SECONDS - start)) s)"
	fi
	rmdir "$TESTDIR" 2>/dev/null
	return 0
}

# run_tests RESULT.tap [NAME-REGEX]: every t_* function (or those whose
# name matches), JOBS at a time. Each test's output is held in the spool
# until the tests before it have ended, so the terminal and RESULT.tap
# list them in the order of their names, whatever the order they end in.
# A test whose shell ends without a verdict (an `exit`, a crash) fails.
run_tests() {
	local out=$1 filter=${2:-} spool=$LOGDIR/.spool.$$ t i=0 next=0 pid
	local -a tests=() ended=()
	local -A running=()
	: >"$out"
	if ! [[ $JOBS =~ ^[1-9][0-9]*$ ]]; then
		echo "not ok - qemu: JOBS='$JOBS' is not a number of tests to run at once" | tee -a "$out"
		return
	fi
	for t in $(declare -F | awk '{print $3}' | grep '^t_'); do
		[ -n "$filter" ] && ! [[ ${t#t_} =~ $filter ]] && continue
		tests+=("$t")
	done
	rm -rf "$spool" && mkdir -p "$spool"
	trap 'kill "${!running[@]}" 2>/dev/null; rm -rf "$spool"; exit 130' INT TERM
	while [ "$next" -lt "${#tests[@]}" ]; do
		while [ "${#running[@]}" -lt "$JOBS" ] && [ "$i" -lt "${#tests[@]}" ]; do
			run_one "${tests[i]}" "$i" "$spool/$i" >"$spool/$i.out" 2>&1 &
			running[$!]=$i
			i=$((i + 1))
		done
		wait -n -p pid "${!running[@]}"
		ended[${running[$pid]}]=$?
		unset "running[$pid]"
		while [ -n "${ended[next]:-}" ]; do
			cat "$spool/$next.out"
			if [ -s "$spool/$next.tap" ]; then
				cat "$spool/$next.tap" >>"$out"
			else
				echo "not ok - qemu: ${tests[next]#t_}: its shell ended with status ${ended[next]} before its verdict (log: $LOGDIR/${tests[next]#t_}.log)" |
					tee -a "$out"
			fi
			next=$((next + 1))
		done
	done
	trap - INT TERM
	rm -rf "$spool"
}
