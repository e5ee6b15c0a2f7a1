#!/usr/bin/env bash
# Make sure the Debian packages Pagoda needs are installed.
# usage: tools/deps.sh [--check]
# As root, installs what is missing with apt-get. Otherwise prints the exact
# apt-get line and fails. --check only reports (exit 1 if something is missing).
set -u
PKGS="gcc make binutils qemu-system-x86 grub-pc-bin grub-common xorriso mtools \
newlib-source libcmocka-dev libjemalloc-dev libmimalloc-dev gdb xz-utils cpio bc gnuplot-nox jq"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "${1:-}" = "--check" ]; then
	echo "missing Debian packages:$missing"
	exit 1
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "Pagoda needs these Debian packages:$missing"
	echo "Install them with:"
	echo "  sudo apt-get install -y$missing"
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq $missing >/dev/null || {
	echo "deps: apt-get install failed; run: apt-get install -y$missing"
	exit 1
}
