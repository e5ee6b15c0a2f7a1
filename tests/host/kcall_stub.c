/*
 * kcall_stub.c - the kernel as the memory server sees it, modelled in
 * ordinary memory (see kcall_stub.h). Argument checks follow
 * kernel/mmcall.c: target first (ERR_SRCH), then every argument
 * (ERR_INVAL), then the state (ERR_BUSY, ERR_NOENT, ERR_NOMEM); a call
 * that fails changes nothing. enter_target() and enter_page() are the
 * steps most calls share (count, forced failure, target, page address).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/error.h>
#include <pagoda/layout.h>
#include <pagoda/mm.h>
#include <pagoda/dev.h>
#include "mm_env.h"
#include "mm.h"
#include "kcall_stub.h"

#define COPY_MAX     (1u << 20)
#define ACCESSED_MAX 63
#define EXITS_MAX    256
#define REPLIES_MAX  256

/* Page-table levels below the root and the span one table covers. */
enum { LEVEL_PT = 1, LEVEL_PD = 2, LEVEL_PDPT = 3 };
static const unsigned span_shift[] = { [LEVEL_PT] = 21, [LEVEL_PD] = 30, [LEVEL_PDPT] = 39 };

struct pte {
	vaddr_t va;
	paddr_t pa;
	uint64_t rights;
	bool accessed, dirty;
};

struct table {
	int level;
	vaddr_t base;       /* first address of its span */
	paddr_t pa;
};

struct sproc {
	enum stub_state state;
	int pid;
	char name[32];
	paddr_t root;
	unsigned flags;
	int status;
	unsigned threads;
	vaddr_t entry, rsp;
	int allow[STUB_ALLOWS];
	unsigned nallow;
	struct pte *ptes;
	size_t nptes, cap;
	struct table *tables;
	size_t ntables, tcap;
	uint64_t unstopped;         /* its devices that could not be stopped at death */
};


static struct sproc procs[STUB_PROCS];
static int next_pid = 2;
static int next_tid = 1;
static int exits[EXITS_MAX];
static int nexits;
static struct stub_reply replies[REPLIES_MAX];
static unsigned nreplies;
static unsigned calls[STUB__CALLS];
static struct { bool armed; unsigned skip; int err; } fails[STUB__CALLS];
static unsigned spares_held;

static stub_server_fn server;
static struct dev_info devices[STUB_DEVICES];
static bool stuck[STUB_DEVICES];     /* devices[i] cannot be shown stopped */
static unsigned ndevices;
static int poweroff_code = -1;

void stub_set_server(stub_server_fn fn)
{
	server = fn;
}

int kcall_call(int pid, struct ipc_msg *m)
{
	return server ? server(pid, m) : -ERR_DEAD;
}

void stub_kernel_reset(void)
{
	server = NULL;
	for (int i = 0; i < STUB_PROCS; i++) {
		free(procs[i].ptes);
		free(procs[i].tables);
	}
	memset(procs, 0, sizeof procs);
	next_pid = 2;
	next_tid = 1;
	nexits = 0;
	nreplies = 0;
	memset(calls, 0, sizeof calls);
	memset(fails, 0, sizeof fails);
	ndevices = 0;
	poweroff_code = -1;
	memset(stuck, 0, sizeof stuck);
}

void stub_fail(enum stub_call call, unsigned skip, int err)
{
	fails[call].armed = true;
	fails[call].skip = skip;
	fails[call].err = err;
}

unsigned stub_calls(enum stub_call call)
{
	return calls[call];
}

/* Count the call; a forced failure's error, or 0. */
static int enter(enum stub_call call)
{
	calls[call]++;
	if (!fails[call].armed)
		return 0;
	if (fails[call].skip > 0) {
		fails[call].skip--;
		return 0;
	}
	fails[call].armed = false;
	return fails[call].err;
}

/* ---- processes ----------------------------------------------------------- */

static struct sproc *find(int pid)
{
	for (int i = 0; i < STUB_PROCS; i++)
		if (procs[i].state != STUB_FREE && procs[i].pid == pid)
			return &procs[i];
	return NULL;
}

/* A live process other than mm (the kernel's "target"). */
static struct sproc *target(int pid)
{
	struct sproc *p = pid == MM_PID ? NULL : find(pid);
	return p && p->state == STUB_ALIVE ? p : NULL;
}

static bool alive(int pid)
{
	return pid == MM_PID || target(pid) != NULL;
}

static bool frame_ok(paddr_t pa)
{
	return !(pa & ~PAGE_MASK) && pa < mm_phys_limit;
}

static bool user_va(vaddr_t va)
{
	return va >= USER_MIN && va < USER_TOP;
}

static bool page_va_ok(vaddr_t va)
{
	return user_va(va) && !(va & ~PAGE_MASK);
}

/* MM_RIGHT_READ | _WRITE | _EXEC and nothing else. */
static bool rights_ok(uint64_t rights)
{
	return !(rights & ~(uint64_t)(MM_RIGHT_READ | MM_RIGHT_WRITE | MM_RIGHT_EXEC));
}

/* How every call on a process starts, in the kernel's order: count the
 * call, then a forced failure, then ERR_SRCH unless pid is a live process
 * other than mm. 0 with *pp = its record. */
static int enter_target(enum stub_call call, int pid, struct sproc **pp)
{
	int err = enter(call);
	if (err)
		return err;
	*pp = target(pid);
	return *pp ? 0 : -ERR_SRCH;
}

/* The same for a call on one page of pid: ERR_INVAL unless va is a
 * page-aligned user address. */
static int enter_page(enum stub_call call, int pid, vaddr_t va, struct sproc **pp)
{
	int err = enter_target(call, pid, pp);
	if (err)
		return err;
	return page_va_ok(va) ? 0 : -ERR_INVAL;
}

int kcall_proc_create(const char *name, paddr_t root, unsigned flags)
{
	int err = enter(STUB_PROC_CREATE);
	if (err)
		return err;
	if ((flags & ~(unsigned)(PROC_FLAG_POWER | PROC_FLAG_DEVMGR)) || !frame_ok(root))
		return -ERR_INVAL;
	if (!name)
		return -ERR_FAULT;
	for (int i = 0; i < STUB_PROCS && (flags & PROC_FLAG_DEVMGR); i++)
		if (procs[i].state == STUB_ALIVE && (procs[i].flags & PROC_FLAG_DEVMGR))
			return -ERR_BUSY;       /* one enumerator at a time */
	struct sproc *p = NULL;
	for (int i = 0; i < STUB_PROCS && !p; i++)
		if (procs[i].state == STUB_FREE)
			p = &procs[i];
	if (!p)
		return -ERR_NOSPC;
	*p = (struct sproc){ .state = STUB_ALIVE, .pid = next_pid++, .root = root, .flags = flags };
	memcpy(p->name, name, strnlen(name, sizeof p->name - 1));
	memset(mm_phys_to_virt(root), 0, PAGE_SIZE / 2);   /* the user half is cleared */
	return p->pid;
}

int kcall_thread_start(int pid, vaddr_t entry, vaddr_t rsp, uint64_t arg)
{
	struct sproc *p;
	int err = enter_target(STUB_THREAD_START, pid, &p);
	if (err)
		return err;
	if (!user_va(entry) || !user_va(rsp))
		return -ERR_INVAL;
	if (p->threads++ == 0) {
		p->entry = entry;
		p->rsp = rsp;
	}
	return next_tid++;
}

static uint64_t release_devices(int pid);

static void die(struct sproc *p, int status)
{
	p->unstopped = release_devices(p->pid);     /* before the exit is reported */
	p->state = STUB_DEAD;
	p->status = status;
	p->threads = 0;
	if (nexits < EXITS_MAX)
		exits[nexits++] = p->pid;
}

int kcall_kill(int pid, int status)
{
	struct sproc *p;
	int err = enter_target(STUB_KILL, pid, &p);
	if (err)
		return err;
	die(p, status);
	return 0;
}

void stub_exit(int pid, int status)
{
	struct sproc *p = target(pid);
	if (p)
		die(p, status);
}

int kcall_proc_destroy(int pid)
{
	int err = enter(STUB_DESTROY);
	struct sproc *p = pid == MM_PID ? NULL : find(pid);
	if (err)
		return err;
	if (!p)
		return -ERR_SRCH;
	if (p->state != STUB_REPORTED)
		return -ERR_BUSY;
	free(p->ptes);
	free(p->tables);
	memset(p, 0, sizeof *p);
	return 0;
}

int kcall_ipc_allow(int pid, int target_pid)
{
	struct sproc *p;
	int err = enter_target(STUB_IPC_ALLOW, pid, &p);
	if (err)
		return err;
	if (!alive(target_pid))
		return -ERR_SRCH;
	for (unsigned i = 0; i < p->nallow; i++)
		if (p->allow[i] == target_pid)
			return 0;
	if (p->nallow == STUB_ALLOWS)
		return -ERR_NOSPC;
	p->allow[p->nallow++] = target_pid;
	return 0;
}

int kcall_reply(uint64_t handle, const struct ipc_msg *m)
{
	int err = enter(STUB_REPLY);
	if (err)
		return err;
	if (handle == IPC_NO_REPLY)
		return -ERR_INVAL;
	if (nreplies < REPLIES_MAX)
		replies[nreplies++] = (struct stub_reply){ handle, *m };
	return 0;
}

int stub_deliver_exits(void)
{
	int n = 0;
	while (nexits > 0) {
		int pid = exits[0];
		memmove(exits, exits + 1, (size_t)--nexits * sizeof exits[0]);
		struct sproc *p = find(pid);
		if (!p || p->state != STUB_DEAD)
			continue;
		p->state = STUB_REPORTED;
		mm_handle_exit(pid, p->status, p->unstopped);
		n++;
	}
	return n;
}

int stub_exits_pending(void)
{
	return nexits;
}

/* ---- page tables ----------------------------------------------------------- */

static struct pte *pte_find(struct sproc *p, vaddr_t va)
{
	for (size_t i = 0; i < p->nptes; i++)
		if (p->ptes[i].va == va)
			return &p->ptes[i];
	return NULL;
}

static vaddr_t span_base(int level, vaddr_t va)
{
	return va & ~((1ULL << span_shift[level]) - 1);
}

static struct table *table_find(struct sproc *p, int level, vaddr_t va)
{
	vaddr_t base = span_base(level, va);
	for (size_t i = 0; i < p->ntables; i++)
		if (p->tables[i].level == level && p->tables[i].base == base)
			return &p->tables[i];
	return NULL;
}

static unsigned tables_needed(struct sproc *p, vaddr_t va)
{
	unsigned n = 0;
	for (int level = LEVEL_PDPT; level >= LEVEL_PT; level--)
		n += table_find(p, level, va) == NULL;
	return n;
}

static void *grow(void *array, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return array;
	*cap = *cap ? *cap * 2 : 64;
	array = realloc(array, *cap * size);
	if (!array)
		abort();
	return array;
}

/* The non-PADDR_NONE spares, in order; false if one is bad or repeats. */
static bool gather_spares(const paddr_t *spares, paddr_t *out, unsigned *n)
{
	*n = 0;
	for (int i = 0; i < MM_MAP_SPARES; i++) {
		if (spares[i] == PADDR_NONE)
			continue;
		if (!frame_ok(spares[i]))
			return false;
		for (unsigned j = 0; j < *n; j++)
			if (out[j] == spares[i])
				return false;
		out[(*n)++] = spares[i];
	}
	return true;
}

/* Map va -> pa in p (checked by the caller, but for va being mapped and
 * the spares being enough), the missing tables from s[0..ns). */
static int install(struct sproc *p, vaddr_t va, paddr_t pa, uint64_t rights, const paddr_t *s,
		   unsigned ns)
{
	if (pte_find(p, va))
		return -ERR_BUSY;
	unsigned need = tables_needed(p, va);
	if (need > ns)
		return -ERR_NOMEM;
	unsigned used = 0;
	for (int level = LEVEL_PDPT; level >= LEVEL_PT; level--) {
		if (table_find(p, level, va))
			continue;
		p->tables = grow(p->tables, &p->tcap, p->ntables + 1, sizeof *p->tables);
		p->tables[p->ntables++] = (struct table){ level, span_base(level, va), s[used] };
		memset(mm_phys_to_virt(s[used]), 0, PAGE_SIZE);
		used++;
	}
	p->ptes = grow(p->ptes, &p->cap, p->nptes + 1, sizeof *p->ptes);
	p->ptes[p->nptes++] = (struct pte){ .va = va, .pa = pa, .rights = rights | MM_RIGHT_READ };
	if (ns > 0)
		spares_held = ns - used;
	return (int)used;
}

int kcall_map(int pid, vaddr_t va, paddr_t pa, uint64_t rights, const paddr_t *spares)
{
	struct sproc *p;
	paddr_t s[MM_MAP_SPARES];
	unsigned ns;
	bool spares_ok = gather_spares(spares, s, &ns);
	if (!spares_ok || ns > 0)       /* a map with none (a lent frame) leaves mm's as they were */
		spares_held = spares_ok ? ns : 0;
	int err = enter_page(STUB_MAP, pid, va, &p);
	if (err)
		return err;
	if (!frame_ok(pa) || !rights_ok(rights) || !spares_ok)
		return -ERR_INVAL;
	return install(p, va, pa, rights, s, ns);
}


static int64_t pte_word(const struct pte *e, bool with_rights)
{
	uint64_t w = e->pa | (e->accessed ? MM_PTE_ACCESSED : 0) | (e->dirty ? MM_PTE_DIRTY : 0);
	if (with_rights)
		w |= ((e->rights & MM_RIGHT_WRITE) ? MM_PTE_WRITE : 0) |
		     ((e->rights & MM_RIGHT_EXEC) ? MM_PTE_EXEC : 0);
	return (int64_t)w;
}

/* SYS_MM_MAP_RUN: the same checks, then one SYS_MM_MAP per page (the
 * spares only for the first: the run lies in one leaf table). The spares
 * are the caller's, not mm's kept ones: the count of those stays. */
int kcall_map_run(int pid, vaddr_t va, paddr_t pa, uint64_t npages, uint64_t rights,
		  const paddr_t *spares)
{
	static const paddr_t none[MM_MAP_SPARES] = { PADDR_NONE, PADDR_NONE, PADDR_NONE };
	uint64_t len = npages * PAGE_SIZE;
	if (npages == 0 || npages > MM_MAP_RUN_MAX || (va & ~PAGE_MASK) || (pa & ~PAGE_MASK) ||
	    (va >> 21) != ((va + len - 1) >> 21))
		return -ERR_INVAL;
	for (uint64_t off = 0; off < len; off += PAGE_SIZE)
		if (stub_pte(pid, va + off) >= 0)
			return -ERR_BUSY;
	unsigned held = spares_held;
	int used = kcall_map(pid, va, pa, rights, spares);
	for (uint64_t off = PAGE_SIZE; used >= 0 && off < len; off += PAGE_SIZE)
		if (kcall_map(pid, va + off, pa + off, rights, none) < 0) {
			fprintf(stderr, "kcall_map_run: page %#lx refused after the checks\n",
				(unsigned long)(va + off));
			abort();
		}
	spares_held = held;
	return used;
}

int64_t kcall_unmap(int pid, vaddr_t va)
{
	struct sproc *p;
	int err = enter_page(STUB_UNMAP, pid, va, &p);
	if (err)
		return err;
	struct pte *e = pte_find(p, va);
	if (!e)
		return -ERR_NOENT;
	int64_t old = pte_word(e, false);
	*e = p->ptes[--p->nptes];
	return old;
}

int kcall_protect(int pid, vaddr_t va, uint64_t rights)
{
	struct sproc *p;
	int err = enter_page(STUB_PROTECT, pid, va, &p);
	if (err)
		return err;
	if (!rights_ok(rights))
		return -ERR_INVAL;
	struct pte *e = pte_find(p, va);
	if (!e)
		return -ERR_NOENT;
	e->rights = rights | MM_RIGHT_READ;
	return 0;
}

int64_t kcall_accessed(int pid, vaddr_t va, unsigned n)
{
	struct sproc *p;
	int err = enter_page(STUB_ACCESSED, pid, va, &p);
	if (err)
		return err;
	if (n == 0 || n > ACCESSED_MAX || !user_va(va + (n - 1) * PAGE_SIZE))
		return -ERR_INVAL;
	int64_t bits = 0;
	for (unsigned i = 0; i < n; i++) {
		struct pte *e = pte_find(p, va + i * PAGE_SIZE);
		if (e && e->accessed) {
			bits |= (int64_t)1 << i;
			e->accessed = false;
		}
	}
	return bits;
}

int64_t kcall_lookup(int pid, vaddr_t va)
{
	struct sproc *p;
	int err = enter_page(STUB_LOOKUP, pid, va, &p);
	if (err)
		return err;
	struct pte *e = pte_find(p, va);
	return e ? pte_word(e, true) : -ERR_NOENT;
}

/* Does anything live in the span of table t: a page, or a table below? */
static bool table_in_use(const struct sproc *p, const struct table *t)
{
	vaddr_t end = t->base + (1ULL << span_shift[t->level]);
	for (size_t i = 0; i < p->nptes; i++)
		if (p->ptes[i].va >= t->base && p->ptes[i].va < end)
			return true;
	for (size_t i = 0; i < p->ntables; i++)
		if (p->tables[i].level < t->level && p->tables[i].base >= t->base && p->tables[i].base < end)
			return true;
	return false;
}

/* Bottom up, so that a PD whose only PT goes is pruned in the same call. */
int kcall_prune(int pid, vaddr_t va, uint64_t len, paddr_t *out, unsigned max)
{
	struct sproc *p;
	int err = enter_target(STUB_PRUNE, pid, &p);
	if (err)
		return err;
	if (len == 0 || va + len < va || !user_va(va) || !user_va(va + len - 1) ||
	    max == 0 || max > MM_PRUNE_MAX)
		return -ERR_INVAL;
	if (!out)
		return -ERR_FAULT;
	unsigned n = 0;
	for (int level = LEVEL_PT; level <= LEVEL_PDPT; level++) {
		for (size_t i = 0; i < p->ntables && n < max; ) {
			struct table *t = &p->tables[i];
			vaddr_t end = t->base + (1ULL << span_shift[t->level]);
			if (t->level != level || t->base >= va + len || end <= va || table_in_use(p, t)) {
				i++;
				continue;
			}
			out[n++] = t->pa;
			*t = p->tables[--p->ntables];
		}
	}
	return (int)n;
}

/* ---- copying and user accesses -------------------------------------------- */

/* Where byte va of pid is in our memory, if the page is present (and
 * writable, if asked). NULL otherwise. */
static uint8_t *translate(int pid, vaddr_t va, bool write, bool touch)
{
	if (pid == MM_PID)
		return (uint8_t *)(uintptr_t)va;
	struct sproc *p = find(pid);
	struct pte *e = p ? pte_find(p, page_round_down(va)) : NULL;
	if (!e || (write && !(e->rights & MM_RIGHT_WRITE)))
		return NULL;
	if (touch) {
		e->accessed = true;
		e->dirty |= write;
	}
	return (uint8_t *)mm_phys_to_virt(e->pa) + (va & ~PAGE_MASK);
}

static bool range_ok(int pid, vaddr_t va, size_t len, bool write)
{
	if (len == 0)
		return true;
	if (va + len < va)
		return false;
	for (vaddr_t a = page_round_down(va); a < va + len; a += PAGE_SIZE)
		if (!translate(pid, a < va ? va : a, write, false))
			return false;
	return true;
}

/* Copy page by page from (src pid, src va) to (dst pid, dst va). */
static void copy_bytes(int spid, vaddr_t sva, int dpid, vaddr_t dva, size_t len, bool touch)
{
	while (len > 0) {
		size_t n = len;
		if (spid != MM_PID && n > PAGE_SIZE - (sva & ~PAGE_MASK))
			n = PAGE_SIZE - (sva & ~PAGE_MASK);
		if (dpid != MM_PID && n > PAGE_SIZE - (dva & ~PAGE_MASK))
			n = PAGE_SIZE - (dva & ~PAGE_MASK);
		memcpy(translate(dpid, dva, true, touch), translate(spid, sva, false, touch), n);
		sva += n;
		dva += n;
		len -= n;
	}
}

int kcall_copy(int src_pid, vaddr_t src, int dst_pid, vaddr_t dst, size_t len)
{
	int err = enter(STUB_COPY);
	if (err)
		return err;
	if (!alive(src_pid) || !alive(dst_pid))
		return -ERR_SRCH;
	if (len > COPY_MAX)
		return -ERR_INVAL;
	if (!range_ok(src_pid, src, len, false) || !range_ok(dst_pid, dst, len, true))
		return -ERR_FAULT;
	copy_bytes(src_pid, src, dst_pid, dst, len, false);
	for (vaddr_t a = page_round_down(dst); dst_pid != MM_PID && a < dst + len; a += PAGE_SIZE)
		translate(dst_pid, a < dst ? dst : a, true, true);  /* the kernel marks what it wrote */
	return 0;
}

bool stub_access(int pid, vaddr_t va, uint64_t bits, uint64_t *fault)
{
	struct sproc *p = target(pid);
	struct pte *e = p && user_va(va) ? pte_find(p, page_round_down(va)) : NULL;
	bool ok = e && (!(bits & MM_FAULT_WRITE) || (e->rights & MM_RIGHT_WRITE)) &&
		  (!(bits & MM_FAULT_EXEC) || (e->rights & MM_RIGHT_EXEC));
	if (ok) {
		e->accessed = true;
		e->dirty |= (bits & MM_FAULT_WRITE) != 0;
		return true;
	}
	*fault = (bits & (MM_FAULT_WRITE | MM_FAULT_EXEC)) | (e ? MM_FAULT_PRESENT : 0);
	return false;
}

int stub_user_read(int pid, vaddr_t va, void *buf, size_t len)
{
	if (!target(pid) || !range_ok(pid, va, len, false))
		return -ERR_FAULT;
	copy_bytes(pid, va, MM_PID, (vaddr_t)(uintptr_t)buf, len, true);
	return 0;
}

int stub_user_write(int pid, vaddr_t va, const void *buf, size_t len)
{
	if (!target(pid) || !range_ok(pid, va, len, true))
		return -ERR_FAULT;
	copy_bytes(MM_PID, (vaddr_t)(uintptr_t)buf, pid, va, len, true);
	return 0;
}

/* ---- what the tests read ---------------------------------------------------- */

enum stub_state stub_state(int pid)
{
	struct sproc *p = find(pid);
	return p ? p->state : STUB_FREE;
}

#define FIELD(type, fn, field, none)            \
	type fn(int pid)                        \
	{                                       \
		struct sproc *p = find(pid);    \
		return p ? p->field : none;     \
	}
FIELD(int, stub_status, status, 0)
FIELD(unsigned, stub_threads, threads, 0)
FIELD(vaddr_t, stub_entry, entry, 0)
FIELD(vaddr_t, stub_rsp, rsp, 0)
FIELD(paddr_t, stub_root, root, PADDR_NONE)
FIELD(unsigned, stub_flags, flags, 0)
FIELD(uint64_t, stub_mapped, nptes, 0)
FIELD(uint64_t, stub_tables, ntables, 0)

const char *stub_name(int pid)
{
	struct sproc *p = find(pid);
	return p ? p->name : "";
}

bool stub_allowed(int pid, int target_pid)
{
	struct sproc *p = find(pid);
	for (unsigned i = 0; p && i < p->nallow; i++)
		if (p->allow[i] == target_pid)
			return true;
	return false;
}

int stub_live_count(void)
{
	int n = 0;
	for (int i = 0; i < STUB_PROCS; i++)
		n += procs[i].state == STUB_ALIVE;
	return n;
}

bool stub_is_table(int pid, paddr_t pa)
{
	struct sproc *p = find(pid);
	for (size_t i = 0; p && i < p->ntables; i++)
		if (p->tables[i].pa == pa)
			return true;
	return false;
}

void stub_for_each_mapping(int pid, stub_map_fn fn, void *arg)
{
	struct sproc *p = find(pid);
	for (size_t i = 0; p && i < p->nptes; i++) {
		const struct pte *e = &p->ptes[i];
		fn(e->va, e->pa, e->rights, e->accessed, e->dirty, arg);
	}
}

int64_t stub_pte(int pid, vaddr_t va)
{
	struct sproc *p = find(pid);
	struct pte *e = p ? pte_find(p, va) : NULL;
	return e ? pte_word(e, true) : -ERR_NOENT;
}

unsigned stub_spares_held(void)
{
	return spares_held;
}

unsigned stub_replies(void)
{
	return nreplies;
}

const struct stub_reply *stub_reply_at(unsigned i)
{
	return i < nreplies ? &replies[i] : NULL;
}

/* ---- devices ------------------------------------------------------------- */

static struct dev_info *device(uint16_t bdf)
{
	for (unsigned i = 0; i < ndevices; i++)
		if (devices[i].bdf == bdf)
			return &devices[i];
	return NULL;
}

void stub_dev_add(const struct dev_info *info)
{
	if (ndevices == STUB_DEVICES)
		abort();
	stuck[ndevices] = false;
	devices[ndevices++] = *info;
}

void stub_dev_set_owner(uint16_t bdf, int pid)
{
	struct dev_info *d = device(bdf);
	if (!d)
		abort();
	d->owner = pid;
}

int stub_dev_owner(uint16_t bdf)
{
	struct dev_info *d = device(bdf);
	return d ? d->owner : -ERR_NOENT;
}

/* The kernel stops a dying process's devices and releases them: how
 * many could not be shown stopped (MM_PROC_EXIT's w2). */
static uint64_t release_devices(int pid)
{
	uint64_t unstopped = 0;
	for (unsigned i = 0; i < ndevices; i++)
		if (devices[i].owner == pid) {
			devices[i].owner = 0;
			unstopped += stuck[i];
		}
	return unstopped;
}

void stub_dev_stuck(uint16_t bdf, bool is_stuck)
{
	struct dev_info *d = device(bdf);
	if (!d)
		abort();
	stuck[d - devices] = is_stuck;
}

int kcall_device_owner(uint32_t bdf)
{
	int err = enter(STUB_DEVICE);
	if (err)
		return err;
	if (bdf > 0xffff)
		return -ERR_INVAL;
	return stub_dev_owner((uint16_t)bdf);
}

int stub_poweroff_code(void)
{
	return poweroff_code;
}

int kcall_poweroff(int code)
{
	poweroff_code = code;
	return 0;
}

int kcall_dev_info(uint16_t bdf, struct dev_info *out)
{
	int err = enter(STUB_DEV_INFO);
	if (err)
		return err;
	struct dev_info *d = device(bdf);
	if (!d)
		return -ERR_NOENT;
	*out = *d;
	return 0;
}

/* SYS_MM_MAP_MMIO, in the kernel's order (kernel/mmcall.c, device.c). */
int kcall_map_mmio(int pid, vaddr_t va, paddr_t pa, uint32_t dev, const paddr_t *spares)
{
	struct sproc *p;
	paddr_t s[MM_MAP_SPARES];
	unsigned ns;
	bool spares_ok = gather_spares(spares, s, &ns);
	spares_held = spares_ok ? ns : 0;
	int err = enter_page(STUB_MAP_MMIO, pid, va, &p);
	if (err)
		return err;
	if ((pa & ~PAGE_MASK) || (dev >> 16) >= DEV_BARS || !spares_ok)
		return -ERR_INVAL;
	struct dev_info *d = device((uint16_t)dev);
	if (!d)
		return -ERR_NOENT;
	if (d->owner != pid)
		return -ERR_PERM;
	const struct dev_bar *b = &d->bar[dev >> 16];
	if (!(b->flags & DEV_BAR_MAPPABLE) || pa < b->base || pa - b->base >= b->size)
		return -ERR_INVAL;
	return install(p, va, pa, MM_RIGHT_READ | MM_RIGHT_WRITE, s, ns);
}
