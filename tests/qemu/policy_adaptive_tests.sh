#!/usr/bin/env bash
# policy_adaptive_tests.sh - QEMU system tests of the adaptive replacement
# policies in the memory server: CAR, CLOCK-Pro, 2Q and linux
# (servers/mm/policy_car.c, policy_clockpro.c, policy_2q.c,
# policy_linux.c; their host suite is tests/host/test_policy_adaptive.c).
# Sourced by tests/qemu/run.sh after lib.sh and mm_tests.sh, whose helpers
# init_finished and exited_with they use.

# The global pool run by policy $1 (policy= at boot): 768 pages through
# usermem=2 MiB (512 pages), so a third of them at least are on swap and
# come back - through the policy's history (ghost lists, non-resident
# pages, shadows) - with mm's checker after every message and every byte
# compared.
adaptive_policy_swaps_and_keeps_every_byte() {
	boot mm:"swap=8 usermem=2 check policy=$1" "init:swap_pattern+768+7 memstat+-k" \
		swap_pattern memstat ramdisk
	expect '^swap_pattern: 768 pages, seed 7: up to [1-9][0-9]* of them on swap, checksum [0-9a-f]+$'
	expect '^swap_pattern: PASS$'
	expect '^mm: check: [0-9]+ messages checked, every invariant held$'
	expect "^policy $1\$"
	expect '^swapins [1-9][0-9]*$'
	exited_with 'swap_pattern 768 7' 0
	init_finished
}

t_car_swaps_more_than_usermem_and_keeps_every_byte() {
	adaptive_policy_swaps_and_keeps_every_byte car
}

t_clockpro_swaps_more_than_usermem_and_keeps_every_byte() {
	adaptive_policy_swaps_and_keeps_every_byte clockpro
}

t_2q_swaps_more_than_usermem_and_keeps_every_byte() {
	adaptive_policy_swaps_and_keeps_every_byte 2q
}

t_linux_swaps_more_than_usermem_and_keeps_every_byte() {
	adaptive_policy_swaps_and_keeps_every_byte linux
}

# Belady's string on a 5-page mapping with a budget of 3, then 4 frames
# (belady N POLICY selects the policy, then maps): the faults the OS takes
# are the simulator's for the same policy, string and frames, with the
# hardware's convention (a fault sets its page's accessed bit):
#   printf '1 W\n2 W\n3 W\n4 W\n1 W\n2 W\n5 W\n1 W\n2 W\n3 W\n4 W\n5 W\n' >b.txt
#   build/host/policysim --frames 3,4 b.txt
# car 10 and 10, clockpro 8 and 7, 2q 9 and 9, linux 10 and 10; the data
# survives every trip to swap. mm boots with policy=car, so the global
# pool's history (one entry per frame mm may give to users) is made
# before init counts free frames; each switch hands the pool over and
# makes a history of the same size again, so init sees no leak.
t_adaptive_policies_fault_on_beladys_string_as_the_simulator_counts() {
	boot mm:"swap=16 policy=car" ramdisk \
		"init:belady+3+car belady+4+car belady+3+clockpro belady+4+clockpro belady+3+2q belady+4+2q belady+3+linux belady+4+linux" \
		belady
	expect_belady_counts "3:10 4:10 3:8 4:7 3:9 4:9 3:10 4:10"
	expect_not 'data BAD'
	exited_with 'belady 4 linux' 0
	init_finished
}
