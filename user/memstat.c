/*
 * memstat [-k] [VIEW] - prints what the memory server knows about memory.
 *
 * Plain `memstat` prints the overview: zones, swap, policy, processes and
 * dma, in that order. A VIEW prints one section alone:
 *
 *   zones      free pages per zone (DMA < 16 MiB, DMA32 < 4 GiB, NORMAL)
 *              in pages and KiB, and the total it manages (MM_STAT);
 *   buddy      the buddy allocator's free blocks per order 0..10 in each
 *              zone and the zone's free pages, like /proc/buddyinfo
 *              (MM_BUDDYINFO);
 *   slab       per slab cache of mm: object size, objects in use and in
 *              all, objects and pages per slab, slabs full, partial and
 *              empty, pages, like /proc/slabinfo (MM_SLABINFO);
 *   vm         the event counters since boot, like /proc/vmstat: faults,
 *              major faults, swap-ins and -outs, pages stolen by direct
 *              and background reclaim, frames scanned, OOM kills
 *              (MM_VMSTAT);
 *   swap       the swap device's size and use (pages and KiB), swap-ins
 *              and swap-outs, clean and dirty evictions, pages reclaimed in
 *              the background and by direct reclaim, OOM kills, major and
 *              minor faults since boot (MM_VMSTAT);
 *   policy     the active replacement policy with its parameters, and
 *              per pool (the global one and each budget) its frames,
 *              budget and counters: admitted, victims, scanned,
 *              referenced, hand moves, and what the richer policies
 *              count - activated, deactivated, ghost hits, samples;
 *   processes  per process: resident pages, minor and major faults,
 *              pages in swap, page tables, and its budget if it has one
 *              (MM_PROCINFO, both its BASIC and PAGING answers);
 *   dma        DMA grants (owner, device, size, bus address range,
 *              pinned pages, zone, mask, who they are shared with,
 *              quarantined or not), streaming mappings, and bounce-buffer
 *              use (MM_DMA_INFO);
 *   iommu      each device's IOMMU domain (MM_IOMMU_STAT): its domain id
 *              and driver, every mapped range - the bus address (IOVA)
 *              the device uses, the frames behind it and the grant they
 *              belong to - and its DMA fault count, with the totals.
 *
 * With -k the same figures come as `key value` lines, one per figure, for
 * scripts and tests; the keys are listed in docs/memstat.md. An unknown
 * view or option gets the usage line and exit status 2.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/dma.h>
#include <pagoda/about.h>

PAGODA_ABOUT("memory statistics: memstat [-k] [zones|buddy|slab|vm|swap|policy|...]");

#define KIB_PER_PAGE 4ULL

typedef unsigned long long ull;

static int keys;                /* -k */

static void kv(const char *key, ull v)
{
	printf("%s %llu\n", key, v);
}

static int print_zones(void)
{
	static const char *const zone[3] = { "DMA", "DMA32", "NORMAL" };
	static const char *const zone_key[3] = { "free_dma", "free_dma32", "free_normal" };
	struct mm_stat st;
	int err = mm_stat(&st);
	if (err < 0) {
		printf("memstat: MM_STAT failed: %s\n", pagoda_strerror(err));
		return -1;
	}
	ull total_free = st.free_pages[0] + st.free_pages[1] + st.free_pages[2];
	if (keys) {
		for (int z = 0; z < 3; z++)
			kv(zone_key[z], st.free_pages[z]);
		kv("free", total_free);
		kv("managed", st.managed_pages);
		kv("processes", st.nprocs);
		return 0;
	}
	printf("%-8s %10s %12s\n", "zone", "free pages", "free KiB");
	for (int z = 0; z < 3; z++)
		printf("%-8s %10llu %12llu\n", zone[z], (ull)st.free_pages[z],
		       (ull)st.free_pages[z] * KIB_PER_PAGE);
	printf("%-8s %10llu %12llu\n", "free", total_free, total_free * KIB_PER_PAGE);
	printf("%-8s %10llu %12llu\n", "managed", (ull)st.managed_pages,
	       (ull)st.managed_pages * KIB_PER_PAGE);
	printf("processes: %llu\n\n", (ull)st.nprocs);
	return 0;
}

static void print_swap(const struct mm_vmstat_info *v)
{
	if (keys) {
		kv("swap_total_pages", v->swap_total);
		kv("swap_total_kib", v->swap_total * KIB_PER_PAGE);
		kv("swap_used_pages", v->swap_used);
		kv("swap_used_kib", v->swap_used * KIB_PER_PAGE);
		kv("swapins", v->swapins);
		kv("swapouts", v->swapouts);
		kv("evict_clean", v->evict_clean);
		kv("evict_dirty", v->evict_dirty);
		kv("reclaim_background", v->reclaim_background);
		kv("reclaim_direct", v->reclaim_direct);
		kv("oom_kills", v->oom_kills);
		kv("major_faults", v->major_faults);
		kv("minor_faults", v->minor_faults);
		return;
	}
	printf("%-8s %10s %12s\n", "swap", "pages", "KiB");
	printf("%-8s %10llu %12llu\n", "total", (ull)v->swap_total, (ull)v->swap_total * KIB_PER_PAGE);
	printf("%-8s %10llu %12llu\n", "used", (ull)v->swap_used, (ull)v->swap_used * KIB_PER_PAGE);
	printf("swap-ins %llu, swap-outs %llu; evicted clean %llu, dirty %llu\n", (ull)v->swapins,
	       (ull)v->swapouts, (ull)v->evict_clean, (ull)v->evict_dirty);
	printf("reclaimed: background %llu, direct %llu; OOM kills %llu\n",
	       (ull)v->reclaim_background, (ull)v->reclaim_direct, (ull)v->oom_kills);
	printf("faults since boot: major %llu, minor %llu\n\n", (ull)v->major_faults,
	       (ull)v->minor_faults);
}

static void print_policy_head(const struct mm_vmstat_info *v)
{
	if (keys) {
		printf("policy %s\n", v->policy);
		printf("policy_choice %s\n", v->policy_text);
		kv("pools", v->pools);
		return;
	}
	printf("policy: %s\n", v->policy_text);
	printf("%-12s %8s %8s %9s %8s %8s %10s %8s %9s %11s %10s %8s\n", "pool", "frames", "budget",
	       "admitted", "victims", "scanned", "referenced", "moves", "activated", "deactivated",
	       "ghost_hits", "samples");
}

static void print_pool(unsigned i, const struct mm_vmstat_info *v)
{
	if (keys) {
		printf("pool.%u.name %s\n", i, v->pool_name);
		printf("pool.%u.frames %llu\n", i, (ull)v->pool_pages);
		printf("pool.%u.budget %llu\n", i, (ull)v->pool_limit);
		printf("pool.%u.admitted %llu\n", i, (ull)v->admitted);
		printf("pool.%u.victims %llu\n", i, (ull)v->victims);
		printf("pool.%u.scanned %llu\n", i, (ull)v->scanned);
		printf("pool.%u.referenced %llu\n", i, (ull)v->referenced);
		printf("pool.%u.moves %llu\n", i, (ull)v->moves);
		printf("pool.%u.activated %llu\n", i, (ull)v->activated);
		printf("pool.%u.deactivated %llu\n", i, (ull)v->deactivated);
		printf("pool.%u.ghost_hits %llu\n", i, (ull)v->ghost_hits);
		printf("pool.%u.samples %llu\n", i, (ull)v->samples);
		return;
	}
	char budget[24] = "-";
	if (v->pool_limit)
		snprintf(budget, sizeof budget, "%llu", (ull)v->pool_limit);
	printf("%-12s %8llu %8s %9llu %8llu %8llu %10llu %8llu %9llu %11llu %10llu %8llu\n",
	       v->pool_name, (ull)v->pool_pages, budget, (ull)v->admitted, (ull)v->victims,
	       (ull)v->scanned, (ull)v->referenced, (ull)v->moves, (ull)v->activated,
	       (ull)v->deactivated, (ull)v->ghost_hits, (ull)v->samples);
}

static int get_vmstat(unsigned pool, struct mm_vmstat_info *v)
{
	int err = mm_vmstat_get(pool, v);
	if (err < 0)
		printf("memstat: MM_VMSTAT failed: %s\n", pagoda_strerror(err));
	return err;
}

/* The policy line and one line per pool. */
static void print_pools(struct mm_vmstat_info *v)
{
	print_policy_head(v);
	for (unsigned i = 0, pools = (unsigned)v->pools; i < pools; i++) {
		if (mm_vmstat_get(i, v) < 0)
			break;          /* a budget went away meanwhile */
		print_pool(i, v);
	}
	if (!keys)
		printf("\n");
}

static int print_swap_view(void)
{
	struct mm_vmstat_info v;
	if (get_vmstat(0, &v) < 0)
		return -1;
	print_swap(&v);
	return 0;
}

static int print_policy_view(void)
{
	struct mm_vmstat_info v;
	if (get_vmstat(0, &v) < 0)
		return -1;
	print_pools(&v);
	return 0;
}

static int print_paging(void)
{
	struct mm_vmstat_info v;
	if (get_vmstat(0, &v) < 0)
		return -1;
	print_swap(&v);
	print_pools(&v);
	return 0;
}

/* ---- vm: the event counters, as /proc/vmstat names them -------------------- */

static int print_vm(void)
{
	struct mm_vmstat_info v;
	if (get_vmstat(0, &v) < 0)
		return -1;
	const struct mm_vmstat_info g = v;
	ull scan = 0, activate = 0, deactivate = 0, refault = 0;
	for (unsigned i = 0; i < g.pools && mm_vmstat_get(i, &v) == 0; i++) {
		scan += v.scanned;
		activate += v.activated;
		deactivate += v.deactivated;
		refault += v.ghost_hits;
	}
	/* The same lines plain and with -k: /proc/vmstat is `key value` too. */
	kv("pgfault", g.minor_faults + g.major_faults);
	kv("pgmajfault", g.major_faults);
	kv("pswpin", g.swapins);
	kv("pswpout", g.swapouts);
	kv("pgsteal_direct", g.reclaim_direct);
	kv("pgsteal_background", g.reclaim_background);
	kv("pgsteal_clean", g.evict_clean);
	kv("pgsteal_dirty", g.evict_dirty);
	kv("pgscan", scan);
	kv("pgactivate", activate);
	kv("pgdeactivate", deactivate);
	kv("workingset_refault", refault);
	kv("oom_kill", g.oom_kills);
	kv("nr_swap_pages", g.swap_total - g.swap_used);
	return 0;
}

/* ---- buddy: free blocks per order and zone ------------------------------- */

static const char *const zone_key[MM_INFO_ZONES] = { "dma", "dma32", "normal" };
static const char *const zone_label[MM_INFO_ZONES] = { "DMA", "DMA32", "NORMAL" };

static void print_buddy_zone(const struct mm_buddyinfo *b, int z)
{
	if (keys) {
		for (unsigned k = 0; k <= MM_MAX_ORDER_INFO; k++)
			printf("buddy.%s.%u %llu\n", zone_key[z], k, (ull)b->free[z][k]);
		printf("buddy.%s.free_pages %llu\n", zone_key[z], (ull)b->free_pages[z]);
		printf("buddy.%s.managed_pages %llu\n", zone_key[z], (ull)b->managed_pages[z]);
		return;
	}
	printf("zone %-7s", zone_label[z]);
	for (unsigned k = 0; k <= MM_MAX_ORDER_INFO; k++)
		printf(" %6llu", (ull)b->free[z][k]);
	printf(" %10llu\n", (ull)b->free_pages[z]);
}

static int print_buddy(void)
{
	struct mm_buddyinfo b;
	int err = mm_buddyinfo(&b);
	if (err < 0) {
		printf("memstat: MM_BUDDYINFO failed: %s\n", pagoda_strerror(err));
		return -1;
	}
	ull total = 0;
	if (!keys) {
		printf("free blocks per order (order k: 2^k pages)\n%-12s", "");
		for (unsigned k = 0; k <= MM_MAX_ORDER_INFO; k++)
			printf(" %6u", k);
		printf(" %10s\n", "free pages");
	}
	for (int z = 0; z < MM_INFO_ZONES; z++) {
		print_buddy_zone(&b, z);
		total += b.free_pages[z];
	}
	if (keys)
		kv("buddy_free_pages", total);
	else
		printf("%-12s %*s %10llu\n", "total", 7 * (MM_MAX_ORDER_INFO + 1) - 1, "", total);
	return 0;
}

/* ---- slab: one line per cache ---------------------------------------------- */

static void print_slab_cache(const struct mm_slabinfo *c)
{
	ull slabs = c->slabs_full + c->slabs_partial + c->slabs_empty;
	if (keys) {
		static const char *const names[] = {
			"object_size", "stride", "active_objs", "total_objs", "objs_per_slab",
			"pages_per_slab", "slabs", "slabs_full", "slabs_partial", "slabs_empty",
			"pages", "allocs", "frees", "grows", "reaped_pages", "fails",
		};
		const ull v[] = {
			c->object_size, c->stride, c->active_objs, c->total_objs, c->objs_per_slab,
			c->pages_per_slab, slabs, c->slabs_full, c->slabs_partial, c->slabs_empty,
			c->pages, c->allocs, c->frees, c->grows, c->reaped_pages, c->fails,
		};
		for (unsigned i = 0; i < sizeof v / sizeof v[0]; i++)
			printf("slab.%s.%s %llu\n", c->name, names[i], v[i]);
		return;
	}
	printf("%-18s %7llu %7llu %7llu %6llu %5llu : %5llu %4llu %7llu %5llu %6llu%s%s%s\n",
	       c->name, (ull)c->active_objs, (ull)c->total_objs, (ull)c->object_size,
	       (ull)c->objs_per_slab, (ull)c->pages_per_slab, slabs, (ull)c->slabs_full,
	       (ull)c->slabs_partial, (ull)c->slabs_empty, (ull)c->pages,
	       (c->flags & MM_SLABINFO_DEBUG) ? " debug" : "",
	       (c->flags & MM_SLABINFO_OFF_SLAB) ? " off-slab" : "",
	       (c->flags & MM_SLABINFO_CTOR) ? " ctor" : "");
}

static int print_slab(void)
{
	struct mm_slabinfo c;
	unsigned count = 0;
	ull pages = 0;
	int r = mm_slabinfo(0, &c, &count);
	if (r < 0 && r != -ERR_NOENT) {
		printf("memstat: MM_SLABINFO failed: %s\n", pagoda_strerror(r));
		return -1;
	}
	if (!keys)
		printf("%-18s %7s %7s %7s %6s %5s : %5s %4s %7s %5s %6s\n", "name", "active", "total",
		       "objsize", "perslab", "pages", "slabs", "full", "partial", "empty", "pages");
	for (unsigned i = 0; r == 0; r = mm_slabinfo(++i, &c, NULL)) {
		print_slab_cache(&c);
		pages += c.pages;
	}
	if (keys) {
		kv("slab_caches", count);
		kv("slab_pages", pages);
	} else {
		printf("%u caches, %llu pages in slabs\n", count, pages);
	}
	return 0;
}

static void print_proc(const struct mm_procinfo *pi, const struct mm_procpaging *pp)
{
	if (keys) {
		printf("proc.%d.name %s\n", pi->pid, pi->name);
		printf("proc.%d.resident %llu\n", pi->pid, (ull)pi->resident);
		printf("proc.%d.minor_faults %llu\n", pi->pid, (ull)pi->faults);
		printf("proc.%d.major_faults %llu\n", pi->pid, (ull)pp->major_faults);
		printf("proc.%d.swapped %llu\n", pi->pid, (ull)pp->swapped);
		printf("proc.%d.pagetables %llu\n", pi->pid, (ull)pi->pagetables);
		printf("proc.%d.budget %llu\n", pi->pid, (ull)pp->budget);
		printf("proc.%d.budget_frames %llu\n", pi->pid, (ull)pp->budget_pages);
		return;
	}
	char budget[40] = "-";
	if (pp->budget)
		snprintf(budget, sizeof budget, "%llu/%llu", (ull)pp->budget_pages, (ull)pp->budget);
	printf("%5d %-16s %9llu %8llu %8llu %8llu %6llu %10s\n", pi->pid, pi->name,
	       (ull)pi->resident, (ull)pi->faults, (ull)pp->major_faults, (ull)pp->swapped,
	       (ull)pi->pagetables, budget);
}

static int print_procs(void)
{
	if (!keys)
		printf("%5s %-16s %9s %8s %8s %8s %6s %10s\n", "pid", "name", "resident", "minor",
		       "major", "swapped", "tables", "budget");
	for (int i = 0; i < 4096; i++) {
		struct mm_procinfo pi;
		struct mm_procpaging pp;
		int r = mm_procinfo(i, &pi);
		if (r == -ERR_SRCH)
			return 0;
		if (r >= 0)
			r = mm_procpaging(i, &pp);
		if (r == -ERR_SRCH)
			return 0;       /* it was the last, and it has just exited */
		if (r < 0) {
			printf("memstat: MM_PROCINFO %d failed: %s\n", i, pagoda_strerror(r));
			return -1;
		}
		print_proc(&pi, &pp);
	}
	return 0;
}

/* ---- dma ------------------------------------------------------------------ */

static const char *const zone_name[3] = { "DMA", "DMA32", "NORMAL" };

static void bdf_text(uint32_t bdf, char *out, size_t n)
{
	snprintf(out, n, "%02x:%02x.%x", bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7);
}

/* "5:r,7:rw", or "-". */
static void shares_text(const struct mm_dma_grant_info *g, char *out, size_t n)
{
	size_t used = 0;
	out[0] = '\0';
	for (uint32_t i = 0; i < g->nshares && i < MM_DMA_SHARES_MAX; i++)
		used += (size_t)snprintf(out + used, used < n ? n - used : 0, "%s%d:%s", i ? "," : "",
					 g->share_pid[i],
					 (g->share_prot[i] & MM_PROT_WRITE) ? "rw" : "r");
	if (!g->nshares)
		snprintf(out, n, "-");
}

static void print_grant(const struct mm_dma_grant_info *g)
{
	char bdf[16], shares[64];
	bdf_text(g->bdf, bdf, sizeof bdf);
	shares_text(g, shares, sizeof shares);
	bool q = g->flags & MM_DMA_INFO_QUARANTINED;
	ull end = (ull)(g->bus + g->pages * 4096 - 1);
	if (keys) {
		printf("grant.%llu.owner %d\n", (ull)g->id, g->owner);
		printf("grant.%llu.device %s\n", (ull)g->id, bdf);
		printf("grant.%llu.size %llu\n", (ull)g->id, (ull)g->size);
		printf("grant.%llu.pages %llu\n", (ull)g->id, (ull)g->pages);
		printf("grant.%llu.bus 0x%llx\n", (ull)g->id, (ull)g->bus);
		printf("grant.%llu.bus_end 0x%llx\n", (ull)g->id, end);
		printf("grant.%llu.zone %s\n", (ull)g->id, zone_name[g->zone % 3]);
		printf("grant.%llu.mask_bits %u\n", (ull)g->id, g->mask_bits);
		printf("grant.%llu.shared %s\n", (ull)g->id, shares);
		printf("grant.%llu.quarantined %d\n", (ull)g->id, q);
		return;
	}
	printf("%5llu %6d %-8s %8llu %6llu  0x%09llx-0x%09llx %-6s %4u  %-14s %s\n", (ull)g->id,
	       g->owner, bdf, (ull)g->size, (ull)g->pages, (ull)g->bus, end, zone_name[g->zone % 3],
	       g->mask_bits, shares, q ? "quarantined" : "live");
}

static const char *dir_name(uint32_t dir)
{
	static const char *const names[4] = { "?", "to", "from", "both" };
	return names[dir & MM_DMA_BIDIRECTIONAL];
}

static void print_stream(const struct mm_dma_stream_info *m)
{
	char bdf[16];
	bdf_text(m->bdf, bdf, sizeof bdf);
	bool q = m->flags & MM_DMA_INFO_QUARANTINED;
	if (keys) {
		printf("stream.%llu.owner %d\n", (ull)m->id, m->owner);
		printf("stream.%llu.device %s\n", (ull)m->id, bdf);
		printf("stream.%llu.va 0x%llx\n", (ull)m->id, (ull)m->va);
		printf("stream.%llu.len %llu\n", (ull)m->id, (ull)m->len);
		printf("stream.%llu.dir %s\n", (ull)m->id, dir_name(m->dir));
		printf("stream.%llu.bus 0x%llx\n", (ull)m->id, (ull)m->bus);
		printf("stream.%llu.pages %u\n", (ull)m->id, m->pages);
		printf("stream.%llu.bounced %u\n", (ull)m->id, m->bounced);
		printf("stream.%llu.segs %u\n", (ull)m->id, m->segs);
		printf("stream.%llu.quarantined %d\n", (ull)m->id, q);
		return;
	}
	printf("%5llu %6d %-8s 0x%012llx %8llu %-4s 0x%09llx %5u %7u %4u %s\n", (ull)m->id, m->owner,
	       bdf, (ull)m->va, (ull)m->len, dir_name(m->dir), (ull)m->bus, m->pages, m->bounced,
	       m->segs, q ? "quarantined" : "live");
}

static void print_dma_totals(const struct mm_dma_totals *t)
{
	if (keys) {
		kv("dma_grants", t->grants);
		kv("dma_grant_pages", t->grant_pages);
		kv("dma_quarantined", t->quarantined);
		kv("dma_quarantined_pages", t->quarantined_pages);
		kv("dma_streams", t->streams);
		kv("dma_stream_pages", t->stream_pages);
		kv("bounce_pages", t->bounce_pages);
		kv("bounce_force", t->bounce_force);
		kv("dma_maps", t->maps);
		kv("bounced_maps", t->bounced_maps);
		kv("bounced_pages", t->bounced_pages);
		kv("bounce_bytes_to_device", t->bytes_to_device);
		kv("bounce_bytes_from_device", t->bytes_from_device);
		return;
	}
	printf("dma: %llu grants (%llu pages pinned), %llu streaming mappings (%llu pages pinned), "
	       "%llu quarantined (%llu pages)\n", (ull)t->grants, (ull)t->grant_pages, (ull)t->streams,
	       (ull)t->stream_pages, (ull)t->quarantined, (ull)t->quarantined_pages);
	printf("bounce buffers: %llu pages in use%s; since boot %llu mappings, %llu bounced "
	       "(%llu pages), %llu bytes copied to devices, %llu from them\n", (ull)t->bounce_pages,
	       t->bounce_force ? " (bounce=force)" : "", (ull)t->maps, (ull)t->bounced_maps,
	       (ull)t->bounced_pages, (ull)t->bytes_to_device, (ull)t->bytes_from_device);
}

static int print_dma(void)
{
	struct mm_dma_totals t;
	int err = dma_info_totals(&t);
	if (err < 0) {
		printf("memstat: MM_DMA_INFO failed: %s\n", pagoda_strerror(err));
		return -1;
	}
	print_dma_totals(&t);
	if (!keys && t.grants)
		printf("%5s %6s %-8s %8s %6s  %-23s %-6s %4s  %-14s %s\n", "grant", "owner", "device",
		       "size", "pages", "bus range", "zone", "mask", "shared with", "state");
	struct mm_dma_grant_info g;
	for (unsigned i = 0; dma_info_grant(i, &g) == 0; i++)
		print_grant(&g);
	if (!keys && t.streams)
		printf("%5s %6s %-8s %-14s %8s %-4s %-11s %5s %7s %4s %s\n", "map", "owner", "device",
		       "address", "bytes", "dir", "bus", "pages", "bounced", "segs", "state");
	struct mm_dma_stream_info m;
	for (unsigned i = 0; dma_info_stream(i, &m) == 0; i++)
		print_stream(&m);
	return 0;
}

static void print_iommu_map(const struct mm_iommu_dev_info *d, unsigned i)
{
	const char *rw = d->map[i].rights & MM_RIGHT_WRITE ? "rw" : "r";
	if (keys) {
		printf("iommu.%02x:%02x.%x.map%u iova %#llx pages %llu pa %#llx grant %llu %s\n",
		       d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7, i, (ull)d->map[i].iova,
		       (ull)d->map[i].npages, (ull)d->map[i].pa, (ull)d->map[i].grant, rw);
		return;
	}
	printf("    IOVA [%#llx, %#llx) -> frames [%#llx, %#llx) %s, %s %llu\n", (ull)d->map[i].iova,
	       (ull)(d->map[i].iova + d->map[i].npages * 4096), (ull)d->map[i].pa,
	       (ull)(d->map[i].pa + d->map[i].npages * 4096), rw,
	       d->map[i].grant ? "grant" : "streaming mapping", (ull)d->map[i].grant);
}

static void print_iommu_device(const struct mm_iommu_dev_info *d)
{
	if (keys) {
		char key[48];
		snprintf(key, sizeof key, "iommu.%02x:%02x.%x.", d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7);
		static const char *const names[] = { "domain", "driver", "maps", "faults", "tables", "kills" };
		const ull v[] = { d->domain, (ull)d->driver, d->nmaps, (ull)d->faults, (ull)d->tables, (ull)d->kills };
		for (unsigned i = 0; i < 6; i++)
			printf("%s%s %llu\n", key, names[i], v[i]);
	} else if (d->domain) {
		printf("  %02x:%02x.%x %-6s domain %u, driver pid %d (%s), %u mappings, %llu table frames, "
		       "%llu DMA faults\n", d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7, d->name, d->domain,
		       d->driver, d->driver_name, d->nmaps, (ull)d->tables, (ull)d->faults);
	} else {
		printf("  %02x:%02x.%x %-6s no domain (reaches nothing), %llu DMA faults, driver killed %llu "
		       "times\n", d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7, d->name, (ull)d->faults,
		       (ull)d->kills);
	}
	for (unsigned i = 0; i < d->nmaps && i < MM_IOMMU_STAT_MAPS; i++)
		print_iommu_map(d, i);
}

static int print_iommu(void)
{
	struct mm_iommu_dev_info d;
	uint64_t t[5] = { 0 };
	int r = mm_iommu_stat(0, &d, t);
	if (r < 0 && r != -ERR_NOENT) {
		printf("memstat: MM_IOMMU_STAT failed: %s\n", pagoda_strerror(r));
		return -1;
	}
	if (keys) {
		kv("iommu_on", t[4]);
		kv("iommu_devices", t[0]);
		kv("iommu_faults", t[1]);
		kv("iommu_faults_lost", t[2]);
		kv("iommu_overflows", t[3]);
	} else {
		printf("IOMMU: translation %s; %llu DMA faults (%llu only counted, %llu hardware overflows)\n",
		       t[4] ? "on" : "off", (ull)t[1], (ull)t[2], (ull)t[3]);
	}
	for (unsigned i = 0; r == 0; r = mm_iommu_stat(++i, &d, NULL))
		print_iommu_device(&d);
	return 0;
}

static int print_overview(void)
{
	if (print_zones() < 0 || print_paging() < 0 || print_procs() < 0)
		return 1;
	if (!keys)
		printf("\n");
	return print_dma() < 0;
}

static const struct view {
	const char *name;
	int (*print)(void);
} views[] = {
	{ "zones", print_zones },   { "buddy", print_buddy },   { "slab", print_slab },
	{ "vm", print_vm },         { "swap", print_swap_view }, { "policy", print_policy_view },
	{ "processes", print_procs }, { "dma", print_dma },     { "iommu", print_iommu },
};
#define NVIEWS (sizeof views / sizeof views[0])

static int usage(void)
{
	printf("usage: memstat [-k] [");
	for (unsigned i = 0; i < NVIEWS; i++)
		printf("%s%s", i ? "|" : "", views[i].name);
	printf("]   (-k: key value lines; no view: the overview)\n");
	return 2;
}

int main(int argc, char **argv)
{
	const struct view *view = NULL;
	for (int i = 1; i < argc; i++) {
		const struct view *v = NULL;
		for (unsigned j = 0; j < NVIEWS; j++)
			if (!strcmp(argv[i], views[j].name))
				v = &views[j];
		if (!strcmp(argv[i], "-k"))
			keys = 1;
		else if (v && !view)
			view = v;
		else
			return usage();
	}
	if (!view)
		return print_overview();
	return view->print() < 0;
}
