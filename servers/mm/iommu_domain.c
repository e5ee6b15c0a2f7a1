/*
 * iommu_domain.c - mm's IOMMU policy: a domain per device, holding
 * exactly the device's grants and live streaming mappings
 * (docs/iommu.md).
 *
 * The kernel builds the tables (SYS_MM_IOMMU_*); this file decides what
 * goes in them:
 *
 *   a domain per device, made when its driver first opens it - the first
 *     request that names the device, MM_DEV_MMIO or a DMA grant
 *     (iommu_device_open) - and attached at once: from then on the device
 *     reaches what the domain maps, which is nothing until a grant is
 *     mapped. A device no driver opened has no domain and reaches nothing
 *     (translation is on for all of them: iommu.c). Domain id = the
 *     device record's index + 1.
 *   IOVAs from the device's own space (iova.c), below the DMA mask the
 *     mapping asks for: with the IOMMU on every frame is reachable, so
 *     nothing ever needs a bounce buffer for mask reasons.
 *   map: refused in mm before any kernel call unless every frame is RAM
 *     mm manages (never device memory), an allocated DMA frame of the
 *     grant or bounce buffer that asks (page.object) - or, for a
 *     streaming mapping of the driver's own memory, a pinned user page of
 *     the driver - and mapped for no device yet; the IOVA at or below
 *     the mask. The frames get PG_IOMAPPED.
 *   unmap: the kernel clears the entries and invalidates the IOTLB, and
 *     only when it has returned does PG_IOMAPPED go - buddy_free refuses
 *     a frame with the flag, so the order "unmap, invalidate, then free"
 *     is enforced, not just followed.
 *   exit: the kernel stops a driver's devices before it reports the exit;
 *     iommu_proc_exit then detaches each domain (the device reaches
 *     nothing, context cache and IOTLB invalidated), unmaps everything,
 *     frees the tables and the root - before the grants free a frame.
 *
 * Invariants (iommu_domain_check):
 *   D1 a record with a domain has a driver, a root frame, an IOVA space
 *      that passes iova_check, and as many allocations as mappings;
 *   D2 each mapping is an allocation of its IOVA space, and its frames
 *      are frames of its object (frame_for) with PG_IOMAPPED;
 *   D3 no frame is in two mappings (of one device or of two);
 *   D4 a record without a domain has no mappings, root or tables;
 *   D5 the number of frames with PG_IOMAPPED is the sum of the mappings.
 *
 * Not supported: sharing a domain between devices, more than
 * IOMMU_DEVICES_MAX devices or IOVA_RANGES_MAX mappings a device, mapping
 * a frame for two devices, superpages. Linux: iommu_dma_map_page,
 * iommu_map/iommu_unmap with iotlb_sync, one default domain per group.
 */
#include <stdio.h>
#include <string.h>
#include <pagoda/dev.h>
#include "iommu_domain.h"
#include "buddy.h"
#include "kcall.h"
#include "mm_env.h"
#include "lab.h"                    /* LAB_MISSING: what the lab's stubs call */

static struct {
	bool on;
	uint64_t iova_top;          /* 1 << info.iova_bits */
	unsigned domains;           /* ids 1 .. domains - 1 */
} cfg;

static struct iommu_device devs[IOMMU_DEVICES_MAX];

void iommu_domains_init(const struct mm_iommu_info *info)
{
	memset(devs, 0, sizeof devs);
	cfg.on = info != NULL;
	if (!info)
		return;
	cfg.iova_top = info->iova_bits >= 64 ? ~0ULL & PAGE_MASK : 1ULL << info->iova_bits;
	cfg.domains = info->domains;
}

bool iommu_domains_on(void)
{
	return cfg.on;
}

struct iommu_device *iommu_device_find(uint16_t bdf)
{
	for (unsigned i = 0; i < IOMMU_DEVICES_MAX; i++)
		if (devs[i].used && devs[i].bdf == bdf)
			return &devs[i];
	return NULL;
}

const struct iommu_device *iommu_device_at(unsigned index)
{
	for (unsigned i = 0; i < IOMMU_DEVICES_MAX; i++)
		if (devs[i].used && index-- == 0)
			return &devs[i];
	return NULL;
}

static void name_device(struct iommu_device *d)
{
	struct dev_info info;
	if (kcall_dev_info(d->bdf, &info) < 0)
		snprintf(d->name, sizeof d->name, "unknown");
	else if (info.vendor == 0x1234 && info.device == 0x11e8)
		snprintf(d->name, sizeof d->name, "edu");
	else
		snprintf(d->name, sizeof d->name, "%04x:%04x", info.vendor, info.device);
}

struct iommu_device *iommu_device_record(uint16_t bdf)
{
	struct iommu_device *d = iommu_device_find(bdf);
	for (unsigned i = 0; !d && i < IOMMU_DEVICES_MAX; i++)
		if (!devs[i].used) {
			d = &devs[i];
			*d = (struct iommu_device){ .used = true, .bdf = bdf, .root = PFN_NONE };
			name_device(d);
		}
	return d;
}

static unsigned dom_id(const struct iommu_device *d)
{
	return (unsigned)(d - devs) + 1;
}

/* ---- opening a device: its domain ------------------------------------------ */

/* Attach d's domain to its device; a spare frame becomes the bus's
 * context table if it has none (it then stays the kernel's). */
static int attach(struct iommu_device *d)
{
	pfn_t spare = buddy_alloc(0, 0);
	int used = kcall_iommu_domain(MM_IOMMU_ATTACH, d->dom, d->bdf,
				      spare == PFN_NONE ? PADDR_NONE : pfn_to_pa(spare));
	if (spare != PFN_NONE && used != 1)
		buddy_free(spare, 0);
	return used < 0 ? used : 0;
}

static int make_domain(struct iommu_device *d, int pid, const char *driver_name)
{
	if (dom_id(d) >= cfg.domains)
		return -ERR_NOSPC;
	pfn_t root = buddy_alloc(0, 0);
	if (root == PFN_NONE)
		return -ERR_NOMEM;
	d->dom = dom_id(d);
	int err = kcall_iommu_domain(MM_IOMMU_CREATE, d->dom, 0, pfn_to_pa(root));
	if (err == 0 && (err = attach(d)) < 0)
		kcall_iommu_domain(MM_IOMMU_DESTROY, d->dom, 0, 0);
	if (err < 0) {
		d->dom = 0;
		buddy_free(root, 0);
		return err;
	}
	d->root = root;
	d->driver = pid;
	d->tables = 0;
	d->nmaps = 0;
	iova_init(&d->iova, cfg.iova_top);
	snprintf(d->driver_name, sizeof d->driver_name, "%s", driver_name ? driver_name : "?");
	return 0;
}

int iommu_device_open(uint16_t bdf, int pid, const char *driver_name)
{
	if (!cfg.on)
		return 0;
	struct iommu_device *d = iommu_device_record(bdf);
	if (!d)
		return -ERR_NOSPC;
	if (d->dom)
		return d->driver == pid ? 0 : -ERR_BUSY;
	int err = make_domain(d, pid, driver_name);
	if (err == 0)
		mm_print("mm: iommu: device %02x:%02x.%x (%s) opened by pid %d (%s): domain %u, empty\n",
		       bdf >> 8, bdf >> 3 & 0x1f, bdf & 7, d->name, pid, d->driver_name, d->dom);
	return err;
}

/* ---- map and unmap ----------------------------------------------------------- */

/* Is pg a frame device d may be given for object: an allocated DMA frame
 * of that grant or bounce buffer, or (object NULL: a streaming mapping of
 * the driver's own memory) a pinned user page of d's driver? Device
 * memory has no descriptor (pfn_valid) or a reserved one, so it fails. */
static bool frame_for(const struct iommu_device *d, const struct page *pg, const void *object)
{
	if (pg->state != PAGE_ALLOCATED)
		return false;
	if (object)
		return pg->use == PAGE_USE_DMA && pg->object == (uint64_t)(uintptr_t)object;
	return pg->use == PAGE_USE_USER && (pg->flags & PG_PINNED) && pg->owner == (uint32_t)d->driver;
}

/* LAB dma: frames_grantable, mark_frames - may d be given these frames; PG_IOMAPPED on or off */
/* Every frame of the run may be given to d, and no device reaches it yet. */
static bool frames_grantable(const struct iommu_device *d, pfn_t pfn, uint64_t npages,
			     const void *object)
{
	for (uint64_t i = 0; i < npages; i++)
		if (!pfn_valid(pfn + i) || !frame_for(d, pfn_to_page(pfn + i), object) ||
		    (pfn_to_page(pfn + i)->flags & PG_IOMAPPED))
			return false;
	return true;
}

static void mark_frames(pfn_t pfn, uint64_t npages, bool mapped)
{
	for (uint64_t i = 0; i < npages; i++)
		if (mapped)
			pfn_to_page(pfn + i)->flags |= PG_IOMAPPED;
		else
			pfn_to_page(pfn + i)->flags &= (uint8_t)~PG_IOMAPPED;
}
/* LAB dma END */

/* Free the table frames the kernel handed back. */
static void free_tables(struct iommu_device *d, const paddr_t *out, int n)
{
	for (int i = 0; i < n; i++) {
		buddy_free(pa_to_pfn(out[i]), 0);
		d->tables--;
	}
}

/* Unmap [iova, +npages) of d in the kernel, one 2 MiB span a call. The
 * kernel has invalidated the IOTLB for each span before it returns. */
static int kernel_unmap(struct iommu_device *d, uint64_t iova, uint64_t npages)
{
	while (npages > 0) {
		uint64_t span = MM_MAP_RUN_MAX - ((iova >> PAGE_SHIFT) % MM_MAP_RUN_MAX);
		uint64_t n = npages < span ? npages : span;
		paddr_t out[MM_MAP_SPARES];
		int got = kcall_iommu_unmap(d->dom, iova, n, out);
		if (got < 0)
			return got;
		free_tables(d, out, got);
		iova += n << PAGE_SHIFT;
		npages -= n;
	}
	return 0;
}

/* One kernel map call for n pages inside one 2 MiB span, with spares
 * (not zeroed here: the kernel zeroes every frame it takes as a table). */
static int kernel_map_span(struct iommu_device *d, uint64_t iova, pfn_t pfn, uint64_t n,
			   uint64_t rights)
{
	paddr_t spare[MM_MAP_SPARES];
	pfn_t frame[MM_MAP_SPARES];
	for (int i = 0; i < MM_MAP_SPARES; i++) {
		frame[i] = buddy_alloc(0, 0);
		spare[i] = frame[i] == PFN_NONE ? PADDR_NONE : pfn_to_pa(frame[i]);
	}
	int used = kcall_iommu_map(d->dom, iova, pfn_to_pa(pfn), n, rights, spare);
	for (int i = used < 0 ? 0 : used; i < MM_MAP_SPARES; i++)
		if (frame[i] != PFN_NONE)
			buddy_free(frame[i], 0);
	if (used > 0)
		d->tables += (uint64_t)used;
	return used < 0 ? used : 0;
}

static int kernel_map(struct iommu_device *d, uint64_t iova, pfn_t pfn, uint64_t npages,
		      uint64_t rights)
{
	uint64_t done = 0;
	int err = 0;
	while (done < npages && !err) {
		uint64_t at = iova + (done << PAGE_SHIFT);
		uint64_t span = MM_MAP_RUN_MAX - ((at >> PAGE_SHIFT) % MM_MAP_RUN_MAX);
		uint64_t n = npages - done < span ? npages - done : span;
		err = kernel_map_span(d, at, pfn + done, n, rights);
		if (!err)
			done += n;
	}
	if (err && done)
		kernel_unmap(d, iova, done);
	return err;
}

/* LAB dma: map_refused, mask_of, install - the checks before anything changes; record the mapping and make it */
/* Why d may not map this run, checked before anything changes; 0 if it may. */
static int map_refused(const struct iommu_device *d, pfn_t pfn, uint64_t npages,
		       uint64_t rights, const void *object)
{
	if (!cfg.on)
		return -ERR_NOSYS;
	if (!d || !d->dom)
		return -ERR_NOENT;
	if (npages == 0 || (rights != MM_RIGHT_READ && rights != (MM_RIGHT_READ | MM_RIGHT_WRITE)))
		return -ERR_INVAL;
	if (d->nmaps == IOVA_RANGES_MAX)
		return -ERR_NOSPC;
	return frames_grantable(d, pfn, npages, object) ? 0 : -ERR_INVAL;
}

static uint64_t mask_of(unsigned bits)
{
	return bits >= 64 ? ~0ULL : (1ULL << bits) - 1;
}

/* Record the mapping and make it in the kernel; IOVA already allocated. */
static int install(struct iommu_device *d, uint64_t iova, pfn_t pfn, uint64_t npages,
		   uint64_t rights, const void *object, uint64_t id)
{
	int err = kernel_map(d, iova, pfn, npages, rights);
	if (err < 0) {
		iova_free(&d->iova, iova, npages);
		return err;
	}
	d->map[d->nmaps++] = (struct iommu_mapping){ iova, npages, pfn, rights, object, id };
	mark_frames(pfn, npages, true);
	return 0;
}
/* LAB dma END */

int iommu_map(uint16_t bdf, pfn_t pfn, uint64_t npages, uint64_t rights, unsigned mask_bits,
	      const void *object, uint64_t id, uint64_t *iova)
{
	/* LAB dma: iommu_map - refuse or take an IOVA below the mask and install the mapping; *iova on success */
	struct iommu_device *d = iommu_device_find(bdf);
	int err = map_refused(d, pfn, npages, rights, object);
	if (err < 0)
		return err;
	uint64_t at = iova_alloc(&d->iova, npages, mask_of(mask_bits));
	if (at == IOVA_NONE)
		return -ERR_NOSPC;
	err = install(d, at, pfn, npages, rights, object, id);
	if (err == 0)
		*iova = at;
	return err;
	/* LAB dma STUB: LAB_MISSING("dma", "iommu_map"); */
	/* LAB dma STUB: (void)bdf; (void)pfn; (void)npages; (void)rights; (void)mask_bits; */
	/* LAB dma STUB: (void)object; (void)id; (void)iova; (void)kernel_map; */
	/* LAB dma STUB: return -ERR_NOSYS; */
	/* LAB dma END */
}

int iommu_map_at(uint16_t bdf, uint64_t iova, pfn_t pfn, uint64_t npages, uint64_t rights,
		 unsigned mask_bits, const void *object, uint64_t id)
{
	/* LAB dma: iommu_map_at - the same at a given IOVA: aligned, at or above IOVA_BASE, under the mask and the top */
	struct iommu_device *d = iommu_device_find(bdf);
	int err = map_refused(d, pfn, npages, rights, object);
	if (err < 0)
		return err;
	if ((iova & ~PAGE_MASK) || iova < IOVA_BASE || npages > (mask_of(mask_bits) >> PAGE_SHIFT) ||
	    iova + (npages << PAGE_SHIFT) - 1 > mask_of(mask_bits) ||
	    iova + (npages << PAGE_SHIFT) > cfg.iova_top)
		return -ERR_INVAL;
	err = iova_reserve(&d->iova, iova, npages);
	return err < 0 ? err : install(d, iova, pfn, npages, rights, object, id);
	/* LAB dma STUB: LAB_MISSING("dma", "iommu_map_at"); */
	/* LAB dma STUB: (void)bdf; (void)iova; (void)pfn; (void)npages; (void)rights; */
	/* LAB dma STUB: (void)mask_bits; (void)object; (void)id; */
	/* LAB dma STUB: return -ERR_NOSYS; */
	/* LAB dma END */
}

/* LAB dma: drop_mapping - PG_IOMAPPED off, the IOVA freed, the record gone (after the kernel unmapped) */
static void drop_mapping(struct iommu_device *d, unsigned i)
{
	struct iommu_mapping *m = &d->map[i];
	mark_frames(m->pfn, m->npages, false);
	iova_free(&d->iova, m->iova, m->npages);
	memmove(m, m + 1, (d->nmaps - i - 1) * sizeof *m);
	d->nmaps--;
}
/* LAB dma END */

int iommu_unmap(uint16_t bdf, uint64_t iova, uint64_t npages)
{
	/* LAB dma: iommu_unmap - the exact mapping: unmap and invalidate in the kernel first, then drop it; ERR_NOENT if none */
	struct iommu_device *d = iommu_device_find(bdf);
	for (unsigned i = 0; d && d->dom && i < d->nmaps; i++) {
		if (d->map[i].iova != iova || d->map[i].npages != npages)
			continue;
		int err = kernel_unmap(d, iova, npages);
		if (err < 0) {
			/* The device may still reach the frames: keep them. */
			mm_bug("iommu_unmap: the kernel refused to unmap %#lx (+%lu) of domain %u: %s",
			       (unsigned long)iova, (unsigned long)npages, d->dom, pagoda_strerror(err));
			return err;
		}
		drop_mapping(d, i);     /* only now may the frames be freed */
		return 0;
	}
	return -ERR_NOENT;
	/* LAB dma STUB: LAB_MISSING("dma", "iommu_unmap"); */
	/* LAB dma STUB: (void)bdf; (void)iova; (void)npages; (void)kernel_unmap; */
	/* LAB dma STUB: return -ERR_NOENT; */
	/* LAB dma END */
}

/* The object the frames at pfn belong to, as the DMA code marks them: a
 * DMA frame's page.object (a grant, a bounce buffer), else NULL (a
 * process's own page, for a streaming mapping). */
static const void *object_of(pfn_t pfn)
{
	const struct page *pg = pfn_valid(pfn) ? pfn_to_page(pfn) : NULL;
	return pg && pg->use == PAGE_USE_DMA ? (const void *)(uintptr_t)pg->object : NULL;
}

int iommu_bus_map(uint16_t bdf, pfn_t pfn, uint64_t npages, unsigned mask_bits, uint64_t id,
		  uint64_t *bus)
{
	const uint64_t rw = MM_RIGHT_READ | MM_RIGHT_WRITE;
	const struct iommu_device *open = iommu_device_find(bdf);
	if (open && open->dom)          /* the usual case: its driver opened it */
		return iommu_map(bdf, pfn, npages, rw, mask_bits, object_of(pfn), id, bus);
	struct dev_info info;
	int err = kcall_dev_info(bdf, &info);
	if (err < 0 || info.owner <= 0)
		return err < 0 ? err : -ERR_PERM;
	const struct mm_proc *p = mm_proc_find(info.owner);
	err = iommu_device_open(bdf, info.owner, p ? p->name : "?");
	if (err == 0)
		err = iommu_map(bdf, pfn, npages, rw, mask_bits, object_of(pfn), id, bus);
	return err;
}

bool iommu_maps_frames(pfn_t pfn, uint64_t npages)
{
	for (uint64_t i = 0; i < npages; i++)
		if (pfn_valid(pfn + i) && (pfn_to_page(pfn + i)->flags & PG_IOMAPPED))
			return true;
	return false;
}

/* ---- a driver's end -------------------------------------------------------------- */

static void teardown(struct iommu_device *d)
{
	int err = kcall_iommu_domain(MM_IOMMU_DETACH, d->dom, d->bdf, 0);
	if (err < 0)
		mm_bug("iommu_proc_exit: detach of %02x:%02x.%x from domain %u: %s", d->bdf >> 8,
		       d->bdf >> 3 & 0x1f, d->bdf & 7, d->dom, pagoda_strerror(err));
	while (d->nmaps > 0 && iommu_unmap(d->bdf, d->map[0].iova, d->map[0].npages) == 0)
		;
	if (d->nmaps > 0 || kcall_iommu_domain(MM_IOMMU_DESTROY, d->dom, 0, 0) < 0) {
		mm_bug("iommu_proc_exit: domain %u cannot be destroyed: its frames stay held", d->dom);
		return;
	}
	buddy_free(d->root, 0);
	d->root = PFN_NONE;
	d->dom = 0;
	d->driver = 0;
}

void iommu_proc_exit(int pid)
{
	for (unsigned i = 0; cfg.on && i < IOMMU_DEVICES_MAX; i++)
		if (devs[i].used && devs[i].dom && devs[i].driver == pid) {
			unsigned n = devs[i].nmaps;
			teardown(&devs[i]);
			mm_print("mm: iommu: device %02x:%02x.%x (%s): domain torn down after pid %d "
			       "ended (detached, %u mappings unmapped, then freed)\n", devs[i].bdf >> 8,
			       devs[i].bdf >> 3 & 0x1f, devs[i].bdf & 7, devs[i].name, pid, n);
		}
}

/* ---- iommu_domain_check: D1-D5 ------------------------------------------------------ */

static unsigned check_mapping(const struct iommu_device *d, const struct iommu_mapping *m)
{
	bool frames_ok = true;
	for (uint64_t j = 0; j < m->npages; j++) {
		const struct page *pg = pfn_valid(m->pfn + j) ? pfn_to_page(m->pfn + j) : NULL;
		frames_ok &= pg && frame_for(d, pg, m->object) && (pg->flags & PG_IOMAPPED);
	}
	if (!iova_allocated(&d->iova, m->iova, m->npages) || !frames_ok) {
		mm_bug("iommu_domain_check: domain %u mapping %#lx (+%lu) -> pfn %#lx is not an "
		       "allocation over DMA frames of its object", d->dom, (unsigned long)m->iova,
		       (unsigned long)m->npages, (unsigned long)m->pfn);
		return 1;
	}
	return 0;
}

static bool overlaps(const struct iommu_mapping *a, const struct iommu_mapping *b)
{
	return a->pfn < b->pfn + b->npages && b->pfn < a->pfn + a->npages;
}

/* D3 for mapping m against every mapping before it in record order. */
static unsigned check_overlap(unsigned di, unsigned mi)
{
	const struct iommu_mapping *m = &devs[di].map[mi];
	for (unsigned i = 0; i <= di; i++)
		for (unsigned j = 0; j < devs[i].nmaps && (i < di || j < mi); j++)
			if (overlaps(&devs[i].map[j], m)) {
				mm_bug("iommu_domain_check: pfn %#lx is mapped twice for devices",
				       (unsigned long)m->pfn);
				return 1;
			}
	return 0;
}

static unsigned check_device(unsigned di, uint64_t *mapped)
{
	const struct iommu_device *d = &devs[di];
	if (!d->dom) {
		bool clean = d->nmaps == 0 && d->root == PFN_NONE && d->tables == 0;
		if (!clean)
			mm_bug("iommu_domain_check: %02x:%02x.%x has no domain but holds mappings or tables",
			       d->bdf >> 8, d->bdf >> 3 & 0x1f, d->bdf & 7);
		return !clean;
	}
	unsigned bad = iova_check(&d->iova);
	if (!d->driver || d->root == PFN_NONE || d->iova.n != d->nmaps || d->nmaps > IOVA_RANGES_MAX) {
		mm_bug("iommu_domain_check: domain %u: driver %d, root %#lx, %u allocations for %u "
		       "mappings", d->dom, d->driver, (unsigned long)d->root, d->iova.n, d->nmaps);
		return bad + 1;
	}
	for (unsigned i = 0; i < d->nmaps; i++) {
		bad += check_mapping(d, &d->map[i]) + check_overlap(di, i);
		*mapped += d->map[i].npages;
	}
	return bad;
}

unsigned iommu_domain_check(void)
{
	uint64_t mapped = 0, flagged = 0;
	unsigned bad = 0;
	for (unsigned i = 0; i < IOMMU_DEVICES_MAX; i++)
		if (devs[i].used)
			bad += check_device(i, &mapped);
	for (pfn_t pfn = 0; pfn < mm_max_pfn; pfn++)
		flagged += (pfn_to_page(pfn)->flags & PG_IOMAPPED) != 0;
	if (flagged != mapped) {
		mm_bug("iommu_domain_check: %lu frames are marked mapped for a device, the domains "
		       "map %lu", (unsigned long)flagged, (unsigned long)mapped);
		bad++;
	}
	return bad;
}
