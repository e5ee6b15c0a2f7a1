#!/usr/bin/env bash
# memstat_tests.sh - memstat's views (docs/memstat.md) and the shell's
# help (MM_BUDDYINFO, MM_SLABINFO, MM_MODULE_INFO). Sourced by
# tests/qemu/run.sh after lib.sh and mm_tests.sh (exited_with,
# init_finished).

# key_of KEY [N]: the value of the N-th (default 1st) line "KEY VALUE".
key_of() {
	awk -v k="$1" -v n="${2:-1}" 'NF == 2 && $1 == k && ++seen == n { print $2; exit }' "$LOG"
}

# Within one run of memstat -k buddy, the blocks times their sizes add up
# to buddy_free_pages; a later memstat -k zones (MM_STAT) says at most a
# few pages more: MM_STAT gives the empty slabs back to the buddy
# allocator first and counts mm's spare page-table frames (at most
# MM_MAP_SPARES = 3) as free, and the two runs are two processes of the
# same program that may have touched a page or two more or less. 3 was
# measured (the spares); 16 is the tolerance.
t_memstat_buddy_blocks_add_up_to_the_free_pages_of_memstat_zones() {
	boot mm "init:memstat+buddy memstat+-k+buddy memstat+-k+zones" memstat
	expect '^zone DMA( +[0-9]+){12}$'
	expect '^zone DMA32( +[0-9]+){12}$'
	local sum total free
	sum=$(awk '$1 ~ /^buddy\.[a-z0-9]+\.[0-9]+$/ { split($1, p, "."); s += $2 * 2 ^ p[3] }
		END { printf "%d", s }' "$LOG")
	total=$(key_of buddy_free_pages)
	free=$(key_of free)
	if [ -z "$total" ] || [ -z "$free" ] || [ "$sum" != "$total" ]; then
		fail "blocks add up to ${sum:-?} pages, buddy_free_pages ${total:-?}"
	elif [ "$total" -lt 1000 ] || [ $((free - total)) -lt -16 ] || [ $((free - total)) -gt 16 ]; then
		fail "memstat -k buddy: $total free pages, memstat -k zones: $free (more than 16 apart)"
	fi
	local z
	for z in dma dma32 normal; do
		local zs zf
		zs=$(awk -v z="$z" '$1 ~ "^buddy\\." z "\\.[0-9]+$" { split($1, p, "."); s += $2 * 2 ^ p[3] }
			END { printf "%d", s }' "$LOG")
		zf=$(key_of "buddy.$z.free_pages")
		[ "$zs" = "$zf" ] || fail "zone $z: blocks add up to $zs pages, free_pages ${zf:-?}"
	done
	exited_with 'memstat -k buddy' 0
	init_finished
}

# slab_hold 40 maps 40 regions (40 objects of mm_region) and runs
# memstat -k slab while it holds them; the count before is the first
# memstat's. Every cache's totals agree with its slabs.
t_memstat_slab_in_use_rises_while_a_program_holds_regions() {
	boot mm "init:memstat+-k+slab slab_hold+40 memstat+slab" memstat slab_hold
	expect '^slab_hold: holding 40 regions$'
	local held second
	held=$(grep -n -m1 '^slab_hold: holding' "$LOG" | cut -d: -f1)
	second=$(grep -n '^slab\.mm_region\.active_objs ' "$LOG" | sed -n 2p | cut -d: -f1)
	[ -n "$held" ] && [ -n "$second" ] && [ "$second" -gt "$held" ] ||
		fail "no memstat -k slab ran while slab_hold held its regions"
	local before during
	before=$(key_of slab.mm_region.active_objs 1)
	during=$(key_of slab.mm_region.active_objs 2)
	if [ -z "$before" ] || [ -z "$during" ] || [ $((during - before)) -lt 40 ]; then
		fail "mm_region objects in use: ${before:-?} before, ${during:-?} while 40 regions are held"
	fi
	local bad
	bad=$(awk '$1 ~ /^slab\./ { n = split($1, p, "."); v[p[2], p[3]] = $2; c[p[2]] = 1 }
		END { for (k in c) if (v[k, "total_objs"] != v[k, "slabs"] * v[k, "objs_per_slab"] ||
				       v[k, "pages"] != v[k, "slabs"] * v[k, "pages_per_slab"] ||
				       v[k, "active_objs"] > v[k, "total_objs"]) print k }' "$LOG")
	[ -z "$bad" ] || fail "caches whose figures disagree: $bad"
	expect '^mm_region +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ :'
	exited_with 'slab_hold 40' 0
	init_finished
}

# touch 300 takes one fault per page (t_touch_workload_faults_once_per_page_touched);
# the global counter sees those and the second memstat's own.
t_memstat_vm_pgfault_rises_by_at_least_the_pages_touch_touches() {
	boot mm "init:memstat+-k+vm touch+300 memstat+vm" memstat touch
	local before after
	before=$(key_of pgfault 1)
	after=$(key_of pgfault 2)
	if [ -z "$before" ] || [ -z "$after" ] || [ $((after - before)) -lt 300 ]; then
		fail "pgfault ${before:-?} before touch 300, ${after:-?} after"
	fi
	local key
	for key in pgmajfault pswpin pswpout pgsteal_direct pgsteal_background pgscan oom_kill; do
		expect "^$key [0-9]+$"
	done
	exited_with 'touch 300' 0
	init_finished
}

t_memstat_selects_every_view_by_name_and_refuses_an_unknown_one() {
	local v cmds=""
	for v in zones buddy slab vm swap policy processes dma iommu; do
		cmds="$cmds memstat+$v"
	done
	boot mm "init:$cmds memstat+nosuch memstat+-k+vm+slab memstat" memstat
	for v in zones buddy slab vm swap policy processes dma iommu; do
		exited_with "memstat $v" 0
	done
	expect '^usage: memstat \[-k\] \[zones\|buddy\|slab\|vm\|swap\|policy\|processes\|dma\|iommu\]'
	exited_with 'memstat nosuch' 2
	exited_with 'memstat -k vm slab' 2
	exited_with memstat 0
	expect '^DMA32 +[1-9][0-9]* +[0-9]+$'     # the overview still starts with the zones
	expect '^policy: clock$'
	init_finished
}

# The shell's help lists the boot image's programs with the descriptions
# their PAGODA_ABOUT put in their files (MM_MODULE_INFO); spin (a test
# program) has none; a module that is not a program is listed as a file,
# never among the programs.
t_shell_help_lists_the_programs_with_their_descriptions_and_not_the_files() {
	local notes=$LOGDIR/notes.txt
	printf 'not a program\n' >"$notes"
	boot mm init sh hello memstat spin --raw "$notes" --input 'help\nexit\n'
	local programs files
	programs=$(sed -n '/^Programs in the boot image:$/,/^Files in the boot image:$/p' "$LOG")
	files=$(sed -n '/^Files in the boot image:$/,/^pagoda> /p' "$LOG")
	grep -qE '^  memstat +memory statistics: memstat \[-k\]' <<<"$programs" ||
		fail "help does not list memstat with its description"
	grep -qE '^  hello +prints a greeting and its arguments$' <<<"$programs" ||
		fail "help does not list hello with its description"
	grep -qE '^  mm +the memory server' <<<"$programs" || fail "help does not list mm"
	grep -qE '^  spin +\(no description\)$' <<<"$programs" ||
		fail "help does not list spin as a program without a description"
	! grep -q 'notes' <<<"$programs" || fail "help lists notes.txt among the programs"
	grep -qE '^  notes\.txt +14 bytes$' <<<"$files" || fail "help does not list notes.txt as a 14-byte file"
	expect '^init: sh exited with status 0$'
	expect_clean
}
