#!/usr/bin/env bash
# lab_policy_tests.sh - lab 5's policies in the OS (docs/labs/policy.md):
# the policies students write there, NRU (servers/mm/policy_nru.c) and 2Q
# (servers/mm/policy_2q.c), take in the memory server exactly the faults
# the simulator counts, and survive being switched to and from at run
# time with pages resident. Sourced by tests/qemu/run.sh after lib.sh,
# mm_tests.sh and replay_tests.sh, whose helpers (init_finished,
# exited_with, replay_equals_sim, REPLAY_GEN) they use.

LAB_POLICY_SWITCH_GEN="shift+pages=64+len=240+hot=16+phase=60+writes=50"

# The generated string of replay_tests.sh, at the same budget: the OS's
# faults are policysim's, policy by policy.
t_lab_policy_nru_and_2q_replay_faults_exactly_as_policysim() {
	local rest=${REPLAY_GEN#* } spec pol
	spec=${REPLAY_GEN%% *}:${rest// /,}
	for pol in nru 2q; do
		replay_equals_sim "$pol" "--gen $spec" "$REPLAY_GEN_FRAMES" \
			"replay+gen+${REPLAY_GEN// /+}+$REPLAY_GEN_FRAMES"
	done
}

# A budget of 16 frames run by 2Q, switched to NRU before reference 120
# (the budget's 16 frames handed over: the new policy admits each, so the
# pool admits 16 frames more than the run's faults), then every pool
# switched from NRU to Clock, with mm's checker after every message. A
# budget is local replacement: once it holds 16 frames, every fault
# evicts one of its own, so the evictions of the run are its faults minus
# 16 - none if a victim is never found. (mm boots with 2Q, so the global
# pool's history is made before init counts free frames; switching away
# from 2Q frees it.)
t_lab_policy_switching_from_2q_to_nru_hands_every_frame_over() {
	boot mm:"check swap=16 policy=2q" ramdisk \
		"init:replay+gen+$LAB_POLICY_SWITCH_GEN+16+switch=120:nru policy+clock memstat+-k" \
		replay policy memstat
	expect '^replay: switched to nru before reference 120, [1-9][0-9]* frames handed over$'
	local line faults clean dirty
	line=$(grep -E '^replay: [0-9]+ faults ' "$LOG")
	if ! [[ $line =~ ^replay:\ ([0-9]+)\ faults\ .*,\ 0\ extra,\ pool\ admitted\ ([0-9]+),\ data\ ok,\ policy\ nru$ ]]; then
		fail "no replay line with 0 extra faults, data ok, under nru (log: $LOG)"
		return
	fi
	faults=${BASH_REMATCH[1]}
	[ "${BASH_REMATCH[2]}" = $((faults + 16)) ] ||
		fail "the budget admitted ${BASH_REMATCH[2]} frames: not its $faults faults and the 16 handed over"
	clean=$(sed -n 's/^evict_clean \([0-9]*\)$/\1/p' "$LOG")
	dirty=$(sed -n 's/^evict_dirty \([0-9]*\)$/\1/p' "$LOG")
	[ -n "$clean" ] && [ -n "$dirty" ] || { fail "memstat -k shows no evictions"; return; }
	[ $((clean + dirty)) = $((faults - 16)) ] ||
		fail "$faults faults in a budget of 16 frames evicted $((clean + dirty)) pages, not $((faults - 16))"
	expect '^policy: now clock \(was nru\), [1-9][0-9]* frames handed over$'
	expect '^policy clock$'
	expect '^mm: check: [0-9]+ messages checked, every invariant held$'
	exited_with "replay gen ${LAB_POLICY_SWITCH_GEN//+/ } 16 switch=120:nru" 0
	exited_with 'policy clock' 0
	init_finished
}
