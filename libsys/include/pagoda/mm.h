/*
 * pagoda/mm.h - the memory server's protocol (its requests and replies).
 *
 * Every process may CALL the memory server (pid MM_PID). A request is an
 * ipc_msg whose tag is one of the MM_* values below; the reply's tag is the
 * result (>= 0, or -ERR_x) and its words carry the values listed. Pointer
 * arguments refer to the caller's address space; the server copies through
 * the kernel, so a bad pointer gets ERR_FAULT. Unknown tags get ERR_NOSYS.
 * Full field tables: docs/mm-protocol.md.
 */
#ifndef PAGODA_MM_H
#define PAGODA_MM_H

#include <stdint.h>
#include <pagoda/ipc.h>

#define MM_PID 1                /* the memory server is always pid 1 */

enum mm_request {
	/* w0 = argv string (words separated by spaces), w1 = its length
	 * (< MM_ARGV_MAX), w2 = MM_SPAWN_* flags, w3 = frame budget of the
	 * child's heap and anonymous mappings (with MM_SPAWN_BUDGET only:
	 * 1 .. managed pages).
	 * -> tag = pid of the child. ERR_NOENT (no such program), ERR_INVAL,
	 * ERR_FAULT, ERR_NOMEM, ERR_NOSPC. */
	MM_SPAWN = 1,
	/* w0 = child pid, or -1 for any child. Blocks until it has exited.
	 * -> tag = pid, w0 = exit status. ERR_SRCH (no such child). */
	MM_WAIT = 2,
	/* w0 = increment in bytes (signed). -> tag = 0, w0 = old break.
	 * ERR_NOMEM (past MM_HEAP_MAX or into another region), ERR_INVAL. */
	MM_SBRK = 3,
	/* w0 = length, w1 = MM_PROT_*, w2 = MM_MAP_* flags, w3 = key (shared),
	 * w4 = frame budget (with MM_MAP_BUDGET only: 1 .. managed pages).
	 * -> tag = 0, w0 = address. Anonymous pages are zero-filled on first
	 * touch; MM_MAP_SHARED with the same key maps the same pages. */
	MM_MMAP = 4,
	/* w0 = address, w1 = length: exactly a region made by MM_MMAP. */
	MM_MUNMAP = 5,
	/* w0 = address, w1 = length (a whole MM_MMAP region), w2 = MM_PROT_*. */
	MM_MPROTECT = 6,
	/* -> tag = 0, w0..w2 = free pages in zones DMA, DMA32, NORMAL (after
	 * shrinking the slab caches), w3 = total managed pages, w4 = processes,
	 * w5 = swap slots in use but by the caller's own pages (so two
	 * readings by one process compare the others' use), w6 = the caller's
	 * own pages on swap. */
	MM_STAT = 7,
	/* w0 = index (0, 1, ...) into the process list, or MM_PROCINFO_SELF;
	 * w1 = MM_PROCINFO_BASIC (0) or MM_PROCINFO_PAGING (1).
	 * -> tag = pid (ERR_SRCH past the end). BASIC: w0 = resident pages,
	 * w1 = minor faults, w2 = page-table pages, w3..w6 = name (MM_PROC_NAME_LEN bytes).
	 * PAGING: w0 = major faults (served from swap), w1 = minor faults,
	 * w2 = pages now in swap, w3 = frame budget (0: none), w4 = frames
	 * in that budget now. ERR_SRCH also for an index of
	 * MM_PROCINFO_INDEX_MAX or more; ERR_INVAL for another w1. */
	MM_PROCINFO = 8,
	/* w0 = address of a struct mm_vmstat_info, w1 = its size (exactly
	 * sizeof), w2 = pool index: 0 the global pool, 1.. the budgets.
	 * -> tag = 0, the struct filled: the paging counters since boot and
	 * pool w2's policy counters. ERR_INVAL (size), ERR_NOENT (no such
	 * pool), ERR_FAULT. */
	MM_VMSTAT = 9,
	/* The paging-event ring (docs/events.md). w0 = MM_EVENTS_START (empty
	 * the ring and record), MM_EVENTS_STOP, or MM_EVENTS_READ: w1 =
	 * address of struct mm_event_rec[w2], w2 = how many fit (1 ..
	 * MM_EVENT_RING); the oldest events are moved there (and leave the
	 * ring). -> tag = events returned (READ) or 0, w0 = events lost (the
	 * ring overflowed) since START, w1 = recording (0/1).
	 * ERR_INVAL, ERR_FAULT. */
	MM_EVENTS = 10,
	/* w0 = address of a policy's text, "NAME", "NAME:K=V,K=V" or
	 * "NAME K=V K=V", w1 = its length (1 .. MM_POLICY_TEXT_MAX - 1);
	 * w2 = address of a buffer for the reason of a refusal, w3 = its size
	 * (0 with w2 = 0: no buffer; else 1 .. MM_POLICY_WHY_MAX): make that
	 * policy, with those parameters, run every pool (their frames are
	 * handed over). -> tag = 0, w0 = frames handed over, w1 = pools.
	 * ERR_INVAL (bad length, unknown policy or parameter, value out of
	 * range: the reason, one NUL-terminated line, is in the buffer),
	 * ERR_FAULT (the text or the buffer). A refusal changes nothing but
	 * the buffer. */
	MM_POLICY = 11,
	/* w0 = index (0 .. policies - 1) into the policy table, w1 = address
	 * of a struct mm_policy_info, w2 = its size (exactly sizeof).
	 * -> tag = 0, w0 = how many policies there are, w1 = the index of
	 * the active one; the struct filled (name, summary, parameters with
	 * default, range and, for the active policy, the value in use).
	 * ERR_INVAL (size), ERR_NOENT (index), ERR_FAULT. */
	MM_POLICY_INFO = 12,
	/* Read a boot module's bytes (a trace, say: modules that are not
	 * programs are files). w0 = address of its name (as MM_SPAWN names a
	 * program: "cpp-3000.txt"), w1 = the name's length (1 ..
	 * MM_MODULE_NAME_LEN - 1), w2 = offset into the module (0 .. its
	 * size), w3 = address of a buffer, w4 = how many bytes to read (0 ..
	 * MM_MODULE_READ_MAX; 0: only the size). -> tag = bytes copied
	 * (fewer than w4 at the end, 0 past it), w0 = the module's size.
	 * ERR_INVAL (a length or the offset), ERR_NOENT (no such module),
	 * ERR_FAULT. Nothing of mm changes. */
	MM_MODULE_READ = 13,
	/* The buddy allocator's free lists, like /proc/buddyinfo (memstat
	 * buddy; anyone may ask). w0 = address of a struct mm_buddyinfo,
	 * w1 = its size (exactly sizeof). -> tag = 0, the struct filled: per
	 * zone, the free blocks of each order 0 .. MM_MAX_ORDER_INFO and the
	 * zone's free pages, as the lists hold them now (the slab caches are
	 * not shrunk first, unlike MM_STAT). ERR_INVAL (size), ERR_FAULT
	 * (the buffer). Nothing of mm changes. */
	MM_BUDDYINFO = 14,
	/* One slab cache of mm's, like a line of /proc/slabinfo (memstat
	 * slab; anyone may ask). w0 = index (0, 1, ...) into mm's list of
	 * caches, w1 = address of a struct mm_slabinfo, w2 = its size
	 * (exactly sizeof). -> tag = 0, w0 = how many caches there are; the
	 * struct filled. ERR_INVAL (size), ERR_NOENT (index past the last:
	 * the struct is left alone), ERR_FAULT. Nothing of mm changes. */
	MM_SLABINFO = 15,

	/* Devices (pagoda/dev.h, docs/drivers.md). */
	/* w0 = bdf, w1 = BAR index (0 .. DEV_BARS-1): map that memory BAR of
	 * a device the caller owns into its address space, read-write,
	 * uncached, never executable, pages filled on first touch (a region
	 * of its own, never evicted or swapped: servers/mm/backend_mmio.c).
	 * -> tag = 0, w0 = address, w1 = length (the BAR's size). Asked
	 * again for the same BAR, the same answer. ERR_INVAL (bdf or bar out
	 * of range, an I/O or unmappable BAR, no BAR there), ERR_NOENT (no
	 * such device), ERR_PERM (the caller does not own it), ERR_NOMEM (no
	 * room in its address space). */
	MM_DEV_MMIO = 16,
	/* w0 = vendor << 16 | device id, w1 = which one (0: the first in bdf
	 * order): the caller may send to the driver of that device from now
	 * on. -> tag = the driver's pid, w0 = the bdf. ERR_NOENT (no such
	 * device), ERR_AGAIN (it has no driver yet), ERR_NOSPC (the caller's
	 * IPC permission table is full). */
	MM_DEV_OPEN = 17,
	/* The device enumerator only (else ERR_PERM), once (then ERR_BUSY):
	 * it has listed the devices and handed them to their drivers; the
	 * memory server now starts init. -> tag = 0. */
	MM_DEV_READY = 18,
	/* One boot module (the shell's help; anyone may ask). w0 = index
	 * (0, 1, ...) into the boot modules in boot order, w1 = address of a
	 * struct mm_module_info, w2 = its size (exactly sizeof). -> tag = 0,
	 * w0 = how many modules there are; the struct filled: name, size,
	 * whether it is a program (an ELF executable mm could spawn) and
	 * its one-line description, from its PAGODA_ABOUT section
	 * (pagoda/about.h; "" if it has none, or a malformed one).
	 * ERR_INVAL (size), ERR_NOENT (index past the last), ERR_FAULT.
	 * Nothing of mm changes. 20..29: the DMA grants. */
	MM_MODULE_INFO = 19,

	/* DMA (docs/dma.md, docs/mm-protocol.md). Only a driver may ask for
	 * DMA memory: the caller must own the PCI device named by its bdf
	 * (DEV_BDF, pagoda/dev.h; the kernel says who owns it,
	 * SYS_MM_DEVICE). A
	 * device's DMA mask is given as a number of address bits,
	 * MM_DMA_MASK_MIN .. 64 (24: ZONE_DMA, 32: DMA32, 64: any frame). */
	/* w0 = bdf, w1 = size in bytes (1 .. MM_DMA_GRANT_MAX), w2 = mask
	 * bits, w3 = 0 (no flags yet). A grant: size bytes rounded up to
	 * pages of physically contiguous, zeroed memory below the mask,
	 * pinned, mapped read-write into the caller, tied to the device.
	 * -> tag = 0, w0 = address in the caller, w1 = bus address (what the
	 * device is given), w2 = grant id, w3 = zone of its frames (0 DMA,
	 * 1 DMA32, 2 NORMAL), w4 = pages. ERR_INVAL (size 0 or above
	 * MM_DMA_GRANT_MAX, mask bits outside MM_DMA_MASK_MIN..64, flags),
	 * ERR_NOENT (no such device), ERR_PERM (the caller does not own it),
	 * ERR_NOSYS (the kernel cannot say who owns devices), ERR_NOMEM (no
	 * contiguous block below the mask free now, or no address range),
	 * ERR_NOSPC (MM_DMA_GRANTS_MAX grants already). */
	MM_DMA_ALLOC = 20,
	/* w0 = grant id: unmapped from the caller and from every process it
	 * was shared with, then freed. -> tag = 0. ERR_NOENT (no such grant:
	 * a bad id, or freed already), ERR_PERM (not the caller's). */
	MM_DMA_FREE = 21,
	/* w0 = grant id, w1 = pid, w2 = MM_PROT_READ or MM_PROT_READ |
	 * MM_PROT_WRITE: map the grant's frames into pid too (e.g. the client
	 * whose data it carries). -> tag = 0, w0 = address in pid.
	 * ERR_NOENT, ERR_PERM (as MM_DMA_FREE), ERR_SRCH (pid is no live
	 * process), ERR_INVAL (pid is the caller, bad prot), ERR_BUSY
	 * (shared with pid already), ERR_NOSPC (MM_DMA_SHARES_MAX shares),
	 * ERR_NOMEM. */
	MM_DMA_SHARE = 22,
	/* w0 = grant id, w1 = pid it was shared with: unmapped from pid (the
	 * caller keeps it). -> tag = 0. ERR_NOENT (no such grant, or not
	 * shared with pid), ERR_PERM. */
	MM_DMA_REVOKE = 23,
	/* A streaming mapping of the caller's own memory for one device:
	 * w0 = address, w1 = length (1 .. MM_DMA_MAP_MAX), w2 = direction
	 * (MM_DMA_TO_DEVICE, MM_DMA_FROM_DEVICE, MM_DMA_BIDIRECTIONAL) |
	 * MM_DMA_CONTIG, w3 = bdf, w4 = mask bits, w5 = address of a struct
	 * mm_dma_seg array for the bus segments (0: none), w6 = its length.
	 * The pages are pinned until MM_DMA_UNMAP; a page the device cannot
	 * reach (or every page, with the boot option bounce=force; or the
	 * whole buffer, with MM_DMA_CONTIG when it is not contiguous) is
	 * replaced by a bounce buffer below the mask, copied to at map time
	 * for MM_DMA_TO_DEVICE / _BIDIRECTIONAL.
	 * -> tag = 0, w0 = mapping id, w1 = segments (written to w5 when
	 * w5 != 0), w2 = bus address of the first, w3 = its length, w4 =
	 * pages bounced. ERR_FAULT (a page outside the caller's private
	 * regions - unmapped, shared or a grant - or not writable for a
	 * device that writes; or w5 not writable), ERR_INVAL, ERR_NOENT,
	 * ERR_PERM, ERR_NOSYS (the device, as MM_DMA_ALLOC), ERR_NOSPC (more
	 * segments than w6 allows, or MM_DMA_STREAMS_MAX mappings), ERR_NOMEM
	 * (no bounce buffer below the mask). */
	MM_DMA_MAP = 24,
	/* w0 = mapping id, w1 = MM_DMA_SYNC_FOR_DEVICE (copy the buffer to
	 * its bounce pages, for a device that reads) or MM_DMA_SYNC_FOR_CPU
	 * (copy the bounce pages back, after a device that writes).
	 * -> tag = 0, w0 = bytes copied. ERR_NOENT (no such mapping),
	 * ERR_PERM (not the caller's), ERR_INVAL (w1). */
	MM_DMA_SYNC = 25,
	/* w0 = mapping id: copied back (MM_DMA_FROM_DEVICE, _BIDIRECTIONAL),
	 * unpinned, its bounce buffers freed. -> tag = 0, w0 = bytes copied.
	 * ERR_NOENT, ERR_PERM. */
	MM_DMA_UNMAP = 26,
	/* For memstat (anyone may ask): w0 = MM_DMA_INFO_TOTALS,
	 * MM_DMA_INFO_GRANT or MM_DMA_INFO_STREAM, w1 = index (0, 1, ...)
	 * of the grant or mapping, w2 = address of the answer (struct
	 * mm_dma_totals, mm_dma_grant_info, mm_dma_stream_info), w3 = its
	 * size (exactly sizeof). -> tag = 0, the struct filled. ERR_INVAL
	 * (kind, size), ERR_NOENT (index past the last), ERR_FAULT. */
	MM_DMA_INFO = 27,

	/* The IOMMU (docs/iommu.md; 20..27 are the DMA requests). */
	/* w0 = index (0, 1, ...) into mm's device records (every device that
	 * had a domain or a DMA fault), w1 = address of a struct
	 * mm_iommu_dev_info, w2 = its size (exactly sizeof). -> tag = 0 and
	 * the struct filled; ERR_NOENT past the last record (the struct is
	 * left alone). Either way w0 = records, w1 = DMA faults counted since
	 * boot, w2 = of which the kernel kept only the count, w3 = times the
	 * hardware dropped faults, w4 = 1 if translation is on. ERR_INVAL
	 * (size), ERR_FAULT. Any process may ask (memstat iommu). */
	MM_IOMMU_STAT = 30,
	/* A teaching aid for the rogue-DMA demo (docs/labs/dma.md):
	 * answers only when mm's module line has the word `demo`, else
	 * ERR_PERM. w0 = MM_DEMO_* (what to aim at), w1 = pid, w2 = a page
	 * address in pid (MM_DEMO_VICTIM only). -> tag = 0, w0 = the
	 * physical address of: the page mapped at w2 in pid (VICTIM), mm's
	 * page-descriptor array (MM), pid's root page table (PAGETABLE), the
	 * kernel's image (KERNEL). ERR_INVAL (kind), ERR_SRCH (pid),
	 * ERR_NOENT (nothing mapped at w2). Nothing changes. */
	MM_DEMO_PADDR = 31,

	MM__REQUESTS
};

/* Sent by the kernel only (IPC_TAG_KERNEL range: processes cannot forge them). */
#define MM_FAULT     (IPC_TAG_KERNEL + 1)  /* src = faulting pid; w0 = address, w1 = MM_FAULT_*, w2 = ip */
/* MM_PROC_EXIT: src = 0; w0 = pid, w1 = status, w2 = how many of the
 * devices the process owned could NOT be shown stopped. Before the report
 * the kernel stopped each of its devices (bus mastering and MSI off, then
 * the command register read back) and released it; w2 counts those whose
 * read-back still showed bus mastering (or MSI) on, or that no longer
 * answer: such a device may still write memory, so the frames it was
 * given must not be reused (0 normally, and for a process without
 * devices). */
#define MM_PROC_EXIT (IPC_TAG_KERNEL + 2)   /* mm frees (w2 = 0) or quarantines
					       (w2 > 0) the process's DMA
					       memory: docs/dma.md */
/* A device's DMA was blocked by the IOMMU (docs/iommu.md). src = 0;
 * w0 = the page address the device used (an IOVA), w1 = the device's
 * bdf (PCI requester id), w2 = MM_IOMMU_FAULT_READ or _WRITE, w3 =
 * MM_IOMMU_REASON_*, w4 = the hardware's own reason code (VT-d: 1..13),
 * w5 = how many identical faults in a row this one stands for (>= 1;
 * 0: no fault record, only the counts of w6), w6 = faults since the
 * previous message that the kernel counted but could not record (its
 * ring was full) in bits 31..0, and times the hardware itself dropped
 * faults (it sets an overflow bit, not a count) in bits 63..32. The sum
 * of w5 and w6's low half over all messages is every fault recorded. */
#define MM_IOMMU_FAULT (IPC_TAG_KERNEL + 3)

/* MM_FAULT access bits (w1). */
#define MM_FAULT_READ    0x0
#define MM_FAULT_WRITE   0x1
#define MM_FAULT_EXEC    0x2
#define MM_FAULT_PRESENT 0x4    /* the page was mapped: a rights violation */
#define MM_FAULT_COPY    0x8    /* not a trap: the kernel met the page while
				   copying for a system call of the thread
				   (SYS_WRITE's buffer, say); w2 = 0 */

/* MM_IOMMU_FAULT's direction (w2) and reason (w3). */
#define MM_IOMMU_FAULT_READ  0      /* the device read memory */
#define MM_IOMMU_FAULT_WRITE 1      /* the device wrote memory */
#define MM_IOMMU_REASON_NO_DOMAIN 1 /* the device is attached to no domain */
#define MM_IOMMU_REASON_NO_WRITE  2 /* a write to a page not mapped writable */
#define MM_IOMMU_REASON_NO_READ   3 /* a read of a page not mapped */
#define MM_IOMMU_REASON_ADDRESS   4 /* an IOVA beyond the address width */
#define MM_IOMMU_REASON_TABLES    5 /* the tables are malformed (a kernel bug) */
#define MM_IOMMU_REASON_OTHER     6

/* MM_DEMO_PADDR's targets (w0). */
#define MM_DEMO_VICTIM    0     /* a page of another process */
#define MM_DEMO_MM        1     /* the memory server's own data */
#define MM_DEMO_PAGETABLE 2     /* a process's root page table */
#define MM_DEMO_KERNEL    3     /* the kernel image */

#define MM_IOMMU_STAT_MAPS 8    /* mappings one MM_IOMMU_STAT record lists */
#define MM_IOMMU_NAME_LEN  16

/* MM_IOMMU_STAT's answer: one device, its domain and its faults. */
struct mm_iommu_dev_info {
	uint32_t bdf;
	uint32_t domain;            /* 0: no domain now (the device reaches nothing) */
	int32_t driver;             /* the pid the domain is for; 0: none */
	uint32_t nmaps;             /* mappings (map[] lists the first MM_IOMMU_STAT_MAPS) */
	uint64_t faults;            /* DMA faults counted against it since boot */
	uint64_t lost;              /* ... of which the kernel kept only the count */
	uint64_t last_fault;        /* the address of the last one */
	uint64_t tables;            /* table frames below the domain's root */
	uint64_t kills;             /* times the fault policy killed its driver */
	char name[MM_IOMMU_NAME_LEN];           /* "edu" */
	char driver_name[MM_IOMMU_NAME_LEN];
	struct {
		uint64_t iova;          /* the bus address the device uses */
		uint64_t npages;
		uint64_t pa;            /* the frames behind it */
		uint64_t rights;        /* MM_RIGHT_READ [| MM_RIGHT_WRITE] */
		uint64_t grant;         /* the grant's id; 0: a streaming mapping */
	} map[MM_IOMMU_STAT_MAPS];
};
_Static_assert(sizeof(struct mm_iommu_dev_info) == 16 + 5 * 8 + 32 + MM_IOMMU_STAT_MAPS * 40,
	       "no padding");

/* Replies to MM_FAULT (the tag). */
#define MM_FAULT_RESUME 0       /* the page is there now: run (or copy) again */
#define MM_FAULT_KILL   1       /* the server logged why: end the process */
#define MM_FAULT_REFUSE 2       /* MM_FAULT_COPY only: the address is bad; the
				   system call fails with ERR_FAULT and the
				   process lives on (nothing is logged) */

#define MM_SPAWN_IPC_PARENT 0x1 /* child and parent may send to each other */
#define MM_SPAWN_POWER      0x2 /* child may power off (if the parent may) */
#define MM_SPAWN_BUDGET     0x4 /* w3 is the child's frame budget: its heap and
				   anonymous mappings (not its code, data
				   segments or stack) replace each other once
				   they hold w3 frames (local replacement) */

#define MM_PROT_READ  0x1
#define MM_PROT_WRITE 0x2
#define MM_PROT_EXEC  0x4

#define MM_PROT_ALL   (MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC)

#define MM_MAP_ANON   0x0
#define MM_MAP_SHARED 0x1
#define MM_MAP_STACK  0x2       /* anonymous, with an unmapped guard page just
				   below it: touching that page kills with
				   "stack overflow into the guard page" */
#define MM_MAP_BUDGET 0x4       /* anonymous, with a frame budget of w4: once
				   the mapping holds w4 frames, a new page of
				   it replaces one of its own (the active
				   policy chooses which; the old one goes to
				   swap). Not with MM_MAP_SHARED. A budget of
				   0 or above the managed pages: ERR_INVAL */

#define MM_PROCINFO_BASIC  0
#define MM_PROCINFO_PAGING 1

#define MM_EVENTS_START 0
#define MM_EVENTS_STOP  1
#define MM_EVENTS_READ  2
#define MM_EVENT_RING   256     /* events the ring holds */

/* MM_EVENTS' records (docs/events.md). */
struct mm_event_rec {
	uint64_t seq;               /* 0, 1, ... since MM_EVENTS_START */
	uint32_t kind;              /* MM_EVENT_* */
	int32_t pid;
	uint64_t va;                /* page address */
	uint64_t pfn;               /* frame */
	uint64_t slot;              /* swap slot, MM_EVENT_NO_SLOT if none */
};
_Static_assert(sizeof(struct mm_event_rec) == 40, "event records are 40 bytes");

#define MM_EVENT_FAULT_MINOR 1     /* a page filled without swap */
#define MM_EVENT_FAULT_MAJOR 2     /* a page read back from swap */
#define MM_EVENT_EVICT_CLEAN 3     /* given up without a write */
#define MM_EVENT_EVICT_DIRTY 4     /* written to swap, then given up */
#define MM_EVENT_SWAPIN      5     /* a slot's contents read into a frame */
#define MM_EVENT_NO_SLOT     (~0ULL)

#define MM_POLICY_NAME_LEN 16
#define MM_POLICY_TEXT_MAX 64       /* MM_POLICY's text, NAME:K=V,..., with its NUL */
#define MM_POLICY_WHY_MAX 128       /* MM_POLICY's reason buffer, at most */
#define MM_POLICY_PARAMS 4          /* parameters a policy may have */
#define MM_POLICY_SUMMARY_LEN 128
#define MM_POLICY_MEANING_LEN 80

/* One parameter of a policy (MM_POLICY_INFO). */
struct mm_policy_param_info {
	char name[MM_POLICY_NAME_LEN];      /* "tau", NUL-padded */
	uint64_t def, min, max;             /* default and range */
	uint64_t value;                     /* the active policy: the value in
					       use; another one: the default */
	char meaning[MM_POLICY_MEANING_LEN];    /* one line, NUL-padded */
};
_Static_assert(sizeof(struct mm_policy_param_info) == 16 + 4 * 8 + 80, "no padding");

/* MM_POLICY_INFO's answer: one policy of the table. Strings are
 * NUL-terminated (cut to fit). */
struct mm_policy_info {
	char name[MM_POLICY_NAME_LEN];
	char summary[MM_POLICY_SUMMARY_LEN];    /* the algorithm and its citation */
	uint64_t nparams;                   /* 0 .. MM_POLICY_PARAMS */
	uint64_t active;                    /* 1: it runs the pools now */
	struct mm_policy_param_info param[MM_POLICY_PARAMS];
};
_Static_assert(sizeof(struct mm_policy_info) ==
	       16 + 128 + 2 * 8 + MM_POLICY_PARAMS * sizeof(struct mm_policy_param_info), "no padding");

#define MM_MODULE_NAME_LEN 32       /* a boot module's name, with its NUL */
#define MM_MODULE_READ_MAX 4096u    /* bytes one MM_MODULE_READ copies at most */

/* MM_VMSTAT's answer. Counters are since boot. */
struct mm_vmstat_info {
	uint64_t swap_total;        /* pages of the swap device (0: no swap) */
	uint64_t swap_used;         /* of which hold a page */
	uint64_t swapins;           /* pages read from swap */
	uint64_t swapouts;          /* pages written to swap */
	uint64_t evict_clean;       /* pages given up without a write */
	uint64_t evict_dirty;       /* pages given up after a write */
	uint64_t reclaim_background;/* pages freed by the background reclaimer */
	uint64_t reclaim_direct;    /* pages freed by faults that found memory short */
	uint64_t oom_kills;
	uint64_t major_faults;      /* all processes, since boot */
	uint64_t minor_faults;
	uint64_t pools;             /* the global pool + the budgets */
	char policy[MM_POLICY_NAME_LEN];    /* the active policy, NUL-padded */
	/* pool w2 */
	char pool_name[MM_POLICY_NAME_LEN];  /* "global", or "pid N" / "map N" */
	uint64_t pool_pages;        /* frames in it */
	uint64_t pool_limit;        /* its budget; 0: none */
	uint64_t admitted;          /* frames admitted */
	uint64_t victims;           /* victims chosen */
	uint64_t scanned;           /* frames looked at choosing them */
	uint64_t referenced;        /* ... of which had been referenced */
	uint64_t moves;             /* hand movements / list rotations */
	uint64_t activated;         /* frames promoted (to active, hot, T2...) */
	uint64_t deactivated;       /* frames demoted */
	uint64_t ghost_hits;        /* faults on a page the history remembered */
	uint64_t samples;           /* periodic samplings (aging's shifts) */
	/* the active policy with its parameters, as MM_POLICY takes it
	 * ("wsclock:tau=50"), NUL-padded */
	char policy_text[MM_POLICY_TEXT_MAX];
};
_Static_assert(sizeof(struct mm_vmstat_info) == 12 * 8 + 32 + 11 * 8 + MM_POLICY_TEXT_MAX,
	       "no padding");

/* ---- DMA (MM_DMA_*) ---- */

#define MM_DMA_MASK_MIN    24           /* below ZONE_DMA's 16 MiB no zone fits */
#define MM_DMA_GRANT_MAX   (4ULL << 20) /* the buddy allocator's largest block */
#define MM_DMA_GRANTS_MAX  64           /* grants per process */
#define MM_DMA_SHARES_MAX  4            /* processes one grant is shared with */
#define MM_DMA_MAP_MAX     (1ULL << 20) /* longest streaming mapping */
#define MM_DMA_STREAMS_MAX 64           /* streaming mappings per process */
#define MM_DMA_SEGS_MAX    (MM_DMA_MAP_MAX / 4096 + 1)  /* segments one can need */

/* MM_DMA_MAP's direction (w2), as Linux's enum dma_data_direction. */
#define MM_DMA_TO_DEVICE     0x1        /* the device reads the buffer */
#define MM_DMA_FROM_DEVICE   0x2        /* the device writes it */
#define MM_DMA_BIDIRECTIONAL 0x3        /* both */
#define MM_DMA_CONTIG        0x10       /* one bus segment, bounced whole if need be */

/* MM_DMA_SYNC's w1. */
#define MM_DMA_SYNC_FOR_DEVICE 1
#define MM_DMA_SYNC_FOR_CPU    2

/* One bus segment of a streaming mapping (MM_DMA_MAP's w5 array). */
struct mm_dma_seg {
	uint64_t bus;
	uint64_t len;
};

/* MM_DMA_INFO's kinds (w0). */
#define MM_DMA_INFO_TOTALS 0
#define MM_DMA_INFO_GRANT  1
#define MM_DMA_INFO_STREAM 2

/* mm_dma_grant_info.flags and mm_dma_stream_info.flags */
#define MM_DMA_INFO_QUARANTINED 0x1     /* its device was not shown stopped when
					   its owner died: never freed, never reused */
#define MM_DMA_INFO_BOUNCED     0x2     /* stream: some page is a bounce buffer */

struct mm_dma_totals {
	uint64_t grants;            /* live grants (quarantined ones included) */
	uint64_t grant_pages;       /* their frames */
	uint64_t quarantined;       /* grants and mappings in quarantine */
	uint64_t quarantined_pages; /* their frames (bounce buffers included) */
	uint64_t streams;           /* streaming mappings now */
	uint64_t stream_pages;      /* process pages they pin */
	uint64_t bounce_pages;      /* bounce buffers in use, in pages */
	uint64_t bounce_force;      /* 1: booted with bounce=force */
	uint64_t maps;              /* streaming mappings made since boot */
	uint64_t bounced_maps;      /* ... of which bounced at least a page */
	uint64_t bounced_pages;     /* bounce pages handed out since boot */
	uint64_t bytes_to_device;   /* copied into bounce buffers */
	uint64_t bytes_from_device; /* copied out of them */
};
_Static_assert(sizeof(struct mm_dma_totals) == 13 * 8, "no padding");

struct mm_dma_grant_info {
	uint64_t id;
	uint64_t size;              /* bytes asked for */
	uint64_t pages;             /* frames pinned: [bus, bus + pages * 4 KiB) */
	uint64_t bus;
	uint64_t va;                /* in the owner (0 once quarantined) */
	int32_t owner;              /* pid (the dead driver's, if quarantined) */
	uint32_t bdf;
	uint32_t mask_bits;
	uint32_t zone;              /* of its frames: 0 DMA, 1 DMA32, 2 NORMAL */
	uint32_t flags;             /* MM_DMA_INFO_QUARANTINED */
	uint32_t nshares;
	int32_t share_pid[MM_DMA_SHARES_MAX];
	uint32_t share_prot[MM_DMA_SHARES_MAX];  /* MM_PROT_* */
};
_Static_assert(sizeof(struct mm_dma_grant_info) == 5 * 8 + 6 * 4 + 8 * MM_DMA_SHARES_MAX,
	       "no padding");

struct mm_dma_stream_info {
	uint64_t id;
	uint64_t va;
	uint64_t len;
	uint64_t bus;               /* first segment */
	int32_t owner;
	uint32_t bdf;
	uint32_t mask_bits;
	uint32_t dir;               /* MM_DMA_* direction | MM_DMA_CONTIG */
	uint32_t pages;             /* pinned */
	uint32_t bounced;           /* of which bounced */
	uint32_t segs;
	uint32_t flags;             /* MM_DMA_INFO_* */
};
_Static_assert(sizeof(struct mm_dma_stream_info) == 4 * 8 + 8 * 4, "no padding");

/* ---- memstat buddy, memstat slab, the shell's help ---- */

#define MM_MAX_ORDER_INFO 10        /* MM_BUDDYINFO's highest order (2^10 pages) */
#define MM_INFO_ZONES 3             /* DMA, DMA32, NORMAL */

/* MM_BUDDYINFO's answer. Per zone z: free[z][k] blocks of 2^k pages, so
 * the sum over k of free[z][k] << k is free_pages[z]. */
struct mm_buddyinfo {
	uint64_t free[MM_INFO_ZONES][MM_MAX_ORDER_INFO + 1];
	uint64_t free_pages[MM_INFO_ZONES];     /* the zone's own count */
	uint64_t managed_pages[MM_INFO_ZONES];
	char zone_name[MM_INFO_ZONES][8];       /* "DMA", "DMA32", "Normal" */
};
_Static_assert(sizeof(struct mm_buddyinfo) == MM_INFO_ZONES * (MM_MAX_ORDER_INFO + 1 + 2) * 8 +
	       MM_INFO_ZONES * 8, "no padding");

#define MM_SLAB_NAME_LEN 24         /* a cache's name, NUL-padded */

/* mm_slabinfo.flags */
#define MM_SLABINFO_DEBUG    0x1    /* red zones and poison */
#define MM_SLABINFO_OFF_SLAB 0x2    /* slab headers kept in the "slab" cache */
#define MM_SLABINFO_CTOR     0x4    /* objects have a constructor */

/* MM_SLABINFO's answer: one cache. */
struct mm_slabinfo {
	char name[MM_SLAB_NAME_LEN];    /* "mm_region" */
	uint64_t object_size;           /* bytes asked for */
	uint64_t stride;                /* bytes one object takes in its slab */
	uint64_t active_objs;           /* objects handed out now */
	uint64_t total_objs;            /* objects in all its slabs */
	uint64_t objs_per_slab;
	uint64_t pages_per_slab;        /* 2^order */
	uint64_t slabs_full, slabs_partial, slabs_empty;
	uint64_t pages;                 /* frames its slabs hold */
	uint64_t allocs, frees;         /* since the cache was made */
	uint64_t grows;                 /* slabs added */
	uint64_t reaped_pages;          /* pages given back to the buddy allocator */
	uint64_t fails;                 /* allocations that failed */
	uint64_t flags;                 /* MM_SLABINFO_* */
};
_Static_assert(sizeof(struct mm_slabinfo) == MM_SLAB_NAME_LEN + 16 * 8, "no padding");

#define MM_ABOUT_LEN 80             /* a description, with its NUL (pagoda/about.h) */

/* MM_MODULE_INFO's answer: one boot module. */
struct mm_module_info {
	char name[MM_MODULE_NAME_LEN];  /* "memstat", NUL-padded */
	uint64_t size;                  /* bytes */
	uint64_t program;               /* 1: an ELF executable; 0: a file */
	char about[MM_ABOUT_LEN];       /* its PAGODA_ABOUT line; "" if none */
};
_Static_assert(sizeof(struct mm_module_info) == MM_MODULE_NAME_LEN + 16 + MM_ABOUT_LEN,
	       "no padding");

#define MM_PROCINFO_SELF ((uint64_t)-1)
#define MM_PROCINFO_INDEX_MAX 1024  /* indexes from here up are refused (the
				       kernel has far fewer process slots) */
#define MM_PROC_NAME_LEN 32     /* MM_PROCINFO's name (w3..w6): NUL-padded, as
				   long as the kernel's process names */

#define MM_ARGV_MAX   256
#define MM_HEAP_MAX   (256ULL << 20)    /* heap limit per process */
#define MM_STACK_MAX  (8ULL << 20)      /* stack limit; a guard page below */

#endif
