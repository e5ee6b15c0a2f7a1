/*
 * mm_fixture.h - the memory server's policy code on the host: the real
 * servers/mm/{proc,region,fault,requests,shm,spawn,check}.c over the real
 * allocators, the host "physical memory" (mm_stubs.c) and the model of the
 * kernel (kcall_stub.c).
 *
 * A suite boots once (mm_fixture_boot as group setup): 64 MiB of RAM, the
 * allocators, the server's caches, and a boot image with seven modules:
 *
 *   prog     a valid ELF: text [0x401000, 0x401800) r-x from file offset
 *            0x1000, data [0x402100, 0x403200) rw- from offset 0x2100
 *            followed by bss up to 0x405100; entry 0x401010.
 *            Regions: [0x401000, 0x402000) and [0x402000, 0x406000).
 *   overlap  an ELF whose two segments share the page 0x401000
 *   junk     not an ELF
 *   mm       a copy of prog (the server itself: never spawnable)
 *   ramdisk  a copy of prog (the swap device: only swapdev_start runs it)
 *   devmgr   a copy of prog (the device enumerator: only device_boot runs it)
 *   init     a copy of prog (what mm_start_init runs)
 *
 * Each test (MM_TEST) starts with no processes and the kernel model reset,
 * and ends by exiting whatever is left. Pids therefore start at 2 in every
 * test.
 */
#ifndef MM_FIXTURE_H
#define MM_FIXTURE_H

#include <pagoda/types.h>
#include <pagoda/mm.h>
#include "mm.h"
#include "kcall_stub.h"

#define PROG_TEXT_VA   0x401000ULL
#define PROG_TEXT_OFF  0x1000ULL
#define PROG_TEXT_LEN  0x800ULL
#define PROG_DATA_VA   0x402100ULL
#define PROG_DATA_OFF  0x2100ULL
#define PROG_DATA_FILE 0x1100ULL
#define PROG_DATA_MEM  0x3000ULL
#define PROG_ENTRY     0x401010ULL
#define PROG_END       0x406000ULL  /* end of the last segment's region */
#define PROG_TEXT_BYTE 0xccu
/* File byte at offset off of prog's data segment. */
#define PROG_DATA_BYTE(off) ((uint8_t)((off) * 7 + 3))

int mm_fixture_boot(void **state);
int mm_fixture_shutdown(void **state);
int mm_fixture_setup(void **state);
int mm_fixture_teardown(void **state);
#define MM_TEST(fn) cmocka_unit_test_setup_teardown(fn, mm_fixture_setup, mm_fixture_teardown)
#define MM_RUN(tests) cmocka_run_group_tests(tests, mm_fixture_boot, mm_fixture_shutdown)

/* Frames free once the server is at rest: the buddy allocator's free
 * pages (after shrinking the slab caches) plus the spare page-table
 * frames mm keeps for its next SYS_MM_MAP. Every test that ends with no
 * process must find the value it started with. */
uint64_t free_at_rest(void);
extern uint64_t baseline;   /* free_at_rest() when the test began */

/* Spawn `line` as the server's own child (parent 0); asserts success. */
struct mm_proc *spawn(const char *line);
/* The record of pid (asserts it exists). */
struct mm_proc *proc(int pid);

/* A request from pid: the handler's reply tag (the result). *answered
 * (if given) says whether the handler answered now (1) or deferred (0).
 * The reply handle of the n-th request is n + 1000. */
int64_t request(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
		struct ipc_msg *reply, int *answered);
uint64_t last_handle(void);
/* MM_MMAP from pid; the address, asserting success. */
vaddr_t map_anon(int pid, uint64_t len, unsigned prot);
vaddr_t map_shared(int pid, uint64_t len, unsigned prot, uint64_t key);

/* The kernel's MM_FAULT for pid at va: the reply tag (MM_FAULT_RESUME or
 * MM_FAULT_KILL); what mm printed goes to `said` (may be NULL). A KILL is
 * carried out as the kernel would (the process dies, its exit queued). */
int64_t fault(int pid, vaddr_t va, uint64_t bits, char *said, size_t said_size);
/* The process pid accesses va (MM_FAULT_* bits): through the model if the
 * page is there, else by a fault and a retry. MM_FAULT_RESUME (0) when the
 * access went through, MM_FAULT_KILL when mm killed it. */
int64_t touch(int pid, vaddr_t va, uint64_t bits);
/* The process reads or writes bytes, faulting pages in as needed; 0, or
 * MM_FAULT_KILL. */
int64_t user_write(int pid, vaddr_t va, const void *buf, size_t len);
int64_t user_read(int pid, vaddr_t va, void *buf, size_t len);

/* The process exits (SYS_EXIT) and the kernel's report reaches mm. */
void exit_proc(int pid, int status);

/* mm_check_all() finds nothing, no mm_bug was reported, and mm agrees with
 * the kernel model: every mapping is of a frame the process owns (or a
 * shared page, or a page of a grant it owns or was shared, at its place),
 * resident = private pages mapped, pagetables = tables below the root + 1,
 * every table the model holds is on the list. */
void assert_mm_consistent(void);

/* Run fn with stdout captured into buf (what mm printed). */
void capture_stdout(void (*fn)(void *), void *arg, char *buf, size_t size);

#endif
