/*
 * kcall_iommu_stub.c - a model of the kernel's IOMMU calls for host
 * tests (kcall_iommu_stub.h).
 */
#include <stdlib.h>
#include <string.h>
#include <pagoda/error.h>
#include <pagoda/mm.h>
#include <pagoda/syscall.h>
#include "kcall.h"
#include "kcall_iommu_stub.h"
#include "mm_env.h"

#define MAPS_MAX   4096
#define TABLES_MAX 256
#define ATTACH_MAX 64

struct smap { unsigned dom; uint64_t iova; paddr_t pa; uint64_t rights; };
struct stable { unsigned dom; unsigned level; uint64_t base; paddr_t pa; };

static struct {
	bool exists[STUB_IOMMU_DOMAINS];
	struct smap map[MAPS_MAX];
	unsigned nmap;
	struct stable table[TABLES_MAX];
	unsigned ntable;
	struct { uint16_t bdf; unsigned dom; } att[ATTACH_MAX];
	unsigned natt;
	bool bus_ctx[256];
	unsigned calls, fail_skip;
	int fail_err;
} m;

void stub_iommu_reset(void)
{
	memset(&m, 0, sizeof m);
}

unsigned stub_iommu_calls(void)
{
	return m.calls;
}

void stub_iommu_fail(unsigned skip, int err)
{
	m.fail_skip = skip;
	m.fail_err = err;
}

static int enter(void)
{
	m.calls++;
	if (!m.fail_err)
		return 0;
	if (m.fail_skip > 0) {
		m.fail_skip--;
		return 0;
	}
	int err = m.fail_err;
	m.fail_err = 0;
	return err;
}

static bool frame_ok(paddr_t pa)
{
	return pa != PADDR_NONE && !(pa & ~PAGE_MASK) && pa < mm_phys_limit;
}

static bool dom_ok(unsigned dom)
{
	return dom > 0 && dom < STUB_IOMMU_DOMAINS && m.exists[dom];
}

static int attached_index(uint16_t bdf)
{
	for (unsigned i = 0; i < m.natt; i++)
		if (m.att[i].bdf == bdf)
			return (int)i;
	return -1;
}

int stub_iommu_attached(uint16_t bdf)
{
	int i = attached_index(bdf);
	return i < 0 ? 0 : (int)m.att[i].dom;
}

static bool dom_busy(unsigned dom)
{
	for (unsigned i = 0; i < m.natt; i++)
		if (m.att[i].dom == dom)
			return true;
	for (unsigned i = 0; i < m.nmap; i++)
		if (m.map[i].dom == dom)
			return true;
	return false;
}

static int attach(unsigned dom, unsigned bdf, paddr_t frame)
{
	if (!dom_ok(dom))
		return -ERR_NOENT;
	if (attached_index((uint16_t)bdf) >= 0)
		return -ERR_BUSY;
	int used = 0;
	if (!m.bus_ctx[bdf >> 8]) {
		if (frame == PADDR_NONE)
			return -ERR_NOMEM;
		if (!frame_ok(frame))
			return -ERR_INVAL;
		m.bus_ctx[bdf >> 8] = true;
		used = 1;
	}
	m.att[m.natt].bdf = (uint16_t)bdf;
	m.att[m.natt++].dom = dom;
	return used;
}

int kcall_iommu_domain(unsigned op, unsigned dom, unsigned bdf, paddr_t frame)
{
	int err = enter();
	if (err)
		return err;
	int i;
	switch (op) {
	case MM_IOMMU_CREATE:
		if (dom == 0 || dom >= STUB_IOMMU_DOMAINS || !frame_ok(frame))
			return -ERR_INVAL;
		if (m.exists[dom])
			return -ERR_BUSY;
		m.exists[dom] = true;
		return 0;
	case MM_IOMMU_DESTROY:
		if (!dom_ok(dom))
			return -ERR_NOENT;
		if (dom_busy(dom))
			return -ERR_BUSY;
		m.exists[dom] = false;
		return 0;
	case MM_IOMMU_ATTACH:
		return bdf > 0xffff ? -ERR_INVAL : attach(dom, bdf, frame);
	case MM_IOMMU_DETACH:
		i = attached_index((uint16_t)bdf);
		if (i < 0 || m.att[i].dom != dom)
			return -ERR_NOENT;
		m.att[i] = m.att[--m.natt];
		return 0;
	default:
		return -ERR_INVAL;
	}
}

static int map_find(unsigned dom, uint64_t iova)
{
	for (unsigned i = 0; i < m.nmap; i++)
		if (m.map[i].dom == dom && m.map[i].iova == iova)
			return (int)i;
	return -1;
}

static int table_find(unsigned dom, unsigned level, uint64_t base)
{
	for (unsigned i = 0; i < m.ntable; i++)
		if (m.table[i].dom == dom && m.table[i].level == level && m.table[i].base == base)
			return (int)i;
	return -1;
}

static uint64_t base_of(unsigned level, uint64_t iova)
{
	return iova & ~((level == 1 ? 1ULL << 21 : 1ULL << 30) - 1);
}

/* The spares a map at iova needs: a level-2 and a leaf table. */
static unsigned tables_needed(unsigned dom, uint64_t iova)
{
	return (table_find(dom, 2, base_of(2, iova)) < 0) + (table_find(dom, 1, base_of(1, iova)) < 0);
}

static bool run_ok(const struct mm_map_run *run)
{
	uint64_t last = run->va + (run->npages << PAGE_SHIFT) - 1;
	return run->npages >= 1 && run->npages <= MM_MAP_RUN_MAX && !(run->va & ~PAGE_MASK) &&
	       last < (1ULL << STUB_IOVA_BITS) && (run->va >> 21) == (last >> 21) &&
	       (run->rights == MM_RIGHT_READ || run->rights == (MM_RIGHT_READ | MM_RIGHT_WRITE));
}

static bool frames_ok(const struct mm_map_run *run)
{
	for (uint64_t i = 0; i < run->npages; i++) {
		paddr_t pa = run->pa + (i << PAGE_SHIFT);
		if (!frame_ok(pa))
			return false;
		for (unsigned t = 0; t < m.ntable; t++)
			if (m.table[t].pa == pa)
				return false;
	}
	return true;
}

static void add_tables(unsigned dom, uint64_t iova, const paddr_t *spares, unsigned *used)
{
	for (unsigned level = 2; level >= 1; level--)
		if (table_find(dom, level, base_of(level, iova)) < 0)
			m.table[m.ntable++] = (struct stable){ dom, level, base_of(level, iova),
								spares[(*used)++] };
}

int kcall_iommu_map(unsigned dom, uint64_t iova, paddr_t pa, uint64_t npages, uint64_t rights,
		    const paddr_t *spares)
{
	struct mm_map_run run = { iova, pa, npages, rights };
	int err = enter();
	if (err)
		return err;
	if (!dom_ok(dom))
		return -ERR_NOENT;
	if (!run_ok(&run) || !frames_ok(&run))
		return -ERR_INVAL;
	for (uint64_t i = 0; i < npages; i++)
		if (map_find(dom, iova + (i << PAGE_SHIFT)) >= 0)
			return -ERR_BUSY;
	unsigned need = tables_needed(dom, iova), have = 0;
	while (have < need && frame_ok(spares[have]))
		have++;
	if (have < need)
		return -ERR_NOMEM;
	if (m.nmap + npages > MAPS_MAX || m.ntable + need > TABLES_MAX)
		return -ERR_NOSPC;
	unsigned used = 0;
	add_tables(dom, iova, spares, &used);
	for (uint64_t i = 0; i < npages; i++)
		m.map[m.nmap++] = (struct smap){ dom, iova + (i << PAGE_SHIFT), pa + (i << PAGE_SHIFT),
						 rights };
	return (int)used;
}

static bool span_used(unsigned dom, unsigned level, uint64_t base)
{
	for (unsigned i = 0; i < m.nmap; i++)
		if (m.map[i].dom == dom && base_of(level, m.map[i].iova) == base)
			return true;
	return false;
}

/* Hand back the tables of iova's spans that map nothing now, leaf first. */
static int prune(unsigned dom, uint64_t iova, paddr_t *out)
{
	int n = 0;
	for (unsigned level = 1; level <= 2; level++) {
		int t = table_find(dom, level, base_of(level, iova));
		if (t >= 0 && !span_used(dom, level, base_of(level, iova))) {
			out[n++] = m.table[t].pa;
			m.table[t] = m.table[--m.ntable];
		}
	}
	return n;
}

int kcall_iommu_unmap(unsigned dom, uint64_t iova, uint64_t npages, paddr_t *out)
{
	int err = enter();
	if (err)
		return err;
	if (!dom_ok(dom))
		return -ERR_NOENT;
	uint64_t last = iova + (npages << PAGE_SHIFT) - 1;
	if (npages == 0 || npages > MM_MAP_RUN_MAX || (iova & ~PAGE_MASK) || (iova >> 21) != (last >> 21))
		return -ERR_INVAL;
	for (uint64_t i = 0; i < npages; i++)
		if (map_find(dom, iova + (i << PAGE_SHIFT)) < 0)
			return -ERR_NOENT;
	for (uint64_t i = 0; i < npages; i++) {
		int k = map_find(dom, iova + (i << PAGE_SHIFT));
		m.map[k] = m.map[--m.nmap];
	}
	return prune(dom, iova, out);
}

bool stub_iommu_domain_exists(unsigned dom)
{
	return dom < STUB_IOMMU_DOMAINS && m.exists[dom];
}

uint64_t stub_iommu_mapped(unsigned dom)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m.nmap; i++)
		n += m.map[i].dom == dom;
	return n;
}

uint64_t stub_iommu_mapped_total(void)
{
	return m.nmap;
}

uint64_t stub_iommu_tables(unsigned dom)
{
	uint64_t n = 0;
	for (unsigned i = 0; i < m.ntable; i++)
		n += m.table[i].dom == dom;
	return n;
}

int stub_iommu_dma(uint16_t bdf, uint64_t iova, bool write, paddr_t *pa)
{
	int dom = stub_iommu_attached(bdf);
	if (!dom)
		return MM_IOMMU_REASON_NO_DOMAIN;
	int k = map_find((unsigned)dom, iova & PAGE_MASK);
	if (k < 0)
		return write ? MM_IOMMU_REASON_NO_WRITE : MM_IOMMU_REASON_NO_READ;
	if (write && !(m.map[k].rights & MM_RIGHT_WRITE))
		return MM_IOMMU_REASON_NO_WRITE;
	*pa = m.map[k].pa + (iova & ~PAGE_MASK);
	return 0;
}
