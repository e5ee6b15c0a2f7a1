# Pagoda - top-level build. Targets a user needs:
#   make run    build, make the GRUB ISO, boot it in QEMU (serial on this terminal)
#   make test   host unit tests + QEMU system tests, ending "N passed, M failed"
#   make gdb    QEMU paused with its GDB stub, gdb attached with kernel symbols
#   make iso    build/pagoda.iso (GRUB, bootable)
#   make bench  benchmarks (host allocators; guest instruction counts)
#   make deps   install the Debian packages this tree needs
#   make handout LAB=NAME / make grade [LAB=NAME]   a lab's student tree; a lab's score (docs/teaching.md)
# ACCEL=kvm opts in to KVM; the default is TCG.

B       := build
ACCEL   ?= tcg
MEM     ?= 640M
V       ?= @

# ---- toolchain -----------------------------------------------------------
CC      := gcc
LD      := ld
OBJCOPY := objcopy
OBJDUMP := objdump
NM      := nm
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wno-unused-parameter
INC     := -Ilibsys/include

KCFLAGS := -std=gnu11 -O2 -g $(WARN) $(INC) -Ikernel -Ikernel/arch/x86_64 \
           -ffreestanding -fno-builtin -fno-stack-protector -fno-pie -fno-pic \
           -mcmodel=kernel -mno-red-zone -mgeneral-regs-only -nostdinc \
           -isystem $(shell $(CC) -print-file-name=include) \
           -fno-asynchronous-unwind-tables -fno-omit-frame-pointer
KASFLAGS := $(KCFLAGS) -D__ASSEMBLY__

# ---- sources (explicit lists) ---------------------------------------------
include mk/sources.mk

# ---- everything else ------------------------------------------------------
include mk/deps.mk
include mk/kernel.mk
include mk/newlib.mk
include mk/user.mk
include mk/ramdisk.mk
include mk/drivers.mk
include mk/iso.mk
include mk/host.mk
include mk/mm-host.mk
include mk/policysim.mk
include mk/qemu.mk
include mk/replay.mk
include mk/lab.mk

.PHONY: all clean
all: $(B)/kernel.elf $(B)/kernel32.elf $(USER_ELFS)

clean:
	rm -rf $(B)/kernel $(B)/user $(B)/libsys $(B)/host $(B)/lab $(B)/lab-template $(B)/results $(B)/handout $(B)/grade $(B)/lab-check $(B)/*.elf $(B)/*.iso $(B)/iso

distclean:
	rm -rf $(B)
.SECONDARY:

.PHONY: bench
bench: bench-host bench-qemu
