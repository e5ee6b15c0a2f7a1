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
	 * (< MM_ARGV_MAX), w2 = MM_SPAWN_* flags.
	 * -> tag = pid of the child. ERR_NOENT (no such program), ERR_INVAL,
	 * ERR_FAULT, ERR_NOMEM, ERR_NOSPC. */
	MM_SPAWN = 1,
	/* w0 = child pid, or -1 for any child. Blocks until it has exited.
	 * -> tag = pid, w0 = exit status. ERR_SRCH (no such child). */
	MM_WAIT = 2,
	/* w0 = increment in bytes (signed). -> tag = 0, w0 = old break.
	 * ERR_NOMEM (past MM_HEAP_MAX or into another region), ERR_INVAL. */
	MM_SBRK = 3,
	/* w0 = length, w1 = MM_PROT_*, w2 = MM_MAP_* flags, w3 = key (shared).
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
	/* w0 = index (0, 1, ...) into the process list, or MM_PROCINFO_SELF.
	 * -> tag = pid (ERR_SRCH past the end), w0 = resident pages,
	 * w1 = minor faults, w2 = page-table pages, w3..w6 = name (MM_PROC_NAME_LEN bytes).
	 * ERR_SRCH also for an index of MM_PROCINFO_INDEX_MAX or more. */
	MM_PROCINFO = 8,

	MM__REQUESTS
};

/* Sent by the kernel only (IPC_TAG_KERNEL range: processes cannot forge them). */
#define MM_FAULT     (IPC_TAG_KERNEL + 1)  /* src = faulting pid; w0 = address, w1 = MM_FAULT_*, w2 = ip */
#define MM_PROC_EXIT (IPC_TAG_KERNEL + 2)  /* src = 0; w0 = pid, w1 = status */

/* MM_FAULT access bits (w1). */
#define MM_FAULT_READ    0x0
#define MM_FAULT_WRITE   0x1
#define MM_FAULT_EXEC    0x2
#define MM_FAULT_PRESENT 0x4    /* the page was mapped: a rights violation */
#define MM_FAULT_COPY    0x8    /* not a trap: the kernel met the page while
				   copying for a system call of the thread
				   (SYS_WRITE's buffer, say); w2 = 0 */

/* Replies to MM_FAULT (the tag). */
#define MM_FAULT_RESUME 0       /* the page is there now: run (or copy) again */
#define MM_FAULT_KILL   1       /* the server logged why: end the process */
#define MM_FAULT_REFUSE 2       /* MM_FAULT_COPY only: the address is bad; the
				   system call fails with ERR_FAULT and the
				   process lives on (nothing is logged) */

#define MM_SPAWN_IPC_PARENT 0x1 /* child and parent may send to each other */
#define MM_SPAWN_POWER      0x2 /* child may power off (if the parent may) */

#define MM_PROT_READ  0x1
#define MM_PROT_WRITE 0x2
#define MM_PROT_EXEC  0x4

#define MM_PROT_ALL   (MM_PROT_READ | MM_PROT_WRITE | MM_PROT_EXEC)

#define MM_MAP_ANON   0x0
#define MM_MAP_SHARED 0x1
#define MM_MAP_STACK  0x2       /* anonymous, with an unmapped guard page just
				   below it: touching that page kills with
				   "stack overflow into the guard page" */

#define MM_PROCINFO_SELF ((uint64_t)-1)
#define MM_PROCINFO_INDEX_MAX 1024  /* indexes from here up are refused (the
				       kernel has far fewer process slots) */
#define MM_PROC_NAME_LEN 32     /* MM_PROCINFO's name (w3..w6): NUL-padded, as
				   long as the kernel's process names */

#define MM_ARGV_MAX   256
#define MM_HEAP_MAX   (256ULL << 20)    /* heap limit per process */
#define MM_STACK_MAX  (8ULL << 20)      /* stack limit; a guard page below */

#endif
