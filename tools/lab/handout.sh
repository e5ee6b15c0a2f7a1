#!/usr/bin/env bash
# handout.sh - a lab's student tree from the real sources (docs/teaching.md).
#
#   tools/lab/handout.sh [--also LABS] LAB OUTDIR   write the handout of LAB
#   tools/lab/handout.sh --check                    check every fence
#
# The handout is the tree (the files git tracks, or everything outside
# build/ when there is no git) with the fences of LAB - and of the labs
# named by --also: a comma list, or "earlier", "later", "all" - replaced
# by their stubs (tools/lab/fence.awk). Every other file is copied with
# its modification time, so a build tree copied beside it rebuilds only
# the files the fences touched. OUTDIR/.handout records what was
# stripped (a handout needs every fence well-formed, and a fence of each
# lab it strips). --check validates every fence in the tree and that each
# lab of tools/lab/labs has at least one; it prints the fences per lab.
set -eu
cd "$(dirname "$0")/../.."
LABS_FILE=tools/lab/labs
FENCE=tools/lab/fence.awk

labs() { awk '!/^#/ && NF { print $2 }' "$LABS_FILE"; }
die() { echo "handout: $*" >&2; exit 2; }

# The tree's files, one a line, sorted; files only (git also lists
# deleted files). Listed once (list_tree), read by both passes below.
TREE_FILES=""
list_tree() {
	if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
		TREE_FILES=$(git ls-files --cached --others --exclude-standard | sort -u |
			while read -r f; do if [ -f "$f" ]; then printf '%s\n' "$f"; fi; done)
	else
		TREE_FILES=$(find . -path ./build -prune -o -type f -print | sed 's|^\./||' | sort)
	fi
}
tree_files() { printf '%s\n' "$TREE_FILES"; }

# Files that hold fences: sources only (C, headers, assembly).
fenced_files() {
	tree_files | grep -E '\.(c|h|S)$' | tr '\n' '\0' |
		xargs -0 -r grep -l '/\* LAB [a-z0-9_]*[: ]' --
	return 0
}

# check [LAB...]: every fence well-formed and of a known lab, and each
# LAB (default: every lab) has at least one.
check() {
	local files out l n need
	need=${*:-$(labs)}
	files=$(fenced_files)
	[ -n "$files" ] || die "no fences in the tree"
	# shellcheck disable=SC2086
	out=$(awk -v check=1 -f "$FENCE" $files) || die "fences are broken (above)"
	for l in $need; do
		n=$(printf '%s\n' "$out" | grep -c "^$l " || true)
		[ "$n" -gt 0 ] || die "lab $l has no fence"
		echo "lab $l: $n fences"
	done
	for l in $(printf '%s\n' "$out" | awk '{print $1}' | sort -u); do
		labs | grep -qx "$l" || die "fence of unknown lab $l ($(printf '%s\n' "$out" | grep -m1 "^$l " | cut -d' ' -f2))"
	done
	return 0
}

# The labs to strip: LAB and what --also names.
strip_set() {
	local lab=$1 also=$2 all seen=0 l
	all=$(labs)
	printf '%s\n' "$all" | grep -qx "$lab" || die "no lab '$lab'; the labs are: $(echo $all)"
	case $also in
	"") echo "$lab" ;;
	all) echo $all ;;
	earlier|later)
		for l in $all; do
			[ "$l" = "$lab" ] && { seen=1; echo "$l"; continue; }
			[ $seen = 0 ] && [ "$also" = earlier ] && echo "$l"
			[ $seen = 1 ] && [ "$also" = later ] && echo "$l"
		done ;;
	*)
		echo "$lab"
		for l in ${also//,/ }; do
			printf '%s\n' "$all" | grep -qx "$l" || die "--also: no lab '$l'"
			echo "$l"
		done ;;
	esac
}

handout() {
	local lab=$1 out=$2 also=$3 strip f
	strip=$(strip_set "$lab" "$also" | sort -u | tr '\n' ' ')
	# shellcheck disable=SC2086
	check $strip >/dev/null
	if [ -e "$out" ] && [ ! -f "$out/.handout" ]; then
		die "$out exists and is not a handout; not overwriting it"
	fi
	rm -rf "$out"
	mkdir -p "$out"
	tree_files | tar -cf - -T - | tar -xf - -C "$out"
	for f in $(fenced_files); do
		awk -v strip="$strip" -f "$FENCE" "$f" >"$out/$f.tmp" || die "cannot strip $f"
		if cmp -s "$f" "$out/$f.tmp"; then
			rm "$out/$f.tmp"
		else
			mv "$out/$f.tmp" "$out/$f"
		fi
	done
	printf 'lab %s\nstripped %s\n' "$lab" "$strip" >"$out/.handout"
	echo "handout of lab $lab (stripped: $strip) in $out"
}

also=""
list_tree
case ${1:-} in
--check) check; exit 0 ;;
--also) also=${2:-}; shift 2 ;;
esac
[ $# -eq 2 ] || die "usage: handout.sh [--also LABS] LAB OUTDIR | --check"
handout "$1" "$2" "$also"
