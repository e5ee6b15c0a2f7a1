/*
 * vtd.c - DMA remapping with Intel VT-d: the kernel/iommu.h operations.
 *
 * Each operation is the change to the in-memory structures (vtd_table.c,
 * which checks every argument first) followed by the invalidations that
 * make the hardware see it, on every unit, before the call returns:
 *
 *   enable   RTADDR = root; GCMD.SRTP (wait RTPS); global context-cache
 *            and global IOTLB invalidation; then GCMD.TE (wait TES),
 *            which every later GCMD write keeps set (u->gcmd)
 *   attach   context entry written -> device-selective context-cache
 *            invalidation (and, in caching mode, the domain's IOTLB)
 *   detach   context entry cleared -> device-selective context-cache
 *            invalidation, then the domain's IOTLB (draining reads and
 *            writes in flight where the unit can)
 *   map      not-present -> present needs no invalidation, except in
 *            caching mode (page-selective then)
 *   unmap    leaves cleared, emptied tables unlinked -> one IOTLB
 *            invalidation covering the run: page-selective with the
 *            smallest aligned block of 2^am pages that holds it (IH = 0:
 *            the paging-structure caches of the range go too), or
 *            domain-selective when the unit has no PSI or am > MAMV
 *   destroy  the domain's IOTLB, so nothing cached names its root
 *
 * Why invalidate on every unmap: the hardware caches translations (QEMU's
 * IOTLB included); a cleared entry still translates until the IOTLB
 * entry for it is invalidated. So revocation is: clear, invalidate, wait
 * for the invalidation to complete, and only then hand the frames back
 * to the memory server - which may then reuse them at once.
 *
 * Registers: 32-bit registers get 32-bit accesses only (QEMU 7.2 aborts
 * on a 64-bit access to one); invalidation is register-based only
 * (queued invalidation stays off: with it on, QEMU ignores the registers
 * and their busy bits never clear). A command whose busy bit does not
 * clear within POLL_MAX reads is a broken unit: the kernel panics rather
 * than hand back frames a device may still reach.
 *
 * Not supported: queued invalidation, interrupt remapping, device-IOTLBs
 * (ATS), per-unit domain numbering (one set of domain ids for all units).
 */
#include "kernel.h"
#include "iommu.h"
#include "arch/x86_64/vtd.h"

#define POLL_MAX 10000000u

/* ---- commands ---- */

static void wait_clear32(const struct vtd_unit *u, unsigned off, uint32_t bit, const char *what)
{
	for (unsigned n = 0; n < POLL_MAX; n++)
		if (!(vtd_rd32(u, off) & bit))
			return;
	panic("iommu: unit at %#lx: %s did not complete", u->base, what);
}

static void wait_clear64(const struct vtd_unit *u, unsigned off, uint64_t bit, const char *what)
{
	for (unsigned n = 0; n < POLL_MAX; n++)
		if (!(vtd_rd64(u, off) & bit))
			return;
	panic("iommu: unit at %#lx: %s did not complete", u->base, what);
}

/* Issue a GCMD command (the persistent bits stay) and wait for its status. */
static void gcmd(const struct vtd_unit *u, uint32_t cmd, const char *what)
{
	vtd_wr32(u, VTD_GCMD, u->gcmd | cmd);
	for (unsigned n = 0; n < POLL_MAX; n++)
		if ((vtd_rd32(u, VTD_GSTS) & cmd) == cmd)
			return;
	panic("iommu: unit at %#lx: %s did not complete", u->base, what);
}

static void flush_write_buffer(const struct vtd_unit *u)
{
	if (!(u->cap & CAP_RWBF))
		return;
	vtd_wr32(u, VTD_GCMD, u->gcmd | GCMD_WBF);
	wait_clear32(u, VTD_GSTS, GCMD_WBF, "write-buffer flush");
}

static void context_invalidate(const struct vtd_unit *u, uint64_t how)
{
	flush_write_buffer(u);
	vtd_wr64(u, VTD_CCMD, CCMD_ICC | how);
	wait_clear64(u, VTD_CCMD, CCMD_ICC, "context-cache invalidation");
}

static void iotlb_invalidate(const struct vtd_unit *u, uint64_t how, uint64_t iva)
{
	uint64_t drain = ((u->cap & CAP_DRD) ? IOTLB_DR : 0) | ((u->cap & CAP_DWD) ? IOTLB_DW : 0);
	flush_write_buffer(u);
	if ((how & IOTLB_PAGE) == IOTLB_PAGE)
		vtd_wr64(u, u->iva, iva);
	vtd_wr64(u, u->iva + 8, IOTLB_IVT | how | drain);
	wait_clear64(u, u->iva + 8, IOTLB_IVT, "IOTLB invalidation");
}

/* The smallest aligned block of 2^am pages holding [iova, iova + n pages). */
static unsigned address_mask(uint64_t iova, uint64_t npages)
{
	uint64_t first = iova >> PAGE_SHIFT, last = first + npages - 1;
	unsigned am = 0;
	while ((first >> am) != (last >> am))
		am++;
	return am;
}

/* The IOTLB entries of pages [iova, + npages) of domain dom on unit u. */
static void iotlb_range(const struct vtd_unit *u, uint64_t dom, uint64_t iova, uint64_t npages)
{
	unsigned am = address_mask(iova, npages);
	if ((u->cap & CAP_PSI) && am <= CAP_MAMV(u->cap))
		iotlb_invalidate(u, IOTLB_PAGE | IOTLB_DID(dom),
				 (iova & ~((PAGE_SIZE << am) - 1)) | IVA_AM(am));
	else
		iotlb_invalidate(u, IOTLB_DOMAIN | IOTLB_DID(dom), 0);
}

static void iotlb_domain(uint64_t dom)
{
	for (unsigned i = 0; i < vtd.nunits; i++)
		iotlb_invalidate(&vtd.units[i], IOTLB_DOMAIN | IOTLB_DID(dom), 0);
}

/* The unit covering bdf, or NULL. */
static const struct vtd_unit *unit_for(uint64_t bdf)
{
	int i = bdf <= VTD_BDF_MAX ? dmar_unit_for(&vtd.dmar, (unsigned)bdf) : -1;
	return i >= 0 && (unsigned)i < vtd.nunits ? &vtd.units[i] : NULL;
}

/* ---- the operations ---- */

/* Translation is on: as every unit's status register says. */
static bool translating(void)
{
	for (unsigned i = 0; i < vtd.nunits; i++)
		if (!(vtd_rd32(&vtd.units[i], VTD_GSTS) & GCMD_TE))
			return false;
	return vtd.nunits > 0;
}

void iommu_info(struct mm_iommu_info *o)
{
	*o = (struct mm_iommu_info){ .units = vtd.nunits };
	if (!vtd.nunits)
		return;
	o->flags = MM_IOMMU_PRESENT | (translating() ? MM_IOMMU_ENABLED : 0) |
		   (vtd.off ? MM_IOMMU_OFF : 0) | ((vtd.units[0].cap & CAP_PSI) ? MM_IOMMU_PSI : 0);
	o->iova_bits = vtd.tables.iova_bits;
	o->levels = vtd.tables.levels;
	o->domains = vtd.tables.ndomains;
	o->reg_base = vtd.units[0].base;
	vtd_fault_counts(&o->faults, &o->faults_lost, &o->overflows);
	o->mapped = vtd.tables.mapped;
	o->tables = vtd.tables.frames.tables;
}

bool iommu_frame_is_table(paddr_t pa)
{
	return frameset_use(&vtd.tables.frames, pa) == FRAME_TABLE;
}

int iommu_enable(paddr_t root)
{
	if (!vtd.nunits)
		return -ERR_NOENT;
	if (vtd.off)
		return -ERR_PERM;
	int err = vtd_tables_set_root(&vtd.tables, root);
	if (err < 0)
		return err;
	for (unsigned i = 0; i < vtd.nunits; i++) {
		struct vtd_unit *u = &vtd.units[i];
		vtd_wr64(u, VTD_RTADDR, root);
		gcmd(u, GCMD_SRTP, "set root table pointer");
		context_invalidate(u, CCMD_GLOBAL);
		iotlb_invalidate(u, IOTLB_GLOBAL, 0);
		gcmd(u, GCMD_TE, "translation enable");
		u->gcmd |= GCMD_TE;
	}
	if (!translating())
		panic("iommu_enable: a unit's status does not show translation on");
	vtd.enabled = true;
	vtd_say("iommu: translation enabled: root table at %#lx, %u-level tables, IOVAs below "
		"2^%u, domains 1..%u\n", root, vtd.tables.levels, vtd.tables.iova_bits,
		vtd.tables.ndomains - 1);
	return 0;
}

int iommu_domain_create(uint64_t dom, paddr_t root)
{
	return vtd_domain_create(&vtd.tables, dom, root);
}

int iommu_domain_destroy(uint64_t dom)
{
	int err = vtd_domain_destroy(&vtd.tables, dom);
	if (err == 0)
		iotlb_domain(dom);
	return err;
}

int iommu_attach(uint64_t dom, uint64_t bdf, paddr_t spare)
{
	const struct vtd_unit *u = vtd.enabled ? unit_for(bdf) : NULL;
	if (!u)
		return -ERR_NOENT;
	int used = vtd_attach(&vtd.tables, dom, (unsigned)bdf, spare);
	if (used < 0)
		return used;
	context_invalidate(u, CCMD_DEVICE | CCMD_SID(bdf) | CCMD_DID(dom));
	if (u->cap & CAP_CM)
		iotlb_invalidate(u, IOTLB_DOMAIN | IOTLB_DID(dom), 0);
	return used;
}

int iommu_detach(uint64_t dom, uint64_t bdf)
{
	const struct vtd_unit *u = vtd.enabled ? unit_for(bdf) : NULL;
	if (!u)
		return -ERR_NOENT;
	int err = vtd_detach(&vtd.tables, dom, (unsigned)bdf);
	if (err < 0)
		return err;
	context_invalidate(u, CCMD_DEVICE | CCMD_SID(bdf) | CCMD_DID(dom));
	iotlb_invalidate(u, IOTLB_DOMAIN | IOTLB_DID(dom), 0);
	return 0;
}

int iommu_map(uint64_t dom, const struct mm_map_run *run, struct frame_supply *spares)
{
	int used = vtd_map(&vtd.tables, dom, run, spares);
	for (unsigned i = 0; used >= 0 && i < vtd.nunits; i++)
		if (vtd.units[i].cap & CAP_CM)
			iotlb_range(&vtd.units[i], dom, run->va, run->npages);
	return used;
}

int iommu_unmap(uint64_t dom, uint64_t iova, uint64_t npages, paddr_t out[MM_MAP_SPARES])
{
	int n = vtd_unmap(&vtd.tables, dom, iova, npages, out);
	for (unsigned i = 0; n >= 0 && i < vtd.nunits; i++)
		iotlb_range(&vtd.units[i], dom, iova, npages);
	return n;
}
