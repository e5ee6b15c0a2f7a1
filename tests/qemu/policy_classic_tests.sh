#!/usr/bin/env bash
# policy_classic_tests.sh - the classic replacement policies (NRU, aging,
# Random, WSClock) in the OS (sourced by tests/qemu/run.sh after
# lib.sh, mm_tests.sh and policy_tests.sh, whose helpers init_finished
# and exited_with they use).

# Belady's string on a 5-page mapping with a budget of 3, then 4 frames,
# every reference a write (tests/progs/belady.c), each run under the
# policy it selects with MM_POLICY, parameters included. The counts are
# the ones worked out by hand for the host model in
# tests/host/test_policy_classic.c
# (beladys_string_written_as_in_the_os_takes_the_faults_worked_out_by_hand):
# the OS and the simulator take the same faults. Aging's 10 and 8 and
# Random's 10 and 6 differ from FIFO's 9 and 10, so a policy switch that
# did not happen would show.
t_classic_policies_take_in_the_os_the_faults_of_the_host_model() {
	local runs="belady+3+nru belady+4+nru belady+3+aging belady+4+aging"
	runs="$runs belady+3+random:seed=0 belady+4+random:seed=0"
	runs="$runs belady+3+wsclock:tau=2 belady+4+wsclock:tau=2"
	boot mm:swap=16 ramdisk "init:$runs memstat+-k" belady memstat
	expect_belady_counts "3:9 4:10 3:10 4:8 3:10 4:6 3:9 4:10"
	expect '^policy wsclock$'
	exited_with 'belady 4 wsclock:tau=2' 0
	init_finished
}
