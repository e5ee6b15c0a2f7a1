/*
 * dmar.c - parsing the ACPI DMAR table (layout and interface: dmar.h).
 *
 * One pass over the remapping structures from offset 48: each must have
 * a length of at least 4 that stays inside the table, or the table is
 * malformed and refused whole (reported, nothing kept: the kernel would
 * rather leave DMA untranslated than translate it by a table that lies).
 * A DRHD (a remapping unit) must be at least 16 bytes with a page-aligned,
 * non-zero register base; its device scopes must each be at least 6
 * bytes, an even number of path bytes, inside the DRHD. Other structure
 * types are counted and skipped.
 *
 * Coverage (dmar_unit_for): a unit covers the endpoints its scopes name
 * (start bus, device, function: one hop, i.e. a device on the start
 * bus); a unit with INCLUDE_PCI_ALL (the spec allows one per segment,
 * listed last) covers every other device of its segment. Devices behind
 * a bridge need the bridge's secondary bus number, which only PCI
 * configuration space knows: they are not resolved, so while any unit
 * lists a bridge scope (or a longer path), INCLUDE_PCI_ALL is not used
 * either - such a device might belong to the other unit - and only the
 * named endpoints are covered. (QEMU's q35 lists every device of bus 0
 * as an endpoint and no bridge.) A device no unit covers cannot be
 * attached to a domain.
 *
 * Not supported: segments other than 0, paths of more than one hop,
 * bridge scopes, RMRR identity maps (a device that needs one will fault;
 * QEMU lists none), ATSR/RHSA/SATC.
 */
#include "kernel.h"
#include "arch/x86_64/dmar.h"

#define DRHD_MIN_LEN   16
#define SCOPE_MIN_LEN  6

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static int malformed(struct dmar_info *out, uint32_t off, const char *why)
{
	kprintf("dmar: structure at offset %u %s; the table is not used\n", off, why);
	*out = (struct dmar_info){ .nunits = 0 };
	return -ERR_INVAL;
}

/* The device scopes of the DRHD at d (len bytes) into u. false: malformed. */
static bool parse_scopes(const uint8_t *d, uint16_t len, struct dmar_unit *u)
{
	for (uint32_t off = DRHD_MIN_LEN; off < len; ) {
		const uint8_t *s = d + off;
		if (off + SCOPE_MIN_LEN > len || s[1] < SCOPE_MIN_LEN || off + s[1] > len ||
		    (s[1] - SCOPE_MIN_LEN) % 2)
			return false;
		if (u->nscopes == DMAR_SCOPES_MAX) {
			kprintf("dmar: unit at %#lx: more than %d device scopes; the rest are "
				"not covered\n", u->base, DMAR_SCOPES_MAX);
			return true;
		}
		uint8_t hops = (uint8_t)((s[1] - SCOPE_MIN_LEN) / 2);
		u->scopes[u->nscopes++] = (struct dmar_scope){
			.type = s[0], .enum_id = s[4], .bus = s[5], .hops = hops,
			.dev = hops ? s[6] : 0, .fn = hops ? s[7] : 0 };
		off += s[1];
	}
	return true;
}

/* The DRHD at d (len bytes, at least DRHD_MIN_LEN). false: malformed. */
static bool parse_drhd(const uint8_t *d, uint16_t len, struct dmar_info *out)
{
	struct dmar_unit u = { .flags = d[4], .segment = le16(d + 6), .base = le64(d + 8) };
	if (!u.base || (u.base & (PAGE_SIZE - 1)))
		return false;
	if (!parse_scopes(d, len, &u))
		return false;
	if (out->nunits == DMAR_UNITS_MAX) {
		kprintf("dmar: more than %d remapping units; the unit at %#lx is not used\n",
			DMAR_UNITS_MAX, u.base);
		return true;
	}
	out->units[out->nunits++] = u;
	return true;
}

int dmar_parse(const uint8_t *t, uint32_t len, struct dmar_info *out)
{
	*out = (struct dmar_info){ .nunits = 0 };
	if (len < DMAR_STRUCT_OFF || memcmp(t, "DMAR", 4))
		return malformed(out, 0, "is not a DMAR header of 48 bytes");
	out->haw = t[36] + 1u;
	out->flags = t[37];
	for (uint32_t off = DMAR_STRUCT_OFF; off < len; ) {
		if (off + 4 > len)
			return malformed(out, off, "has no room for its type and length");
		uint16_t type = le16(t + off), slen = le16(t + off + 2);
		if (slen < 4 || off + slen > len)
			return malformed(out, off, "runs past the end of the table");
		if (type == DMAR_TYPE_DRHD) {
			if (slen < DRHD_MIN_LEN || !parse_drhd(t + off, slen, out))
				return malformed(out, off, "is a malformed DRHD (unit)");
		} else if (type == DMAR_TYPE_RMRR) {
			out->rmrr++;
		} else {
			out->others++;
		}
		off += slen;
	}
	return 0;
}

static bool names_endpoint(const struct dmar_unit *u, unsigned bdf)
{
	for (unsigned i = 0; i < u->nscopes; i++) {
		const struct dmar_scope *s = &u->scopes[i];
		if (s->type == SCOPE_ENDPOINT && s->hops == 1 &&
		    ((unsigned)s->bus << 8 | (unsigned)s->dev << 3 | s->fn) == bdf)
			return true;
	}
	return false;
}

static bool lists_bridge(const struct dmar_info *d)
{
	for (unsigned i = 0; i < d->nunits; i++)
		for (unsigned j = 0; j < d->units[i].nscopes; j++)
			if (d->units[i].scopes[j].type == SCOPE_BRIDGE || d->units[i].scopes[j].hops > 1)
				return true;
	return false;
}

int dmar_unit_for(const struct dmar_info *d, unsigned bdf)
{
	for (unsigned i = 0; i < d->nunits; i++)
		if (d->units[i].segment == 0 && names_endpoint(&d->units[i], bdf))
			return (int)i;
	if (lists_bridge(d))
		return -1;
	for (unsigned i = 0; i < d->nunits; i++)
		if (d->units[i].segment == 0 && (d->units[i].flags & DRHD_INCLUDE_PCI_ALL))
			return (int)i;
	return -1;
}
