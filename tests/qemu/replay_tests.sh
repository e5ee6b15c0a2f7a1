#!/usr/bin/env bash
# replay_tests.sh - the page-replacement lab inside the OS (sourced by
# tests/qemu/run.sh after lib.sh and mm_tests.sh, whose init_finished and
# exited_with it uses): `replay` takes exactly the faults the simulator
# computes for the same policy, string and frames; the `policy` program
# lists, switches at run time and refuses; the boot option policy=
# refuses a bad parameter. docs/policies.md says why the counts are equal.

# The lab's ten policies. Those build/host/policysim does not know yet
# (they are being written) are skipped with a note; FIFO and Clock never.
REPLAY_POLICIES="fifo clock nru aging random wsclock car clockpro 2q linux"
# A generated string (tools/policysim/gen.h, in words: a hot set of 24 of
# 96 pages that moves every 300 references, a quarter of them writes) and
# a slice of the shared cpp trace, each with a budget at which FIFO and
# Clock differ.
REPLAY_GEN="shift pages=96 len=3000 hot=24 phase=300 seed=7 writes=25"
REPLAY_GEN_FRAMES=32
REPLAY_CPP=../shared/traces/cpp.txt
REPLAY_CPP_REFS=3000
REPLAY_CPP_FRAMES=80

# sim_faults POLICY FRAMES STRING...: policysim's faults for a trace file
# or `--gen SPEC`, with the hardware's convention (the faulting access
# sets the new page's accessed bit). The CSV's faults are the next to last
# field (the first, the string's name, may be quoted with commas in it).
sim_faults() {
	local pol=$1 frames=$2
	shift 2
	"$B/host/policysim" --policy "$pol" --frames "$frames" --new-bit set --csv "$@" 2>/dev/null |
		awk -F, 'NR == 2 { print $(NF - 1) }'
}

# known_policies: the names of REPLAY_POLICIES that policysim knows, one
# a line; a note (on stderr) for each it does not know yet.
known_policies() {
	local pol one=$TESTDIR/one-reference.txt
	echo 1 >"$one"
	for pol in $REPLAY_POLICIES; do
		if "$B/host/policysim" --policy "$pol" --frames 1 "$one" >/dev/null 2>&1; then
			echo "$pol"
		else
			echo "  (replay: build/host/policysim does not know '$pol' yet: skipped)" >&2
		fi
	done
}

# replay_equals_sim POLICY STRING FRAMES INIT-COMMAND [boot arguments...]:
# boot with policy=POLICY, run the replay command, and check its line
# against policysim's count for STRING (a trace file, or "--gen SPEC")
# at FRAMES.
replay_equals_sim() {
	local pol=$1 frames=$3 cmd=$4 saved=$TEST want line
	local -a string
	read -r -a string <<<"$2"
	shift 4
	want=$(sim_faults "$pol" "$frames" "${string[@]}")
	[ -n "$want" ] || { fail "$pol: policysim gave no count for ${string[*]}"; return; }
	TEST=$saved.$pol
	boot mm:"swap=16 policy=$pol" ramdisk "init:$cmd" replay "$@"
	TEST=$saved
	line=$(grep -E '^replay: [0-9]+ faults ' "$LOG")
	if ! [[ $line =~ ^replay:\ ([0-9]+)\ faults\ .*,\ ([0-9]+)\ extra,\ pool\ admitted\ ([0-9]+),\ data\ (ok|BAD),\ policy\ ([^ ]+)$ ]]; then
		fail "$pol: no replay result line (log: $LOG)"
		return
	fi
	local got=${BASH_REMATCH[1]} extra=${BASH_REMATCH[2]} admitted=${BASH_REMATCH[3]}
	local data=${BASH_REMATCH[4]} ran=${BASH_REMATCH[5]}
	[ "$got" = "$want" ] || fail "$pol: replay took $got faults, policysim counts $want ($LOG)"
	[ "$admitted" = "$got" ] || fail "$pol: the pool admitted $admitted frames for $got faults"
	[ "$extra" = 0 ] || fail "$pol: $extra faults beside the references' own"
	[ "$data" = ok ] || fail "$pol: replay's data came back wrong"
	[ "${ran%%:*}" = "$pol" ] || fail "$pol: replay ran under '$ran'"
	expect_clean
	echo "  ($pol: $got faults in the OS = $want in policysim, ${string[*]} at $frames frames)"
}

# replay_for_every_policy STRING FRAMES INIT-COMMAND [boot arguments...]
replay_for_every_policy() {
	local pols pol
	pols=$(known_policies)
	for pol in fifo clock; do
		grep -qx "$pol" <<<"$pols" || fail "policysim does not know $pol"
	done
	for pol in $pols; do
		replay_equals_sim "$pol" "$@"
	done
}

# The same generator on both sides: replay compiles tools/policysim/gen.c,
# policysim --gen runs it.
t_replay_of_a_generated_string_faults_exactly_as_policysim_for_every_policy() {
	local rest=${REPLAY_GEN#* } fifo clock spec
	spec=${REPLAY_GEN%% *}:${rest// /,}     # KIND:K=V,K=V, one word
	fifo=$(sim_faults fifo "$REPLAY_GEN_FRAMES" --gen "$spec")
	clock=$(sim_faults clock "$REPLAY_GEN_FRAMES" --gen "$spec")
	[ -n "$fifo" ] && [ "$fifo" != "$clock" ] ||
		fail "the generated string does not tell FIFO ($fifo) from Clock ($clock) at $REPLAY_GEN_FRAMES frames"
	replay_for_every_policy "--gen $spec" "$REPLAY_GEN_FRAMES" \
		"replay+gen+${REPLAY_GEN// /+}+$REPLAY_GEN_FRAMES"
}

t_replay_of_a_cpp_slice_faults_exactly_as_policysim_for_every_policy() {
	if [ ! -f "$REPLAY_CPP" ]; then
		echo "  (replay: $REPLAY_CPP is missing: the cpp slice is skipped)"
		skip "$REPLAY_CPP is missing"
		return
	fi
	local trace=$TESTDIR/cpp-$REPLAY_CPP_REFS.txt
	head -n "$REPLAY_CPP_REFS" "$REPLAY_CPP" >"$trace"
	[ "$(sim_faults fifo "$REPLAY_CPP_FRAMES" "$trace")" != "$(sim_faults clock "$REPLAY_CPP_FRAMES" "$trace")" ] ||
		fail "the cpp slice does not tell FIFO from Clock at $REPLAY_CPP_FRAMES frames"
	replay_for_every_policy "$trace" "$REPLAY_CPP_FRAMES" \
		"replay+trace+cpp-$REPLAY_CPP_REFS.txt+$REPLAY_CPP_FRAMES" --raw "$trace"
}

# replay's own refusals: a missing module, a malformed trace, bad words.
t_replay_refuses_a_missing_module_a_malformed_trace_and_bad_arguments() {
	local bad=$TESTDIR/bad-trace.txt
	printf '1\n2 W\n\n3 X\n' >"$bad"
	boot mm:swap=16 ramdisk "init:replay+trace+nosuch+4 replay+trace+bad-trace.txt+4 replay+gen+lru+3 replay+gen+loop+pages=0+3 replay+gen+loop+pages=9 replay+trace+bad-trace.txt+4+switch=x" \
		replay --raw "$bad"
	expect "^replay: cannot read module 'nosuch': ERR_NOENT$"
	expect '^replay: bad-trace.txt:4: not a page number with an optional R or W$'
	expect "^replay: unknown workload 'lru' \(loop, random, shift, belady\)$"
	expect "^replay: pages wants a number from 1 to 16777216, not '0'$"
	expect '^usage: replay gen '
	exited_with 'replay trace nosuch 4' 1
	exited_with 'replay trace bad-trace.txt 4' 1
	exited_with 'replay gen lru 3' 2
	exited_with 'replay gen loop pages=0 3' 2
	exited_with 'replay gen loop pages=9' 2
	exited_with 'replay trace bad-trace.txt 4 switch=x' 2
	init_finished
}

# Belady's string through replay: FIFO's 9 and 10 faults (the anomaly).
t_replay_of_beladys_string_shows_the_anomaly_under_fifo() {
	boot mm:"swap=16 policy=fifo" ramdisk "init:replay+gen+belady+len=12+writes=100+3 replay+gen+belady+len=12+writes=100+4" replay
	expect '^replay: 9 faults \(major [0-9]+, minor [0-9]+\), 0 extra, pool admitted 9, data ok, policy fifo$'
	expect '^replay: 10 faults \(major [0-9]+, minor [0-9]+\), 0 extra, pool admitted 10, data ok, policy fifo$'
	init_finished
}

t_policy_lists_every_policy_with_its_parameters_and_marks_the_active_one() {
	boot mm:policy=fifo "init:policy memstat" policy memstat
	expect '^policies \(\* = active\):$'
	expect '^\* fifo +first in, first out'
	expect '^  clock +second chance'
	expect '^active: fifo$'
	expect '^policy: fifo$'                 # memstat, with the richer policies' columns
	expect '^pool +frames +budget +admitted +victims +scanned +referenced +moves +activated +deactivated +ghost_hits +samples$'
	expect '^global +[1-9][0-9]* +- +[1-9][0-9]*( +[0-9]+){8}$'
	# the table mm lists is the one policysim compiles: the same names
	local pol listed one=$TESTDIR/one-reference.txt
	listed=$(sed -n '/^policies (\* = active):$/,/^active: /p' "$LOG" | grep -E '^[* ] [a-z0-9]+ ')
	for pol in $(known_policies 2>/dev/null); do
		grep -qE "^[* ] $pol " <<<"$listed" || fail "policy does not list $pol"
	done
	for pol in $(cut -c3- <<<"$listed" | awk '{ print $1 }'); do
		"$B/host/policysim" --policy "$pol" --frames 1 "$one" >/dev/null 2>&1 ||
			fail "policy lists $pol, which policysim does not know"
	done
	[ "$(grep -cE '^\* ' <<<"$listed")" = 1 ] || fail "not exactly one policy is marked active"
	exited_with policy 0
	init_finished
}

# A switch with pages resident - the budget's, halfway through a replay,
# and everybody's in the global pool - under `check` (every invariant,
# every pool's lists included, after every message): the pages are handed
# over, the data survives, memstat shows the new policy.
t_policy_switches_at_run_time_with_pages_resident_and_every_check_holds() {
	boot --mem 64M mm:"check swap=16" ramdisk \
		"init:replay+gen+shift+pages=64+len=240+hot=16+phase=60+writes=50+16+switch=120:fifo memstat+-k policy+clock memstat+-k" \
		replay policy memstat
	expect '^replay: switched to fifo before reference 120, [1-9][0-9]* frames handed over$'
	expect '^replay: [0-9]+ faults \(major [0-9]+, minor [0-9]+\), 0 extra, pool admitted [0-9]+, data ok, policy fifo$'
	expect_before '^policy fifo$' '^policy: now clock \(was fifo\), [1-9][0-9]* frames handed over$'
	expect_before '^policy: now clock' '^policy clock$'
	expect '^policy_choice clock$'
	local key
	for key in activated deactivated ghost_hits samples; do
		expect "^pool\.0\.$key 0\$"        # FIFO and Clock count none of these
	done
	expect '^mm: check: [0-9]+ messages checked, every invariant held$'
	exited_with 'replay gen shift pages=64 len=240 hot=16 phase=60 writes=50 16 switch=120:fifo' 0
	exited_with 'policy clock' 0
	init_finished
}

t_policy_refuses_bad_names_and_parameters_with_the_reason_and_changes_nothing() {
	local long
	long=$(printf 'clock%.0s' {1..13})      # 65 characters
	boot mm:policy=fifo "init:policy+lru policy+clock+x=1 policy+clock:x=1 policy+fifo: policy+fifo+tau policy+$long policy+-h memstat+-k" \
		policy memstat
	expect "^policy: unknown policy 'lru'; nothing changed$"
	[ "$(grep -c "^policy: unknown parameter 'x'; nothing changed$" "$LOG")" = 2 ] ||
		fail "expected 'unknown parameter' for both forms of clock x=1"
	expect "^policy: parameters expected after 'fifo:'; nothing changed$"
	expect "^policy: a parameter needs K=V, not 'tau'; nothing changed$"
	expect "^policy: a policy's text is 1 to 63 characters, not 65; nothing changed$"
	expect '^usage: policy '
	exited_with 'policy lru' 2
	exited_with 'policy clock x=1' 2
	exited_with 'policy clock:x=1' 2
	exited_with 'policy fifo:' 2
	exited_with 'policy -h' 2
	expect '^policy fifo$'
	expect '^policy_choice fifo$'
	expect_not '^policy: now'
	init_finished
}

t_boot_option_policy_with_an_unknown_parameter_is_refused_with_the_reason() {
	boot mm:policy=clock:x=1 "init:memstat+-k" memstat
	expect "^mm: policy=clock:x=1: unknown parameter 'x'; using clock$"
	expect '^policy clock$'
	init_finished
	boot mm:policy=lru "init:memstat+-k" memstat
	expect "^mm: policy=lru: unknown policy 'lru'; using clock$"
	expect '^policy clock$'
	init_finished
	boot mm:policy=fifo "init:memstat+-k" memstat
	expect_not '^mm: policy='
	expect '^policy fifo$'
	init_finished
}
