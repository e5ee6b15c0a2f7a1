/*
 * stat.c - what the memory server tells about paging (pagoda/mm.h):
 * MM_VMSTAT (the counters of vmstat.h, swap use, the active policy with
 * its parameters and one pool's policy counters), MM_PROCINFO's paging
 * words, MM_POLICY (switch the replacement policy at run time, with the
 * reason of a refusal written back) and MM_POLICY_INFO (the policy
 * table: names, summaries, parameters). `memstat` shows the first ones
 * (`memstat -k` as `key value` lines, docs/memstat.md), `policy` the
 * last two (docs/policies.md).
 *
 * Every field of a request is checked before anything is read or
 * changed: a size other than the struct's, a pool or policy index past
 * the last, a text of the wrong length, an unknown policy or parameter,
 * a value out of range, a reason buffer that is too big or not writable
 * - each gets its error and changes nothing (MM_POLICY writes only its
 * reason into the caller's buffer, which it checks first).
 *
 * Answers that do not fit in a reply's seven words are copied into the
 * caller with mm_copy_to, which fills the pages of the caller's buffer it
 * has not touched yet (as mm_copy_from does for reads).
 */
#include <stdio.h>
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
	v->activated = pool->stats.activated;
	v->deactivated = pool->stats.deactivated;
	v->ghost_hits = pool->stats.ghost_hits;
	v->samples = pool->stats.samples;
	v->swap_total = swap_slots_total();
	v->swap_used = swap_slots_used();
	strncpy(v->policy, reclaim_policy->name, sizeof v->policy - 1);
	strncpy(v->pool_name, pool->name, sizeof v->pool_name - 1);
	policy_format(&reclaim_choice, v->policy_text, sizeof v->policy_text);
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

_Static_assert(POLICY_ARG_MAX == MM_POLICY_TEXT_MAX, "the text MM_POLICY takes is policy.h's");
_Static_assert(POLICY_PARAMS <= MM_POLICY_PARAMS, "every parameter fits in MM_POLICY_INFO");

/* MM_POLICY's reason buffer (w2, w3): usable, and emptied now so that
 * the reason can be written later; 0 or the error (nothing changed). */
static int check_why_buffer(struct mm_proc *p, uint64_t addr, uint64_t size)
{
	static const char zeros[MM_POLICY_WHY_MAX];
	if (size == 0)
		return addr == 0 ? 0 : -ERR_INVAL;
	if (size > MM_POLICY_WHY_MAX)
		return -ERR_INVAL;
	return mm_copy_to(p, addr, zeros, size) < 0 ? -ERR_FAULT : 0;
}

/* Refuse with the reason why, written to the caller's buffer if it gave one. */
static int refuse_with(struct mm_proc *p, const struct ipc_msg *req, struct ipc_msg *reply,
		       int err, const char *why)
{
	size_t n = strlen(why);
	if (req->w[3] && n >= req->w[3])
		n = req->w[3] - 1;
	if (req->w[3] && n)
		mm_copy_to(p, req->w[2], why, n);       /* checked writable; the NUL is there */
	return mm_reply(reply, err);
}

int mm_handle_policy(const struct ipc_msg *req, const struct ipc_from *from, struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	char text[POLICY_ARG_MAX], why[MM_POLICY_WHY_MAX];
	uint64_t len = req->w[1];
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	int err = check_why_buffer(p, req->w[2], req->w[3]);
	if (err < 0)
		return mm_reply(reply, err);
	if (len == 0 || len >= POLICY_ARG_MAX) {
		snprintf(why, sizeof why, "a policy's text is 1 to %d characters, not %llu",
			 POLICY_ARG_MAX - 1, (unsigned long long)len);
		return refuse_with(p, req, reply, -ERR_INVAL, why);
	}
	if (mm_copy_from(p, req->w[0], text, len) < 0)
		return mm_reply(reply, -ERR_FAULT);
	if (stat_policy_select(text, len, why, sizeof why) < 0)
		return refuse_with(p, req, reply, -ERR_INVAL, why);
	reply->w[0] = reclaim_user_pages();
	pool_nth(0, &reply->w[1]);
	return mm_reply(reply, 0);
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

static void copy_string(char *dst, size_t size, const char *src)
{
	strncpy(dst, src ? src : "", size - 1);
}

/* MM_POLICY_INFO's struct for pol; the values in use if it is active. */
static void fill_policy_info(struct mm_policy_info *info, const struct mm_policy *pol)
{
	bool active = pol == reclaim_choice.policy;
	memset(info, 0, sizeof *info);
	copy_string(info->name, sizeof info->name, pol->name);
	copy_string(info->summary, sizeof info->summary, pol->summary);
	info->nparams = pol->nparams;
	info->active = active;
	for (unsigned i = 0; i < pol->nparams && i < MM_POLICY_PARAMS; i++) {
		struct mm_policy_param_info *pi = &info->param[i];
		const struct policy_param *pp = &pol->params[i];
		copy_string(pi->name, sizeof pi->name, pp->name);
		copy_string(pi->meaning, sizeof pi->meaning, pp->meaning);
		pi->def = pp->def;
		pi->min = pp->min;
		pi->max = pp->max;
		pi->value = active ? reclaim_choice.param[i] : pp->def;
	}
}

static uint64_t active_index(void)
{
	for (unsigned i = 0; i < policy_count; i++)
		if (policy_table[i] == reclaim_choice.policy)
			return i;
	return policy_count;
}

int mm_handle_policy_info(const struct ipc_msg *req, const struct ipc_from *from,
			  struct ipc_msg *reply)
{
	struct mm_proc *p = mm_caller(from);
	struct mm_policy_info info;
	if (!p)
		return mm_reply(reply, -ERR_SRCH);
	if (req->w[2] != sizeof info)
		return mm_reply(reply, -ERR_INVAL);
	if (req->w[0] >= policy_count)
		return mm_reply(reply, -ERR_NOENT);
	fill_policy_info(&info, policy_table[req->w[0]]);
	if (mm_copy_to(p, req->w[1], &info, sizeof info) < 0)
		return mm_reply(reply, -ERR_FAULT);
	reply->w[0] = policy_count;
	reply->w[1] = active_index();
	return mm_reply(reply, 0);
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
