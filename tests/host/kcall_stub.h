/*
 * kcall_stub.h - a model of the kernel, for host tests of the memory
 * server's policy code (servers/mm/kcall.h implemented in ordinary memory).
 *
 * Per pid the model keeps what the kernel would: whether the process is
 * alive, dead with its exit not yet reported, or reported; its threads; its
 * IPC permissions; and its page tables as a list of mappings (va -> pa,
 * rights, accessed, dirty) plus the page-table frames below the root
 * (one PDPT per 512 GiB, one PD per 1 GiB, one PT per 2 MiB span, as on
 * x86_64). Every call checks its arguments in the order the kernel does
 * (docs/mm-protocol.md section 3, pagoda/syscall.h) and changes nothing
 * when it fails.
 *
 * Memory: a pa is a byte of the host "physical memory" of mm_stubs.c, so
 * SYS_MM_COPY, the spare page tables the kernel zeroes and the simulated
 * user accesses below all read and write the very frames mm handed out.
 * Pid MM_PID is the memory server itself: its "virtual addresses" are host
 * pointers.
 *
 * Exits: SYS_MM_KILL (or stub_exit, a process calling SYS_EXIT) makes the
 * process dead and queues its exit report; stub_deliver_exits() hands the
 * queued reports to mm_handle_exit, as the kernel's MM_PROC_EXIT would.
 * Deferred replies (kcall_reply) are recorded for the tests to inspect.
 *
 * Devices (SYS_MM_DEVICE, kcall_device_owner): a table of PCI devices by
 * bdf, each with its owner (0: none) that the tests set. When a process
 * dies the kernel stops its devices (they become unowned) and its exit
 * report says how many it could not show stopped: the ones a test marked
 * stuck (MM_PROC_EXIT's w2).
 */
#ifndef KCALL_STUB_H
#define KCALL_STUB_H

#include <pagoda/types.h>
#include <pagoda/ipc.h>
#include "kcall.h"

#define STUB_PROCS    64        /* the kernel's process table */
#define STUB_ALLOWS   8         /* permission-table entries per process */

enum stub_state { STUB_FREE, STUB_ALIVE, STUB_DEAD, STUB_REPORTED };

/* Which call a forced failure applies to (stub_fail). */
enum stub_call {
	STUB_PROC_CREATE, STUB_THREAD_START, STUB_MAP, STUB_UNMAP, STUB_PROTECT,
	STUB_ACCESSED, STUB_LOOKUP, STUB_PRUNE, STUB_COPY, STUB_KILL, STUB_DESTROY,
	STUB_IPC_ALLOW, STUB_REPLY, STUB_DEV_INFO, STUB_MAP_MMIO, STUB_DEVICE, STUB__CALLS
};

/* kcall_call (a CALL to a server, the swap device) goes to fn, which
 * plays the server: it may read and write the frames the caller lent
 * (stub_pte finds them) and fills m with the reply. Without one (and
 * after stub_kernel_reset) a CALL fails with ERR_DEAD, as to a server
 * that has died. */
typedef int (*stub_server_fn)(int pid, struct ipc_msg *m);
void stub_set_server(stub_server_fn fn);

/* Forget every process, mapping, forced failure, queued exit and
 * recorded reply; pids start again at 2. (The spares mm holds stay
 * counted: they are mm's, not the kernel's.) */
void stub_kernel_reset(void);

/* The next call of kind `call` after `skip` successful ones fails with err
 * (e.g. -ERR_NOSPC) and changes nothing. */
void stub_fail(enum stub_call call, unsigned skip, int err);
/* How often each call was made (successful or not). */
unsigned stub_calls(enum stub_call call);

/* What the kernel knows of pid. */
enum stub_state stub_state(int pid);
int stub_status(int pid);           /* exit status once dead */
unsigned stub_threads(int pid);
vaddr_t stub_entry(int pid);        /* first thread's entry and stack */
vaddr_t stub_rsp(int pid);
paddr_t stub_root(int pid);
unsigned stub_flags(int pid);
const char *stub_name(int pid);
bool stub_allowed(int pid, int target);
int stub_live_count(void);          /* alive processes other than mm */

/* The page tables of pid. */
uint64_t stub_mapped(int pid);                          /* pages mapped */
uint64_t stub_tables(int pid);                          /* tables below the root */
bool stub_is_table(int pid, paddr_t pa);
/* Visit every mapping: fn(va, pa, rights, accessed, dirty, arg). */
typedef void (*stub_map_fn)(vaddr_t va, paddr_t pa, uint64_t rights, bool accessed,
			    bool dirty, void *arg);
void stub_for_each_mapping(int pid, stub_map_fn fn, void *arg);
/* The entry at va: pa | MM_PTE_*, or -ERR_NOENT (kcall_lookup, uncounted). */
int64_t stub_pte(int pid, vaddr_t va);
/* Spares mm passed in the last SYS_MM_MAP that passed any, that the
 * kernel did not use (mm keeps them for the next one). A map with none (a
 * frame lent to a server, lend.c) leaves the count alone. */
unsigned stub_spares_held(void);

/* A user access by pid at va (MM_FAULT_WRITE / _EXEC bits, or
 * MM_FAULT_READ): true if the hardware would let it through (the accessed
 * and, for a write, dirty bits are set), else false with *fault = the
 * MM_FAULT_* bits the kernel would report (MM_FAULT_PRESENT if the page
 * was mapped). */
bool stub_access(int pid, vaddr_t va, uint64_t bits, uint64_t *fault);
/* Read or write user bytes through pid's page tables, as the process
 * would, setting accessed/dirty; -ERR_FAULT (nothing done) if any page is
 * not present or, for a write, not writable. */
int stub_user_read(int pid, vaddr_t va, void *buf, size_t len);
int stub_user_write(int pid, vaddr_t va, const void *buf, size_t len);

/* A process calls SYS_EXIT: like kcall_kill by the kernel itself. */
void stub_exit(int pid, int status);
/* Hand every queued exit report to mm_handle_exit (oldest first); returns
 * how many. */
int stub_deliver_exits(void);
int stub_exits_pending(void);

/* ---- devices: the kernel's device table -------------------------------
 * kcall_dev_info answers from a table the test fills; kcall_map_mmio
 * checks as SYS_MM_MAP_MMIO does (owner, a DEV_BAR_MAPPABLE BAR holding
 * the page) and maps the device page - not RAM: a test must not read or
 * write it through the model (stub_user_read/write). A process's end
 * (SYS_MM_KILL, stub_exit) releases its devices, as the kernel does
 * before the exit report, whose w2 counts the ones a test marked stuck
 * (they could not be shown stopped); kcall_device_owner (SYS_MM_DEVICE)
 * answers from the same table; kcall_poweroff records its code. Reset by
 * stub_kernel_reset. */
#define STUB_DEVICES 8
struct dev_info;
void stub_dev_add(const struct dev_info *info);     /* its owner as given */
void stub_dev_set_owner(uint16_t bdf, int pid);
int stub_dev_owner(uint16_t bdf);                   /* -ERR_NOENT: no such device */
int stub_poweroff_code(void);                       /* -1: never powered off */
void stub_dev_stuck(uint16_t bdf, bool stuck);               /* at its owner's death */

/* Deferred replies (kcall_reply), oldest first. */
struct stub_reply {
	uint64_t handle;
	struct ipc_msg msg;
};
unsigned stub_replies(void);
const struct stub_reply *stub_reply_at(unsigned i);

#endif
