#!/usr/bin/env bash
# Wall time from starting QEMU (TCG) to the first line a user program
# prints ("init: Pagoda user space is up"), for the -kernel path and the
# GRUB ISO. Median of 5 runs each, in MEM (default 640M, as make run).
# usage: [MEM=SIZE] tools/boot-time.sh [BUILD_DIR]
set -u
B=${1:-build}
first_output() {     # print seconds until the init line appears
	local start end
	start=$(date +%s.%N)
	timeout 30 "$@" </dev/null 2>/dev/null | while IFS= read -r line; do
		case $line in *"user space is up"*) date +%s.%N; break ;; esac
	done | { read -r end; echo "$end - $start" | bc; }
}
median() { sort -n | sed -n 3p; }
MEM=${MEM:-640M}     # as `make run` (the ISO asks for a 256 MiB swap device)
Q=(qemu-system-x86_64 -accel tcg -machine q35 -device edu,addr=04.0 -m "$MEM" -display none -serial stdio -monitor none -no-reboot
   -device isa-debug-exit,iobase=0xf4,iosize=0x04)
k=$(for i in 1 2 3 4 5; do first_output "${Q[@]}" -kernel "$B/kernel32.elf" -append quiet \
	-initrd "$B/user/mm.elf,$B/user/init.elf hello,$B/user/hello.elf"; done | median)
iso=$(for i in 1 2 3 4 5; do first_output "${Q[@]}" -cdrom "$B/pagoda.iso"; done | median)
echo "boot to first user output, median of 5 (TCG): -kernel ${k}s, GRUB ISO ${iso}s"
