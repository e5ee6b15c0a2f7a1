/*
 * mm.h - the memory server's own view of processes and their regions.
 *
 * The server keeps one struct mm_proc per process it created, from spawn
 * until its parent has collected the exit status. A process's address
 * space is a sorted list of regions (region.c); each region says what may
 * be done there and where its pages come from when first touched
 * (fault.c). Every frame a process owns - its pages and its page tables -
 * is on the process's frame list, threaded through the page descriptors
 * (page.h: own.next/own.prev, owner = pid, index = virtual address), so exit
 * frees them in one walk. Shared pages belong to their shared object
 * (shm.c), not to any process.
 *
 * A region's kind picks its backend (backend.h), the table of operations
 * that fills, finds, unmaps and evicts its pages: anonymous for the heap,
 * stacks and MM_MMAP anonymous, ELF for program segments, shm for shared
 * mappings, MMIO for a driver's device registers (whose "frames" are
 * device memory, never frames of mm's: they have no descriptor), DMA for
 * a grant's frames (grant.c).
 */
#ifndef MM_MM_H
#define MM_MM_H

#include <pagoda/types.h>
#include <pagoda/error.h>
#include <pagoda/ipc.h>
#include <pagoda/mm.h>
#include <pagoda/sys.h>
#include <pagoda/layout.h>
#include "page.h"

enum region_kind {
	REGION_ELF,     /* program segment: file bytes, then zeros */
	REGION_HEAP,    /* grows with MM_SBRK; zero-filled */
	REGION_STACK,   /* MM_STACK_MAX below USER_STACK_TOP; guard page under it */
	REGION_ANON,    /* MM_MMAP anonymous; zero-filled (MM_MAP_STACK: guarded) */
	REGION_SHARED,  /* MM_MMAP shared: the pages of a shm object */
	REGION_MMIO,    /* MM_DEV_MMIO: a device's BAR, never RAM (backend_mmio.c) */
	REGION_DMA,     /* a DMA grant's fixed frames (grant.c): its owner's
			   mapping or a share; MM_MUNMAP cannot remove it */
};

struct shm_obj;
struct grant;
struct swap_ent;
struct mm_backend;
struct mm_proc;
struct budget;
struct policy_pool;
struct mm_boot_module;

struct mm_region {
	vaddr_t start, end;         /* [start, end), page aligned */
	unsigned prot;              /* MM_PROT_* */
	enum region_kind kind;
	bool guard;                 /* the page below start is its guard page
				       (stacks): kept unmapped, and a fault
				       there is a stack overflow */
	const struct mm_backend *backend;   /* from kind, set by region_add */
	struct mm_proc *proc;       /* the process whose region this is */
	paddr_t file_pa;            /* REGION_ELF: physical address of the file bytes */
	vaddr_t file_va;            /* REGION_ELF: where those bytes start */
	uint64_t file_len;          /* REGION_ELF: how many */
	struct shm_obj *shm;        /* REGION_SHARED: set by shm_attach */
	struct mm_region *shm_next; /* REGION_SHARED: next mapping of the same object */
	paddr_t mmio_pa;            /* REGION_MMIO: the BAR's bus address (at start) */
	uint32_t mmio_dev;          /* REGION_MMIO: bdf | bar << 16 (SYS_MM_MAP_MMIO's dev) */
	struct grant *grant;        /* REGION_DMA: the grant it maps (grant.c) */
	struct swap_ent *swapped;   /* private: its pages with a swap slot (swap.c) */
	struct budget *budget;      /* MM_MAP_BUDGET: the mapping's own (budget.c) */
	struct mm_region *next;     /* sorted by start */
};

#define MM_RECENT_FILLS 4

/* MM_MMAP regions, and DMA grants, lie in [USER_MMAP_BASE, MMAP_TOP): up
 * to the main stack's guard page. */
#define MMAP_TOP (USER_STACK_TOP - MM_STACK_MAX - PAGE_SIZE)

struct mm_proc {
	int pid;
	int parent;                 /* 0: none (spawned by the server) */
	char name[MM_PROC_NAME_LEN];
	bool alive;                 /* false: exited, waiting for its parent */
	int status;
	unsigned flags;             /* PROC_FLAG_* the kernel was given */
	pfn_t root;
	struct mm_region *regions;
	vaddr_t brk_start, brk;     /* the break starts at the end of .bss; the
				       heap region is [round_up(brk_start),
				       round_up(brk)), the page below it being
				       the last segment's */
	uint32_t frames;            /* head of the frame list (pfn, PAGE_LINK_NONE) */
	uint64_t resident;          /* private pages mapped */
	uint64_t faults;            /* minor faults served (filled without swap) */
	uint64_t major_faults;      /* faults served by reading the swap device */
	uint64_t swapped;           /* private pages only on the swap device */
	bool oom_killed;            /* killed by the OOM killer, exit report awaited */
	pfn_t recent[MM_RECENT_FILLS]; /* its last private fills: not evicted (reclaim.c) */
	unsigned recent_next;
	struct budget *budget;      /* MM_SPAWN_BUDGET: heap and anonymous
				       mappings without their own (budget.c) */
	uint64_t pagetables;        /* page-table frames, the root included */
	bool waiting;               /* blocked in MM_WAIT */
	int wait_pid;               /* ... for this child, or -1 */
	uint64_t wait_handle;       /* reply handle */
	struct mm_proc *next;
};

/* MM_MMAP and MM_DEV_MMIO regions lie in [USER_MMAP_BASE, MMAP_TOP): up
 * to the main stack's guard page. */
#define MMAP_TOP (USER_STACK_TOP - MM_STACK_MAX - PAGE_SIZE)

/* proc.c */
void mm_proc_init(void);
struct mm_proc *mm_proc_new(int pid, int parent, const char *name);
struct mm_proc *mm_proc_find(int pid);
/* The record of a request's sender, if mm made it and it is alive:
 * requests from processes mm does not know are refused (ERR_SRCH). */
static inline struct mm_proc *mm_caller(const struct ipc_from *from)
{
	struct mm_proc *p = mm_proc_find(from->pid);
	return p && p->alive ? p : NULL;
}
/* A request handler's answer: tag = result; 1 = send the reply now. */
static inline int mm_reply(struct ipc_msg *reply, int64_t tag)
{
	reply->tag = tag;
	return 1;
}
struct mm_proc *mm_proc_first(void);
struct mm_proc *mm_proc_nth(int index);
int mm_proc_count(void);
void mm_proc_free(struct mm_proc *p);
void mm_proc_own(struct mm_proc *p, pfn_t pfn, enum page_use use, vaddr_t va);
int mm_proc_disown(struct mm_proc *p, pfn_t pfn);
void mm_proc_release(struct mm_proc *p);
int mm_proc_map(struct mm_proc *p, vaddr_t va, pfn_t pfn, unsigned prot);
int mm_proc_spares(paddr_t out[MM_MAP_SPARES]);
void mm_proc_spares_used(struct mm_proc *p, int used);
int mm_proc_prune(struct mm_proc *p, vaddr_t from, vaddr_t to);
void mm_proc_count_spares(uint64_t *free);
uint64_t mm_rights(unsigned prot);

/* region.c */
void region_init(void);
struct mm_region *region_find(struct mm_proc *p, vaddr_t va);
struct mm_region *region_of_kind(struct mm_proc *p, enum region_kind kind);
int region_add(struct mm_proc *p, vaddr_t start, vaddr_t end, unsigned prot,
	       enum region_kind kind, struct mm_region **out);
vaddr_t region_find_gap(struct mm_proc *p, uint64_t len, vaddr_t lo, vaddr_t hi);
struct mm_region *region_guarded_by(struct mm_proc *p, vaddr_t addr);
bool region_range_free(struct mm_proc *p, vaddr_t start, vaddr_t end, const struct mm_region *except);
int region_unmap_pages(struct mm_proc *p, struct mm_region *r, vaddr_t from, vaddr_t to);
int region_protect(struct mm_proc *p, struct mm_region *r, unsigned prot);
int region_evict_page(struct mm_proc *p, struct mm_region *r, vaddr_t va);
void region_remove(struct mm_proc *p, struct mm_region *r);
void region_remove_all(struct mm_proc *p);

/* fault.c */
int mm_handle_fault(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_fill_page(struct mm_proc *p, struct mm_region *r, vaddr_t va);
int mm_copy_from(struct mm_proc *p, vaddr_t src, void *buf, size_t len);

/* shm.c */
void shm_init(void);
struct shm_obj *shm_get(uint64_t key, uint64_t npages);
pfn_t shm_page(struct shm_obj *o, uint64_t index);
pfn_t shm_page_fill(struct shm_obj *o, uint64_t index);
pfn_t shm_page_fill_by(struct shm_obj *o, uint64_t index, struct mm_proc *p);
void shm_put(struct shm_obj *o);
void shm_attach(struct shm_obj *o, struct mm_region *r);
void shm_detach(struct mm_region *r);
typedef int (*shm_rmap_fn)(struct mm_proc *p, struct mm_region *r, vaddr_t va, void *arg);
int shm_rmap_walk(pfn_t pfn, shm_rmap_fn fn, void *arg);
struct swap_ent **shm_swapped(struct shm_obj *o);
int shm_evict_page(pfn_t pfn);

/* spawn.c */
#define MM_SPAWN_RESIDENT 0x100     /* mm-internal (not a client's MM_SPAWN_*):
				       every page present and pinned first */
#define MM_SPAWN_DEVMGR   0x200     /* mm-internal: the device enumerator
				       (PROC_FLAG_DEVMGR); its module cannot
				       be spawned otherwise (ERR_PERM) */
#define DEVMGR_MODULE "devmgr"
#define MM_RESIDENT_STACK_PAGES 4   /* a resident server's fixed stack */
typedef int (*mm_spawn_setup_fn)(struct mm_proc *p, void *arg);
void spawn_init(const void *boot_info);
int mm_spawn_program(const char *argv_line, int parent, unsigned flags);
int mm_spawn_resident(const char *argv_line, mm_spawn_setup_fn setup, void *arg);
/* The boot module called name (any of them, mm's own too), or NULL. */
const struct mm_boot_module *spawn_boot_module(const char *name);
/* The index-th boot module (boot order), or NULL past the last; *count
 * (if not NULL) = how many there are. */
const struct mm_boot_module *spawn_boot_module_nth(unsigned index, unsigned *count);
/* Is the boot module an ELF executable spawn could load? */
bool spawn_module_is_program(const struct mm_boot_module *m);
int mm_spawn_module(const char *module, unsigned flags);
void mm_start_init(void);

/* device.c: the devices' side of the memory server (docs/drivers.md) */
bool device_boot(void);
void device_proc_exit(int pid);
int mm_handle_dev_mmio(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dev_open(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_dev_ready(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);

/* budget.c: frame budgets (local replacement) */
int budget_valid(uint64_t frames);
int budget_attach_region(struct mm_proc *p, struct mm_region *r, uint64_t frames);
int budget_attach_proc(struct mm_proc *p, uint64_t frames);
struct policy_pool *budget_pool_of(const struct mm_region *r);
const struct policy_pool *budget_proc_pool(const struct mm_proc *p);
int budget_make_room(struct mm_region *r);
void budget_admit(struct mm_region *r, pfn_t pfn);
void budget_region_gone(struct mm_proc *p, struct mm_region *r);
void budget_proc_gone(struct mm_proc *p);

/* stat.c: MM_VMSTAT, MM_POLICY, MM_POLICY_INFO, MM_PROCINFO's paging words */
int mm_copy_to(struct mm_proc *p, vaddr_t dst, const void *buf, size_t len);
int mm_handle_vmstat(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_policy(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_policy_info(const struct ipc_msg *req, const struct ipc_from *from,
			  struct ipc_msg *reply);
void stat_procinfo_paging(const struct mm_proc *p, struct ipc_msg *reply);
/* Make the policy chosen by text ("NAME", "NAME:K=V,...", "NAME K=V ...",
 * len bytes) run every pool: 0, or -ERR_INVAL with the reason in why
 * (nothing changes). MM_POLICY and the boot option policy= use it. */
int stat_policy_select(const char *text, size_t len, char *why, size_t whylen);

/* module.c: MM_MODULE_READ (boot modules as read-only files), MM_MODULE_INFO */
int mm_handle_module_read(const struct ipc_msg *req, const struct ipc_from *from,
			  struct ipc_msg *reply);
int mm_handle_module_info(const struct ipc_msg *req, const struct ipc_from *from,
			  struct ipc_msg *reply);

/* meminfo.c: MM_BUDDYINFO, MM_SLABINFO (memstat buddy, memstat slab) */
int mm_handle_buddyinfo(const struct ipc_msg *req, const struct ipc_from *from,
			struct ipc_msg *reply);
int mm_handle_slabinfo(const struct ipc_msg *req, const struct ipc_from *from,
		       struct ipc_msg *reply);

/* event.c: the paging-event ring (vmstat.h's mm_event) */
int mm_handle_events(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);

/* requests.c: handlers of pagoda/mm.h requests */
int mm_handle_spawn(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_wait(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_sbrk(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_mmap(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_munmap(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_mprotect(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_stat(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
int mm_handle_procinfo(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply);
/* Each request's handler by tag (NULL: no such request), for ipc_serve. */
extern const ipc_handler mm_handlers[MM__REQUESTS];
/* pid ended; unstopped = MM_PROC_EXIT's w2, its devices the kernel
 * could not show stopped (its DMA memory is then quarantined). */
void mm_handle_exit(int pid, int status, uint64_t unstopped);

#endif
