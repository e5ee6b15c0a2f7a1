#!/usr/bin/env bash
# Run the allocator benchmark binaries (built by `make bench-host`) and print
# one table: ns per alloc+free for Pagoda and each peer, and the ratio
# peer / Pagoda (> 1.00: Pagoda is faster). The four binaries run in
# ROUNDS interleaved rounds (default 3); each binary reports a median of 3
# runs per benchmark and the table keeps the best round, which is the most
# stable statistic on a shared, noisy machine. All rows go to DIR/alloc.csv.
# usage: bench/run.sh BUILD_BENCH_DIR
set -eu
dir=$1
rounds=${ROUNDS:-3}
raw=$dir/alloc-rounds.csv
csv=$dir/alloc.csv
echo "round,allocator,benchmark,ns_per_op" >"$raw"
for r in $(seq 1 "$rounds"); do
	for a in pagoda glibc jemalloc mimalloc; do
		"$dir/bench_$a" | sed "s/^/$r,/" >>"$raw"
	done
done
awk -F, 'NR > 1 { k = $2 "," $3; if (!(k in best) || $4 < best[k]) best[k] = $4;
                  if (!(k in seen)) { seen[k] = 1; order[n++] = k } }
         END { print "allocator,benchmark,ns_per_op";
               for (i = 0; i < n; i++) print order[i] "," best[order[i]] }' "$raw" >"$csv"
echo "Allocator benchmark: ns per (alloc + free), best of $rounds rounds of median-of-3, -O2, no sanitizers"
echo "ratio = peer ns / pagoda ns  (> 1.00 means Pagoda's slab/buddy is faster)"
awk -F, '
NR > 1 { ns[$1 "," $2] = $3; if (!($2 in seen)) { seen[$2] = 1; order[n++] = $2 } }
END {
	printf "%-22s %8s %8s %8s %8s  %9s %9s %9s\n", "benchmark", "pagoda", "glibc",
	       "jemalloc", "mimalloc", "glibc/pg", "jemal/pg", "mimal/pg"
	for (i = 0; i < n; i++) {
		b = order[i]; p = ns["pagoda," b]
		printf "%-22s %8.2f %8.2f %8.2f %8.2f  %8.2fx %8.2fx %8.2fx\n", b, p,
		       ns["glibc," b], ns["jemalloc," b], ns["mimalloc," b],
		       ns["glibc," b] / p, ns["jemalloc," b] / p, ns["mimalloc," b] / p
	}
}' "$csv"
echo "CSV: $csv (per round: $raw)"
