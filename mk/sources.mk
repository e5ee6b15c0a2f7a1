# Explicit source lists. Adding a file means adding it here.

BOOT_SRCS   := boot/entry.S
ARCH_SRCS   := kernel/arch/x86_64/entry.S kernel/arch/x86_64/gdt.c kernel/arch/x86_64/idt.c \
               kernel/arch/x86_64/trap.c kernel/arch/x86_64/serial.c kernel/arch/x86_64/timer.c \
               kernel/arch/x86_64/fpu.c kernel/arch/x86_64/paging.c kernel/arch/x86_64/power.c \
               kernel/arch/x86_64/syscall_arch.c kernel/arch/x86_64/pagetable.c \
               kernel/arch/x86_64/pci.c kernel/arch/x86_64/lapic.c kernel/arch/x86_64/acpi.c \
               kernel/arch/x86_64/dmar.c kernel/arch/x86_64/vtd_boot.c kernel/arch/x86_64/vtd.c \
               kernel/arch/x86_64/vtd_fault.c kernel/arch/x86_64/vtd_table.c kernel/arch/x86_64/vtd_check.c
KERNEL_SRCS := kernel/main.c kernel/console.c kernel/tty.c kernel/lib.c kernel/bootinfo.c \
               kernel/bootopt.c kernel/bootmem.c kernel/vm.c kernel/proc.c \
               kernel/sched.c kernel/spawn.c kernel/fault.c kernel/syscall.c kernel/ipc.c \
               kernel/mmcall.c kernel/supply.c kernel/iommucall.c kernel/frameset.c \
               kernel/device.c kernel/devcall.c

# lib/: pure, freestanding code that the kernel and the memory server both
# compile, each with its own flags (ELF checking, the first user stack,
# printf-style formatting). It includes only libsys/include and lib/.
LIB_SRCS    := lib/elf.c lib/ustack.c lib/format.c

LIBSYS_SRCS := libsys/src/crt0.S libsys/src/syscall.c libsys/src/newlib_glue.c libsys/src/ipc.c \
               libsys/src/mmclient.c libsys/src/sbrk.c libsys/src/thread.c libsys/src/rlock.c \
               libsys/src/dev.c libsys/src/dma.c libsys/src/dmapool.c

# The memory server: its allocators (host-tested too) and its server code.
MM_SRCS     := servers/mm/main.c servers/mm/env.c servers/mm/policy.c servers/mm/policy_ghost.c servers/mm/policy_fifo.c servers/mm/policy_clock.c \
               servers/mm/policy_nru.c servers/mm/policy_aging.c servers/mm/policy_random.c servers/mm/policy_wsclock.c \
               servers/mm/policy_car.c servers/mm/policy_clockpro.c servers/mm/policy_2q.c servers/mm/policy_linux.c \
               servers/mm/budget.c servers/mm/stat.c servers/mm/event.c servers/mm/proc.c servers/mm/region.c \
               servers/mm/fault.c servers/mm/spawn.c servers/mm/requests.c servers/mm/shm.c \
               servers/mm/backend_anon.c servers/mm/backend_elf.c servers/mm/backend_shm.c \
               servers/mm/backend_mmio.c servers/mm/device.c \
               servers/mm/zone.c servers/mm/buddy.c servers/mm/slab.c servers/mm/slab_debug.c \
               servers/mm/kmalloc.c servers/mm/kcall.c servers/mm/check.c servers/mm/options.c \
               servers/mm/swap.c servers/mm/swap_slot.c servers/mm/swap_cache.c servers/mm/reclaim.c \
               servers/mm/oom.c servers/mm/module.c servers/mm/meminfo.c \
               servers/mm/grant.c servers/mm/backend_dma.c servers/mm/dma_bus.c \
               servers/mm/dma_frames.c servers/mm/dma_stream.c servers/mm/bounce.c \
               servers/mm/dma_info.c servers/mm/dma_check.c \
               servers/mm/lend.c servers/mm/swapdev.c servers/mm/swapdev_selftest.c \
               servers/mm/iommu.c servers/mm/iommu_domain.c servers/mm/iommu_fault.c servers/mm/iova.c \
               lib/elf.c lib/ustack.c
# The replacement policies among them (policy.c, policy_ghost.c, policy_*.c):
# the host simulator and the policy suite compile exactly these.
POLICY_SRCS := $(filter servers/mm/policy%.c,$(MM_SRCS))

# User programs: one .c each under user/ (or tests/progs/ for test programs).
USER_PROGS  := init hello sh memstat touch fill events policy replay edudemo victim
TEST_PROGS  := fault_null fault_write_code fault_hlt fault_cli fault_kernel_jump \
               badsys spin fault_unmapped heap_faults stack_grow stack_overflow mmap_anon \
               shm_writer shm_reader ipc_ping ipc_pong ipc_forbidden notify_test threads \
               hostile bench bench_echo spawn_untouched \
               mmap_churn stat_spares mmap_stack munmap_exit heap_start wait_send heap_shrink \
               copy_untouched recv_refused ipc_handles read_blocked mmcall_probe \
               exit_with printf_c99 spawn_orphan malloc_threads thread_reap thread_overflow \
               blk_probe belady swap_pattern swap_shared swap_clean iommu_probe iommu_denied \
               devtest devprobe dma_probe edudma dmadrv dma_victim slab_hold
