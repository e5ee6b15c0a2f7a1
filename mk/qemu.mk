# qemu
