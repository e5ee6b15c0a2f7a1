#!/usr/bin/env bash
# Run the allocator benchmark binaries (built by `make bench-host`) and print
# the combined tables: per (alloc + free), Pagoda and each peer, and the
# ratio peer / Pagoda (> 1.00: Pagoda is faster).
#   ns      thread CPU time
#   cycles  user-mode CPU cycles of the thread (perf events), which do not
#           depend on clock frequency or on a busy machine; printed when the
#           kernel allows perf events (kernel.perf_event_paranoid <= 2).
# The four binaries run in ROUNDS interleaved rounds (default 3); each
# reports a median of 3 runs per benchmark and the tables keep each
# allocator's best round. All rows: DIR/alloc-rounds.csv; best: DIR/alloc.csv.
# usage: bench/run.sh BUILD_BENCH_DIR
set -eu
dir=$1
rounds=${ROUNDS:-3}
raw=$dir/alloc-rounds.csv
csv=$dir/alloc.csv
echo "round,allocator,benchmark,ns_per_op,cycles_per_op" >"$raw"
for r in $(seq 1 "$rounds"); do
	for a in pagoda glibc jemalloc mimalloc; do
		"$dir/bench_$a" | sed "s/^/$r,/" >>"$raw"
	done
done
awk -F, 'NR > 1 { k = $2 "," $3
                  if (!(k in ns) || $4 < ns[k]) ns[k] = $4
                  if (!(k in cy) || $5 < cy[k]) cy[k] = $5
                  if (!(k in seen)) { seen[k] = 1; order[n++] = k } }
         END { print "allocator,benchmark,ns_per_op,cycles_per_op"
               for (i = 0; i < n; i++) print order[i] "," ns[order[i]] "," cy[order[i]] }' \
	"$raw" >"$csv"

table() { # column title
	awk -F, -v col="$1" -v unit="$2" '
	NR > 1 { v[$1 "," $2] = $col; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
	END {
		printf "%-20s %8s %8s %8s %8s  %9s %9s %9s\n", unit, "pagoda", "glibc",
		       "jemalloc", "mimalloc", "glibc/pg", "jemal/pg", "mimal/pg"
		for (i = 0; i < n; i++) {
			b = order[i]; p = v["pagoda," b]
			printf "%-20s %8.1f %8.1f %8.1f %8.1f  %8.2fx %8.2fx %8.2fx\n", b, p,
			       v["glibc," b], v["jemalloc," b], v["mimalloc," b],
			       v["glibc," b] / p, v["jemalloc," b] / p, v["mimalloc," b] / p
		}
	}' "$csv"
}

echo "Allocator benchmark, per (alloc + free); best of $rounds rounds of median-of-3; -O2, no sanitizers"
echo "ratio = peer / pagoda  (> 1.00 means Pagoda's slab/buddy is faster)"
echo
table 3 "ns/op"
if ! grep -q ',-1\(\.0\)\?$' "$csv"; then
	echo
	table 4 "cycles/op"
fi
echo
echo "CSV: $csv (every round: $raw)"
