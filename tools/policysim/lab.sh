#!/usr/bin/env bash
# lab.sh - the page-replacement lab's run (`make lab-policy`): every policy
# of servers/mm, exact LRU and OPT over the shared traces and four
# generated workloads at a range of frame counts, into OUT:
#   W.txt  the table (faults and hit ratio per policy and frame count)
#   W.csv  the same as CSV
#   W.png, W.svg  faults against frames, one line per policy (plot.gp)
#   summary.txt  hit ratios on sprite and cpp at the README's frame counts
#                beside the README's figures, for a new frame's accessed
#                bit set (the hardware, as in mm) and clear (the README's)
# and prints summary.txt at the end.
#
# usage: tools/policysim/lab.sh POLICYSIM TRACES_DIR OUT
# The workloads and their frame counts are the table below; docs/labs/policy.md
# explains what each is meant to show. Fails (status 1) if a trace is
# missing, policysim fails, or gnuplot does.
set -eu
sim=$1 traces=$2 out=$3
here=$(dirname "$0")
mkdir -p "$out"

# name | reference string (a trace file or --gen SPEC) | frame counts
workloads="
sprite|$traces/sprite.txt|25,50,100,150,200,300,400,500,600,800,1000,1250,1500,2000,2500,3000
cpp|$traces/cpp.txt|10,20,30,40,50,60,70,80,90,100,120,150,200,250,300,400,500
loop|--gen loop:pages=120,len=6000,seed=1|10,20,30,40,50,60,70,80,90,100,110,119,120,130,140
random|--gen random:pages=500,len=20000,seed=1|25,50,75,100,150,200,250,300,350,400,450,500
shift|--gen shift:pages=1000,len=40000,hot=60,phase=4000,local=95,seed=1|10,20,30,40,50,60,70,80,100,120,150,200,300
belady|--gen belady:len=12|1,2,3,4,5
"

# The policies of servers/mm in a CSV (its fifth field from the end, since
# a generated workload's name holds commas), LRU and OPT left out.
policies_of() {
	awk -F, 'NR > 1 && $(NF-4) != "lru" && $(NF-4) != "opt" && !seen[$(NF-4)]++ \
		{ printf "%s%s", n++ ? " " : "", $(NF-4) }' "$1"
}

echo "$workloads" | while IFS='|' read -r name input frames; do
	[ -n "$name" ] || continue
	# shellcheck disable=SC2086 # $input is a file or "--gen SPEC"
	"$sim" --frames "$frames" $input >"$out/$name.txt"
	# shellcheck disable=SC2086
	"$sim" --csv --frames "$frames" $input >"$out/$name.csv"
	refs=$(awk -F, 'NR == 2 { print $(NF-2) }' "$out/$name.csv")
	src=${input#--gen }
	gnuplot -c "$here/plot.gp" "$out/$name.csv" "$out/$name" \
		"$name: ${src##*/} ($refs references)" "$(policies_of "$out/$name.csv")"
	echo "  LAB     $out/$name.{txt,csv,png,svg}"
done

{
	echo "Hit ratios (percent) on the shared traces at the README's frame counts."
	echo "A new frame's accessed bit set by the faulting access, as on x86 and in mm:"
	echo
	"$sim" --compare "$traces/README.md" "$traces/sprite.txt" "$traces/cpp.txt"
	echo
	echo "A new frame's accessed bit clear, the convention of the README's CLOCK:"
	echo
	"$sim" --compare "$traces/README.md" --new-bit clear "$traces/sprite.txt" "$traces/cpp.txt"
} >"$out/summary.txt"
echo "  LAB     $out/summary.txt"
cat "$out/summary.txt"
