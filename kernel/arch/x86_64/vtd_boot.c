/*
 * vtd_boot.c - finding the VT-d units at boot and saying what they are
 * (iommu_init, kernel/iommu.h).
 *
 * Steps: the RSDP, the RSDT or XSDT and the DMAR table (acpi.c, through
 * the physmap), the DMAR parsed (dmar.c); then for each unit: its
 * register page must lie in the chipset window (made uncached there), its
 * capabilities must offer 3- or 4-level second-level tables, and its
 * state must be one this kernel can drive - queued invalidation off
 * (with it on, the register-based invalidations used here are ignored
 * and polling their busy bit hangs on QEMU 7.2); translation left on by
 * the firmware is turned off. Any unit that fails makes the kernel use
 * none: a device under a unit left out could not be isolated, and half an
 * IOMMU would only look like one. The table geometry is what every unit
 * supports (3 levels if all can, an AGAW no wider than the narrowest
 * MGAW), the domain count the smallest. Last, the fault event of each
 * unit is pointed at this CPU's local APIC (vtd_fault.c).
 *
 * The console then shows what was found (unless booted `quiet`): the DMAR (host address width,
 * flags), each unit (register base, the devices it covers, version, CAP
 * and ECAP decoded) and whether translation waits for the memory server
 * or stays off (iommu=off).
 *
 * Not supported: more than DMAR_UNITS_MAX units, units whose registers
 * lie outside 0xfe000000..4 GiB.
 */
#include "kernel.h"
#include "iommu.h"
#include "arch/x86_64/arch.h"
#include "arch/x86_64/mmu.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/vtd.h"

#define POLL_MAX 10000000u

struct vtd_state vtd;

/* What was found, on the console unless booted `quiet` (warnings and
 * refusals always go out with kprintf). */
void vtd_say(const char *fmt, ...)
{
	va_list ap;
	if (vtd.quiet)
		return;
	va_start(ap, fmt);
	kvprintf(fmt, ap);
	va_end(ap);
}

/* ACPI's reader: physical memory through the physmap. */
static const void *read_phys(paddr_t pa, size_t len)
{
	paddr_t end = paging_physmap_end();
	return pa < end && len <= end - pa ? phys_to_virt(pa) : NULL;
}

static bool find_dmar(struct dmar_info *out)
{
	struct acpi_root root;
	struct acpi_table t;
	if (acpi_find_rsdp(read_phys, &root) < 0) {
		vtd_say("iommu: no ACPI RSDP: no IOMMU; DMA is not isolated\n");
		return false;
	}
	if (acpi_find_table(read_phys, &root, "DMAR", &t) < 0) {
		vtd_say("iommu: no DMAR table: no IOMMU; DMA is not isolated\n");
		return false;
	}
	if (dmar_parse(t.bytes, t.len, out) < 0 || out->nunits == 0) {
		kprintf("iommu: DMAR at %#lx lists no usable unit: no IOMMU\n", t.pa);
		return false;
	}
	vtd_say("iommu: DMAR at %#lx: host address width %u, flags %#x%s, %u unit%s\n", t.pa,
		out->haw, out->flags, (out->flags & DMAR_FLAG_INTR_REMAP) ? " (interrupt remapping)" : "",
		out->nunits, out->nunits == 1 ? "" : "s");
	return true;
}

/* The devices unit i covers, in one line. */
static void report_scopes(unsigned i, const struct dmar_unit *d)
{
	vtd_say("iommu: unit %u at %#lx: segment %u, covers%s", i, d->base, d->segment,
		(d->flags & DRHD_INCLUDE_PCI_ALL) ? " every other device" : "");
	for (unsigned k = 0; k < d->nscopes; k++) {
		const struct dmar_scope *s = &d->scopes[k];
		if (s->type == SCOPE_ENDPOINT && s->hops == 1)
			vtd_say(" %02x:%02x.%x", s->bus, s->dev, s->fn);
		else if (s->type == SCOPE_IOAPIC)
			vtd_say(" IOAPIC %u", s->enum_id);
		else if (s->type == SCOPE_HPET)
			vtd_say(" HPET %u", s->enum_id);
		else
			vtd_say(" [scope type %u on bus %u: not resolved]", s->type, s->bus);
	}
	vtd_say("\n");
}

static void report_caps(unsigned i, const struct vtd_unit *u)
{
	uint64_t c = u->cap, e = u->ecap;
	unsigned sagaw = CAP_SAGAW(c), sllps = CAP_SLLPS(c);
	vtd_say("iommu: unit %u: VT-d %u.%u, CAP %#018lx, ECAP %#018lx\n", i, u->ver >> 4 & 0xf,
		u->ver & 0xf, c, e);
	vtd_say("iommu: unit %u: MGAW %u bits; SAGAW%s%s; %u domains; %u fault-recording "
		"register%s at %#x; page-selective invalidation %s (mask up to %u); "
		"superpages%s%s%s\n", i, CAP_MGAW(c),
		(sagaw & SAGAW_39) ? " 39-bit (3-level)" : "", (sagaw & SAGAW_48) ? " 48-bit (4-level)" : "",
		1u << (4 + 2 * CAP_ND(c)), u->nfr, u->nfr == 1 ? "" : "s", u->frcd,
		(c & CAP_PSI) ? "yes" : "no", CAP_MAMV(c), (sllps & 1) ? " 2M" : "",
		(sllps & 2) ? " 1G" : "", sllps ? "" : " none");
	vtd_say("iommu: unit %u: caching mode %u; page walks %s; queued invalidation %s; "
		"interrupt remapping %s; pass-through %s; write-buffer flush %s\n", i,
		(c & CAP_CM) ? 1 : 0, (e & ECAP_C) ? "coherent" : "not coherent (tables are flushed with clflush)",
		(e & ECAP_QI) ? "offered, not used" : "no", (e & ECAP_IR) ? "offered, not used" : "no",
		(e & ECAP_PT) ? "offered, not used" : "no", (c & CAP_RWBF) ? "needed" : "not needed");
}

/* Translation left on by the firmware is turned off (and waited for). */
static bool quiesce(unsigned i, struct vtd_unit *u)
{
	uint32_t sts = vtd_rd32(u, VTD_GSTS);
	if (sts & GCMD_QIE) {
		kprintf("iommu: unit %u: queued invalidation was left on; this kernel invalidates "
			"through registers: not used\n", i);
		return false;
	}
	if (!(sts & GCMD_TE))
		return true;
	kprintf("iommu: unit %u: translation was left on by the firmware; turning it off\n", i);
	vtd_wr32(u, VTD_GCMD, 0);
	for (unsigned n = 0; n < POLL_MAX; n++)
		if (!(vtd_rd32(u, VTD_GSTS) & GCMD_TE))
			return true;
	kprintf("iommu: unit %u: translation does not turn off: not used\n", i);
	return false;
}

/* Map, read and check unit i (base from the DMAR). */
static bool open_unit(unsigned i, paddr_t base, struct vtd_unit *u)
{
	if (base < CHIPSET_MMIO_LO || base + VTD_REG_SPAN > CHIPSET_MMIO_HI) {
		kprintf("iommu: unit %u at %#lx: registers outside the chipset window; not used\n",
			i, base);
		return false;
	}
	paging_uncached(base);
	*u = (struct vtd_unit){ .regs = phys_to_virt(base), .base = base };
	u->ver = vtd_rd32(u, VTD_VER);
	u->cap = vtd_rd64(u, VTD_CAP);
	u->ecap = vtd_rd64(u, VTD_ECAP);
	u->iva = ECAP_IRO(u->ecap);
	u->frcd = CAP_FRO(u->cap);
	u->nfr = CAP_NFR(u->cap);
	report_caps(i, u);
	if (!(CAP_SAGAW(u->cap) & (SAGAW_39 | SAGAW_48)) || u->iva + 16 > VTD_REG_SPAN ||
	    u->frcd + 16 * u->nfr > VTD_REG_SPAN) {
		kprintf("iommu: unit %u: no 3- or 4-level tables, or registers beyond its page; "
			"not used\n", i);
		return false;
	}
	return quiesce(i, u);
}

/* The geometry every unit supports, into vtd.tables. */
static void choose_geometry(void)
{
	unsigned sagaw = SAGAW_39 | SAGAW_48, mgaw = 64, domains = VTD_DOMAINS;
	bool coherent = true;
	for (unsigned i = 0; i < vtd.nunits; i++) {
		const struct vtd_unit *u = &vtd.units[i];
		sagaw &= CAP_SAGAW(u->cap);
		mgaw = CAP_MGAW(u->cap) < mgaw ? CAP_MGAW(u->cap) : mgaw;
		unsigned nd = 1u << (4 + 2 * CAP_ND(u->cap));
		domains = nd < domains ? nd : domains;
		coherent = coherent && (u->ecap & ECAP_C);
	}
	unsigned levels = (sagaw & SAGAW_39) ? 3 : 4, agaw = levels == 3 ? 39 : 48;
	vtd_tables_init(&vtd.tables, levels, mgaw < agaw ? mgaw : agaw, domains, coherent);
}

void iommu_init(bool off, bool quiet)
{
	vtd.off = off;
	vtd.quiet = quiet;
	if (!find_dmar(&vtd.dmar))
		return;
	for (unsigned i = 0; i < vtd.dmar.nunits; i++) {
		report_scopes(i, &vtd.dmar.units[i]);
		if (!open_unit(i, vtd.dmar.units[i].base, &vtd.units[i])) {
			kprintf("iommu: a unit cannot be used, so none is: DMA is not isolated\n");
			return;
		}
	}
	vtd.nunits = vtd.dmar.nunits;
	choose_geometry();
	lapic_init();
	for (unsigned i = 0; i < vtd.nunits; i++)
		vtd_fault_init(&vtd.units[i]);
	if (off)
		vtd_say("iommu: translation off (iommu=off): every device reaches all of memory\n");
	else
		vtd_say("iommu: translation off until the memory server enables it (%u-level "
			"tables, IOVAs below 2^%u, domains 1..%u)\n", vtd.tables.levels,
			vtd.tables.iova_bits, vtd.tables.ndomains - 1);
}
