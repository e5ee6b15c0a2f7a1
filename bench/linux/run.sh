#!/usr/bin/env bash
# run.sh - measure the peer: Debian's Linux kernel (linux-image-amd64, the
# same release as this machine's archive) booted in the same QEMU as
# Pagoda, running bench/linux/lbench.c as /init.
# usage: bench/linux/run.sh BUILD_DIR CPU ICOUNT(0|1)
# Writes BUILD_DIR/bench/linux-icount.csv or linux-host.csv.
# The kernel package is only downloaded and unpacked into the build tree
# (apt-get download + dpkg-deb -x), never installed.
set -eu
B=$1 CPU=$2 ICOUNT=$3
P=$B/peer
mkdir -p "$P" "$B/bench"
if [ ! -f "$P/vmlinuz" ]; then
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/{print $2; exit}')
	[ -n "$pkg" ] || { apt-get update -qq >/dev/null 2>&1; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}'); }
	(cd "$P" && apt-get download "$pkg" >/dev/null 2>&1)
	rm -rf "$P/x" && dpkg-deb -x "$P"/linux-image-*.deb "$P/x"
	cp "$P"/x/boot/vmlinuz-* "$P/vmlinuz"
	rm -rf "$P/x"
fi
# brd (the RAM block device the swap benchmark swaps to) from the same
# package; kept as a file of the initramfs, loaded by lbench.
if [ ! -f "$P/brd.ko" ]; then
	rm -rf "$P/x" && dpkg-deb -x "$P"/linux-image-*.deb "$P/x"
	find "$P/x" -name brd.ko -exec cp {} "$P/brd.ko" \;
	rm -rf "$P/x"
fi
gcc -O2 -static -o "$P/init" bench/linux/lbench.c
(cd "$P" && printf 'init\nbrd.ko\n' | cpio -o -H newc --quiet >initramfs.cpio)
icount=()
name=host
if [ "$ICOUNT" = 1 ]; then icount=(-icount shift=0); name=icount; fi
timeout 600 qemu-system-x86_64 -accel tcg "${icount[@]}" -cpu "$CPU" -m 256M -no-reboot \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 -display none -serial stdio -monitor none \
	-kernel "$P/vmlinuz" -initrd "$P/initramfs.cpio" \
	-append "console=ttyS0 quiet panic=-1 mitigations=off" </dev/null | tr -d '\r' >"$P/$name.log" || true
sed -n '/^BEGIN CSV/,/^END CSV/p' "$P/$name.log" | sed '1d;$d' >"$B/bench/linux-$name.csv"
grep -q '^sys_null,' "$B/bench/linux-$name.csv"
