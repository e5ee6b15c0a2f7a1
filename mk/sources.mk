# Explicit source lists. Adding a file means adding it here.

BOOT_SRCS   := boot/entry.S
ARCH_SRCS   := kernel/arch/x86_64/entry.S kernel/arch/x86_64/gdt.c kernel/arch/x86_64/idt.c \
               kernel/arch/x86_64/trap.c kernel/arch/x86_64/serial.c kernel/arch/x86_64/timer.c \
               kernel/arch/x86_64/fpu.c kernel/arch/x86_64/paging.c kernel/arch/x86_64/power.c \
               kernel/arch/x86_64/syscall_arch.c
KERNEL_SRCS := kernel/main.c kernel/console.c kernel/format.c kernel/lib.c kernel/bootinfo.c \
               kernel/bootopt.c kernel/bootmem.c kernel/elf.c kernel/vm.c kernel/proc.c \
               kernel/sched.c kernel/spawn.c kernel/fault.c kernel/syscall.c

LIBSYS_SRCS := libsys/src/crt0.S libsys/src/syscall.c libsys/src/newlib_glue.c

# User programs: one .c each under user/ (or tests/progs/ for test programs).
USER_PROGS  := init hello sh memstat touch
TEST_PROGS  := fault_null fault_write_code fault_hlt fault_cli fault_kernel_jump \
               badsys spin
