/*
 * pagoda/syscall.h - the system call ABI (the one definition).
 *
 * Calling convention (x86_64 `syscall` instruction):
 *   rax = system call number, arguments in rdi, rsi, rdx, r10, r8, r9;
 *   result in rax: >= 0 on success, -ERR_x (pagoda/error.h) on failure.
 *   rcx and r11 are clobbered (the CPU uses them); every other register,
 *   including the FPU/SSE state, is preserved.
 * Every pointer argument is checked over its whole length before
 * anything happens: a page of it that is not there yet (or read-only, for
 * output) is first asked of the memory server, as a page fault would be
 * (MM_FAULT with MM_FAULT_COPY, pagoda/mm.h); a kernel address, or one the
 * server refuses, gets -ERR_FAULT and no partial effect. An unknown
 * number gets -ERR_NOSYS.
 */
#ifndef PAGODA_SYSCALL_H
#define PAGODA_SYSCALL_H

#include <stdint.h>

/* Timer ticks per second as seen by SYS_UPTIME. */
#define PAGODA_TICK_HZ 100

/* Longest console write accepted in one call (bytes). */
#define PAGODA_WRITE_MAX (1u << 20)

enum pagoda_syscall {
	/* SYS_NULL(): does nothing, returns 0. The cost floor of a system call. */
	SYS_NULL    = 0,
	/* SYS_EXIT(int status): ends the calling process. Does not return. */
	SYS_EXIT    = 1,
	/* SYS_WRITE(const void *buf, size_t len): writes to the console.
	 * Returns len. Errors: ERR_FAULT (buf not readable), ERR_INVAL
	 * (len > PAGODA_WRITE_MAX). */
	SYS_WRITE   = 2,
	/* SYS_GETPID(): the caller's process id (>= 1). */
	SYS_GETPID  = 3,
	/* SYS_YIELD(): gives up the rest of the time slice. Returns 0. */
	SYS_YIELD   = 4,
	/* SYS_UPTIME(): timer ticks since boot (PAGODA_TICK_HZ per second). */
	SYS_UPTIME  = 5,
	/* SYS_READ(void *buf, size_t len): reads console input; blocks until at
	 * least one byte is there. Returns the count. ERR_FAULT (also when buf
	 * stopped being writable while the call waited: then no input is
	 * consumed), ERR_INVAL (len 0 or > PAGODA_WRITE_MAX), ERR_BUSY
	 * (another thread is reading). */
	SYS_READ    = 6,
	/* SYS_POWEROFF(int code): powers the machine off; code 0 is a clean
	 * shutdown, anything else a failure (QEMU exits 33 or 35). Only
	 * processes given PROC_FLAG_POWER at spawn. ERR_PERM otherwise. */
	SYS_POWEROFF = 7,

	/* IPC: see pagoda/ipc.h for the message registers and the rules. */
	SYS_SEND       = 8,   /* (dst pid, msg): blocks until received */
	SYS_RECV       = 9,   /* (src pid, IPC_ANY or PID_KERNEL): blocks until a message arrives */
	SYS_CALL       = 10,  /* (dst pid, msg): send, then wait for dst's reply */
	SYS_REPLY      = 11,  /* (reply handle, msg): answer a caller; never blocks */
	SYS_NOTIFY     = 12,  /* (dst pid, bits): OR bits into dst's pending word */
	SYS_REPLY_RECV = 13,  /* (reply handle, msg, src): reply, then receive */

	/* Threads of the calling process. */
	/* SYS_THREAD_CREATE(entry, stack top, arg): a new thread starts at
	 * entry(arg) with rsp = stack top (16-byte aligned, minus 8). Returns
	 * the thread id. ERR_INVAL (entry or stack not user addresses),
	 * ERR_NOSPC (thread table full). */
	SYS_THREAD_CREATE = 14,
	/* SYS_THREAD_EXIT(): ends the calling thread; the last one ends the
	 * process with status 0. */
	SYS_THREAD_EXIT   = 15,
	/* SYS_GETTID(): the calling thread's id. */
	SYS_GETTID        = 16,

	/* Memory-server calls, SYS_MM_FIRST .. SYS_MM_LAST: only the memory
	 * server may make these; anyone else gets ERR_PERM. Every argument
	 * is checked before anything changes. See docs/mm-protocol.md. */
	/* (const char *name, paddr_t root, flags) -> pid. root: a frame the
	 * kernel makes the new top-level page table. flags: PROC_FLAG_*. */
	SYS_MM_PROC_CREATE  = 20,
	SYS_MM_FIRST        = SYS_MM_PROC_CREATE,   /* from here to SYS_MM_LAST: memory server only */
	/* (pid, entry, rsp, arg) -> tid: first thread of a created process. */
	SYS_MM_THREAD_START = 21,
	/* (pid, va, pa, rights, spare0, spare1, [r12] spare2) -> number of the
	 * MM_MAP_SPARES spare frames (in order) the kernel used as new page
	 * tables: when it used k of them, spare k-1 became the leaf table
	 * and the ones before it the levels above. Spares may be PADDR_NONE.
	 * ERR_BUSY if va is mapped; ERR_NOMEM if the spares given are too
	 * few (checked first: then none is used). */
	SYS_MM_MAP          = 22,
	/* (pid, va) -> pa | MM_PTE_ACCESSED | MM_PTE_DIRTY of the old entry.
	 * ERR_NOENT if nothing is mapped there. */
	SYS_MM_UNMAP        = 23,
	/* (pid, va, rights) -> 0: change a mapped page's rights. ERR_NOENT. */
	SYS_MM_PROTECT      = 24,
	/* (pid, va, npages <= 63) -> bitmap: bit i = page va + i*4K was
	 * accessed since last asked; the accessed bits are cleared. */
	SYS_MM_ACCESSED     = 25,
	/* (src pid, src va, dst pid, dst va, len) -> 0: copy between address
	 * spaces. Both ranges are checked first (ERR_FAULT). len <= 1 MiB. */
	SYS_MM_COPY         = 26,
	/* (pid, status) -> 0: end a process (the memory server already logged
	 * why). ERR_SRCH if it is not alive. */
	SYS_MM_KILL         = 27,
	/* (pid) -> 0: forget a dead process whose exit was reported; its page
	 * tables are no longer used by the kernel and may be freed. */
	SYS_MM_PROC_DESTROY = 28,
	/* (pid, target pid) -> 0: let pid send to target (IPC permission). */
	SYS_MM_IPC_ALLOW    = 29,
	/* (pid, va) -> pa | MM_PTE_* bits of the page mapped at va (page
	 * aligned, like SYS_MM_UNMAP's), changing nothing (the accessed and
	 * dirty bits stay as they are). ERR_NOENT if nothing is mapped there,
	 * ERR_INVAL for a bad va. For the memory server's checkers and,
	 * later, its replacement policy. */
	SYS_MM_LOOKUP       = 30,
	/* (pid, va, len, uint64_t *out, max) -> n: unlink every page-table
	 * frame of pid below the root that maps nothing and whose span meets
	 * [va, va + len), write their physical addresses to out[0..n) (in the
	 * memory server's own memory), at most max (1..MM_PRUNE_MAX) of them.
	 * The frames are the server's again: the kernel keeps no reference.
	 * Bottom up: a PD whose only PT is pruned is pruned in the same call.
	 * The root is never pruned. n == max: call again, there may be more.
	 * ERR_INVAL (len 0, range not user, max out of range), ERR_FAULT (out
	 * not writable for max entries: checked before anything changes),
	 * ERR_SRCH (no such process, or the memory server itself). */
	SYS_MM_PRUNE        = 31,
	/* (pid, const struct mm_map_run *run, spare0, spare1, spare2) ->
	 * spares used: map run->npages (1..MM_MAP_RUN_MAX) pages from run->va
	 * to the contiguous frames from run->pa, all with run->rights - one
	 * call where SYS_MM_MAP would take npages (the swap device's storage
	 * at spawn). The pages lie in one 2 MiB span (one leaf table), so the
	 * spares serve as for SYS_MM_MAP. Checked before anything changes:
	 * ERR_SRCH; ERR_FAULT (run not readable memory of the server);
	 * ERR_INVAL (npages out of range, va not page aligned or the run not
	 * inside one 2 MiB span of user addresses, a frame of the run not
	 * RAM or in the kernel image, unknown rights, bad spares); ERR_BUSY
	 * (a page of the run is mapped); ERR_NOMEM (too few spares). */
	SYS_MM_MAP_RUN      = 32,
	/* (bdf) -> the pid that owns the device (> 0), 0 if the device
	 * exists but is unowned. ERR_NOENT (no such device), ERR_INVAL (bdf
	 * above DEV_BDF_MAX). Changes nothing. The memory server asks it
	 * before it hands a driver anything tied to a device (pagoda/dev.h). */
	SYS_MM_DEVICE       = 33,
	/* (pid, va, pa, dev, spare0, spare1, [r12] spare2) -> spares used:
	 * map the device page at pa into pid at va, read-write, never
	 * executable, uncached. dev = bdf | bar << 16 (bar 0..DEV_BARS-1).
	 * The page must lie inside that BAR of a device pid owns, and the
	 * BAR must be DEV_BAR_MAPPABLE (pagoda/dev.h): device memory, never
	 * RAM. The spares serve as for SYS_MM_MAP. Checked in this order,
	 * before anything changes: ERR_SRCH (pid not alive, or the server);
	 * ERR_INVAL (va not a page-aligned user address, pa not page
	 * aligned, unknown bits in dev, bar out of range, bad spares);
	 * ERR_NOENT (no such device); ERR_PERM (pid does not own it);
	 * ERR_INVAL (the BAR is not mappable, or pa is outside it); ERR_BUSY
	 * (va is mapped); ERR_NOMEM (too few spares). */
	SYS_MM_MAP_MMIO     = 34,

	/* The IOMMU (DMA remapping) calls, 35..39 (docs/iommu.md). mm
	 * decides which device reaches which frames at which I/O virtual
	 * address (IOVA); the kernel builds the hardware's tables from
	 * frames mm hands in and invalidates the hardware's caches before
	 * it returns. A device is named by its PCI requester id, bdf =
	 * bus << 8 | device << 3 | function; a domain (one I/O address
	 * space) by a number 1 .. info.domains - 1. Every frame argument
	 * must be RAM that mm manages: page aligned, inside a usable range
	 * of the boot memory map, outside the kernel image, the boot
	 * modules and the frames the kernel built mm from - never device
	 * memory - and not already an IOMMU table (nor, for a table,
	 * mapped for a device). Without an IOMMU, or before
	 * SYS_MM_IOMMU_ENABLE, the calls from 37 up get ERR_NOENT. */
	/* (struct mm_iommu_info *out) -> 0: what the kernel found and holds
	 * (fields below). ERR_FAULT (out not writable mm memory). Answers
	 * with flags 0 when there is no IOMMU. */
	SYS_MM_IOMMU_INFO   = 35,
	/* (root frame) -> 0: translation on, with `root` (zeroed here) as
	 * the root table: from then on a device reaches only what its
	 * domain maps, and a device in no domain reaches nothing. It stays
	 * on until power-off. ERR_NOENT (no usable IOMMU), ERR_PERM (the
	 * kernel was booted with iommu=off), ERR_BUSY (already on),
	 * ERR_INVAL (bad frame). */
	SYS_MM_IOMMU_ENABLE = 36,
	/* (op, domain, bdf, frame) -> result by op (MM_IOMMU_* below):
	 *   CREATE  domain with `frame` (zeroed) as its second-level root -> 0.
	 *           ERR_BUSY (the domain exists), ERR_INVAL (bad id or frame).
	 *   DESTROY domain -> 0; its root frame is mm's again. ERR_NOENT (no
	 *           such domain), ERR_BUSY (a device is attached or a page
	 *           is mapped).
	 *   ATTACH  device bdf to domain -> spares used (0, or 1: `frame`,
	 *           a spare or PADDR_NONE, became the bus's context table,
	 *           which then stays until power-off). ERR_NOENT (no such
	 *           domain, or no remapping unit covers bdf), ERR_BUSY (bdf
	 *           is attached), ERR_NOMEM (the bus has no context table
	 *           and frame is PADDR_NONE), ERR_INVAL (bad spare).
	 *   DETACH  device bdf from domain -> 0: its context entry cleared,
	 *           the context cache and the domain's IOTLB entries
	 *           invalidated: the device reaches nothing any more.
	 *           ERR_NOENT (bdf is not attached to that domain). */
	SYS_MM_IOMMU_DOMAIN = 37,
	/* (domain, const struct mm_map_run *run, spare0, spare1, spare2) ->
	 * spares used: map run->npages (1..MM_MAP_RUN_MAX) pages from IOVA
	 * run->va to the contiguous frames from run->pa, with run->rights:
	 * MM_RIGHT_READ (the device may read them) or MM_RIGHT_READ |
	 * MM_RIGHT_WRITE (and write). The IOVAs lie in one 2 MiB span below
	 * 1 << info.iova_bits, so the spares serve as for SYS_MM_MAP (at
	 * most info.levels - 1 are used). ERR_NOENT (no such domain),
	 * ERR_FAULT (run not readable), ERR_INVAL (npages, IOVA, rights, a
	 * frame or a spare refused), ERR_BUSY (a page of the run is
	 * mapped), ERR_NOMEM (too few spares), ERR_NOSPC (the kernel's
	 * record of IOMMU frames is full). Nothing changes on an error. */
	SYS_MM_IOMMU_MAP    = 38,
	/* (domain, iova, npages, uint64_t out[MM_MAP_SPARES]) -> n: unmap
	 * npages (1..MM_MAP_RUN_MAX) pages from iova (one 2 MiB span, every
	 * page mapped), unlink the tables that leaves empty (the leaf
	 * table first), invalidate the IOTLB (page-selective where the
	 * unit can, else the domain), and only then return: the n unlinked
	 * table frames are in out[0..n) and, like the unmapped frames, are
	 * mm's again - no device can reach them any more. ERR_NOENT (no
	 * such domain, or a page of the range is not mapped), ERR_INVAL,
	 * ERR_FAULT (out not writable for MM_MAP_SPARES entries: checked
	 * before anything changes). */
	SYS_MM_IOMMU_UNMAP  = 39,
	SYS_MM_LAST         = 39,   /* the memory server's calls end here */

	/* Driver calls: any process may make them; the kernel checks that
	 * the caller owns the device named by bdf (pagoda/dev.h), else
	 * ERR_PERM. Every argument is checked before anything changes; a
	 * bdf above DEV_BDF_MAX is ERR_INVAL, a bdf the kernel did not find
	 * at boot ERR_NOENT. See docs/drivers.md. */
	/* (bdf, offset, width) -> the value read (zero-extended). width 1, 2
	 * or 4, offset < PCI_CFG_SIZE and a multiple of width, else
	 * ERR_INVAL. The enumerator may read any bus-0 function, present or
	 * not (an absent one reads all ones); others only their own device. */
	SYS_DEV_CONFIG_READ  = 40,
	SYS_DEV_FIRST        = SYS_DEV_CONFIG_READ,
	/* (bdf, offset, width, value) -> 0: owner only. Arguments as for
	 * the read (ERR_INVAL; value wider than width: ERR_INVAL); a write
	 * overlapping a BAR, the ROM BAR or the MSI capability: ERR_PERM. */
	SYS_DEV_CONFIG_WRITE = 41,
	/* (bdf, struct dev_info *out) -> 0: what the kernel knows of the
	 * device (ids, class, BARs with sizes, owner, interrupt). The owner,
	 * the enumerator and the memory server may ask. ERR_FAULT (out not
	 * writable for sizeof(struct dev_info)). */
	SYS_DEV_INFO         = 42,
	/* (bdf, bits) -> the CPU vector: owner only. The kernel allocates a
	 * vector, programs the device's MSI capability to raise it on this
	 * CPU and enables MSI; from then on each interrupt ORs `bits` into
	 * the owner's notifications (a MSG_NOTIFY from PID_KERNEL, ipc.h),
	 * and the kernel acknowledges the local APIC itself (MSI is edge
	 * triggered: nothing for the driver to acknowledge but its device's
	 * own status). The device needs bus mastering on to send an MSI.
	 * ERR_INVAL (bits 0), ERR_NOSYS (the device has no MSI capability),
	 * ERR_BUSY (already bound), ERR_NOSPC (no vector left). */
	SYS_DEV_IRQ_BIND     = 43,
	/* (bdf) -> 0: owner only. MSI disabled, the vector freed; ERR_NOENT
	 * too if nothing is bound. */
	SYS_DEV_IRQ_UNBIND   = 44,
	/* (bdf, pid) -> 0: the enumerator only (else ERR_PERM). pid becomes
	 * the device's owner. ERR_SRCH (pid not alive, or the memory
	 * server), ERR_BUSY (the device has an owner: it is released only
	 * when that one ends), ERR_PERM also for a bridge (class 0x06: the
	 * host bridge, the ISA bridge the timer and console sit behind are
	 * the kernel's). */
	SYS_DEV_ASSIGN       = 45,
	/* 46, 47: reserved for drivers; ERR_NOSYS. */
	SYS_DEV_LAST         = 47,
	SYS__COUNT
};

/* SYS_MM_IOMMU_DOMAIN's operations (its first argument). */
#define MM_IOMMU_CREATE  0
#define MM_IOMMU_DESTROY 1
#define MM_IOMMU_ATTACH  2
#define MM_IOMMU_DETACH  3

/* SYS_MM_IOMMU_INFO's answer. */
struct mm_iommu_info {
	uint32_t flags;         /* MM_IOMMU_PRESENT, _ENABLED, _OFF, _PSI */
	uint32_t units;         /* remapping units in use */
	uint32_t iova_bits;     /* IOVAs lie below 1 << iova_bits */
	uint32_t levels;        /* levels of second-level tables (3: 39 bits) */
	uint32_t domains;       /* domain ids are 1 .. domains - 1 */
	uint32_t pad;
	uint64_t reg_base;      /* the first unit's registers (physical) */
	uint64_t faults;        /* DMA faults recorded since boot */
	uint64_t faults_lost;   /* ... of which the kernel kept only the count */
	uint64_t overflows;     /* times the hardware dropped faults (PFO) */
	uint64_t mapped;        /* pages mapped, all domains */
	uint64_t tables;        /* frames the kernel holds as IOMMU tables */
};
_Static_assert(sizeof(struct mm_iommu_info) == 6 * 4 + 6 * 8, "no padding");

#define MM_IOMMU_PRESENT 0x1    /* a usable remapping unit was found */
#define MM_IOMMU_ENABLED 0x2    /* translation is on */
#define MM_IOMMU_OFF     0x4    /* booted with iommu=off: ENABLE is refused */
#define MM_IOMMU_PSI     0x8    /* page-selective IOTLB invalidation */

/* Process flags given at SYS_MM_PROC_CREATE. */
#define PROC_FLAG_POWER  0x1    /* may call SYS_POWEROFF */
#define PROC_FLAG_DEVMGR 0x2    /* the device enumerator (pagoda/dev.h): at most
				   one alive at a time (else ERR_BUSY) */

/* Rights for SYS_MM_MAP / SYS_MM_PROTECT (read is implied). */
#define MM_RIGHT_READ  0x1
#define MM_RIGHT_WRITE 0x2
#define MM_RIGHT_EXEC  0x4

/* Low bits of SYS_MM_UNMAP's and SYS_MM_LOOKUP's result (the frame
 * address is page aligned). */
#define MM_PTE_ACCESSED 0x1
#define MM_PTE_DIRTY    0x2
#define MM_PTE_WRITE    0x4     /* SYS_MM_LOOKUP: the page is writable */
#define MM_PTE_EXEC     0x8     /* SYS_MM_LOOKUP: the page is executable */

/* SYS_MM_MAP takes this many spare frames: a new user address needs at
 * most three new tables below the root (PDPT, PD, PT). */
#define MM_MAP_SPARES 3

/* SYS_MM_MAP_RUN's argument, in the memory server's memory. */
struct mm_map_run {
	uint64_t va;            /* first page */
	uint64_t pa;            /* first frame; frame i is pa + i * 4 KiB */
	uint64_t npages;        /* 1 .. MM_MAP_RUN_MAX, within one 2 MiB span */
	uint64_t rights;        /* MM_RIGHT_* */
};
#define MM_MAP_RUN_MAX 512      /* pages of one leaf table */

/* Most frames one SYS_MM_PRUNE call reports. */
#define MM_PRUNE_MAX 64

#endif
