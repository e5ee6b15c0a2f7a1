/*
 * dmar.h - the ACPI DMA Remapping table (DMAR): which remapping units
 * (VT-d IOMMUs) the machine has and which PCI devices each one covers
 * (dmar.c). Pure code over the table's bytes, host-tested.
 *
 * Layout (Intel VT-d specification 4.1, chapter 8):
 *   header  the ACPI header (36 bytes), host address width - 1 (1 at 36),
 *           flags (1 at 37: bit 0 interrupt remapping), 10 reserved;
 *           remapping structures from offset 48, each type (u16) and
 *           length (u16) first.
 *   DRHD    type 0: flags (1 at 4: bit 0 INCLUDE_PCI_ALL), size (1),
 *           segment (u16 at 6), register base (u64 at 8), device scopes
 *           from offset 16.
 *   scope   type (1: 1 PCI endpoint, 2 PCI sub-hierarchy, 3 IOAPIC,
 *           4 HPET, 5 ACPI device), length (1), reserved (2),
 *           enumeration id (1 at 4), start bus (1 at 5), then a path of
 *           (device, function) byte pairs from offset 6.
 *   other   RMRR (1), ATSR (2), RHSA (3), ANDD (4), SATC (5): counted,
 *           not used.
 */
#ifndef ARCH_DMAR_H
#define ARCH_DMAR_H

#include <pagoda/types.h>

#define DMAR_UNITS_MAX   4
#define DMAR_SCOPES_MAX  32             /* per unit */
#define DMAR_STRUCT_OFF  48

#define DMAR_TYPE_DRHD   0
#define DMAR_TYPE_RMRR   1
#define DMAR_FLAG_INTR_REMAP  0x1       /* the table's flags */
#define DRHD_INCLUDE_PCI_ALL  0x1       /* a unit's flags */

#define SCOPE_ENDPOINT   1
#define SCOPE_BRIDGE     2
#define SCOPE_IOAPIC     3
#define SCOPE_HPET       4
#define SCOPE_ACPI       5

struct dmar_scope {
	uint8_t type;           /* SCOPE_* */
	uint8_t enum_id;        /* IOAPIC / HPET id */
	uint8_t bus;            /* the start bus */
	uint8_t dev, fn;        /* the path's first hop */
	uint8_t hops;           /* path length in (device, function) pairs */
};

struct dmar_unit {
	paddr_t base;           /* register base (page aligned) */
	uint16_t segment;
	uint8_t flags;          /* DRHD_INCLUDE_PCI_ALL */
	unsigned nscopes;
	struct dmar_scope scopes[DMAR_SCOPES_MAX];
};

struct dmar_info {
	unsigned haw;           /* host address width in bits */
	uint8_t flags;          /* DMAR_FLAG_* */
	unsigned nunits;
	struct dmar_unit units[DMAR_UNITS_MAX];
	unsigned rmrr;          /* reserved-memory regions listed (not used) */
	unsigned others;        /* other structures listed (not used) */
};

/* Parse the DMAR table's len bytes (its ACPI checksum already checked).
 * 0, or -ERR_INVAL for a malformed table (reported; *out is then empty:
 * a table that lies about its own lengths is not used at all). Units and
 * scopes beyond the limits above are reported and left out. */
int dmar_parse(const uint8_t *table, uint32_t len, struct dmar_info *out);

/* The unit covering PCI device bdf (segment 0): one that lists it as an
 * endpoint scope of one hop, else one with INCLUDE_PCI_ALL. Its index,
 * or -1. Devices behind bridges (paths of more than one hop, bridge
 * scopes) are not resolved: they are covered only by INCLUDE_PCI_ALL. */
int dmar_unit_for(const struct dmar_info *d, unsigned bdf);

#endif
