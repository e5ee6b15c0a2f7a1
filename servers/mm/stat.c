/*
 * stat.c - what the memory server tells about paging (pagoda/mm.h):
 * MM_VMSTAT (the counters of vmstat.h, swap use, the active policy and
 * one pool's policy counters), MM_PROCINFO's paging words, and MM_POLICY
 * (switch the replacement policy at run time). `memstat` shows them all;
 * `memstat -k` prints them as `key value` lines (docs/memstat.md).
 *
 * Every field of a request is checked before anything is read or
 * changed: a size other than sizeof(struct mm_vmstat_info), a pool index
 * past the last pool, a name of the wrong length or unknown - each gets
 * its error and changes nothing.
 *
 * Answers that do not fit in a reply's seven words are copied into the
 * caller with mm_copy_to, which fills the pages of the caller's buffer it
 * has not touched yet (as mm_copy_from does for reads).
 */
#include <string.h>
#include "mm.h"
#include "policy.h"
#include "vmstat.h"
#include "kcall.h"
#include "reclaim.h"
#include "swap.h"

int mm_copy_to(struct mm_proc *p, vaddr_t dst, const void *buf, size_t len)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int err = kcall_copy(MM_PID, (vaddr_t)(uintptr_t)buf, p->pid, dst, len);
		if (err != -ERR_FAULT || attempt == 1 || dst + len < dst)
			return err;
		for (vaddr_t va = page_round_down(dst); va < dst + len; va += PAGE_SIZE) {
			struct mm_region *r = region_find(p, va);
			if (!r || !(r->prot & MM_PROT_WRITE) || mm_fill_page(p, r, va) < 0)
				return -ERR_FAULT;
		}
	}
	return -ERR_FAULT;
}

static struct policy_pool *pool_nth(uint64_t index, uint64_t *count)
{
	*count = 0;
	while (reclaim_pool_nth((unsigned)*count))
		(*count)++;
	return index < *count ? reclaim_pool_nth((unsigned)index) : NULL;
}

static void fill_vmstat(struct mm_vmstat_info *v, const struct policy_pool *pool, uint64_t pools)
{
	*v = (struct mm_vmstat_info){
		.swapins = mm_vmstat.swapins, .swapouts = mm_vmstat.swapouts,
		.evict_clean = mm_vmstat.evict_clean, .evict_dirty = mm_vmstat.evict_dirty,
		.reclaim_background = mm_vmstat.reclaim_background,
		.reclaim_direct = mm_vmstat.reclaim_direct, .oom_kills = mm_vmstat.oom_kills,
		.major_faults = mm_vmstat.major_faults, .minor_faults = mm_vmstat.minor_faults,
		.pools = pools,
		.pool_pages = pool->pages, .pool_limit = pool->limit,
		.admitted = pool->stats.admitted, .victims = pool->stats.victims,
		.scanned = pool->stats.scanned, .referenced = pool->stats.referenced,
		.moves = pool->stats.moves,
	};
	v->swap_total = swap_slots_total();
	v->swap_used = swap_slots_used();
	strncpy(v->policy, reclaim_policy->name, sizeof v->policy - 1);
	strncpy(v->pool_name, pool->name, sizeof v->pool_name - 1);
}

int mm_handle_vmstat(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	uint64_t pools;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[1] != sizeof(struct mm_vmstat_info))
		return mm_reply(reply, -ERR_INVAL);
	const struct policy_pool *pool = pool_nth(req->w[2], &pools);
	if (!pool)
		return mm_reply(reply, -ERR_NOENT);
	struct mm_vmstat_info v;
	fill_vmstat(&v, pool, pools);
	int err = mm_copy_to(p, req->w[0], &v, sizeof v);
	return mm_reply(reply, err < 0 ? -ERR_FAULT : 0);
}

int mm_handle_policy(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	char text[POLICY_ARG_MAX], why[80];
	uint64_t len = req->w[1];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (len == 0 || len >= POLICY_ARG_MAX)
		return mm_reply(reply, -ERR_INVAL);
	if (mm_copy_from(p, req->w[0], text, len) < 0)
		return mm_reply(reply, -ERR_FAULT);
	return mm_reply(reply, stat_policy_select(text, len, why, sizeof why));
}

int stat_policy_select(const char *text, size_t len, char *why, size_t whylen)
{
	struct policy_choice c;
	int rc = policy_parse(text, len, &c, why, whylen);
	if (rc < 0)
		return rc;
	reclaim_set_policy(&c);
	return 0;
}

void stat_procinfo_paging(const struct mm_proc *p, struct ipc_msg *reply)
{
	reply->w[0] = p->major_faults;
	reply->w[1] = p->faults;
	reply->w[2] = p->swapped;  /* kept by swap.c */
	const struct policy_pool *pool = budget_proc_pool(p);
	reply->w[3] = pool ? pool->limit : 0;
	reply->w[4] = pool ? pool->pages : 0;
}
