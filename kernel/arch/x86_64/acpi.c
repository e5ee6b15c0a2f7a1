/*
 * acpi.c - finding an ACPI table (interface and layouts: acpi.h).
 *
 * The firmware leaves the Root System Description Pointer in the first
 * KiB of the Extended BIOS Data Area (whose segment the BIOS data area
 * holds at 0x40e) or on a 16-byte boundary in 0xe0000..0xfffff (ACPI 6.5,
 * 5.2.5.1); SeaBIOS under QEMU puts a revision 0 RSDP in the F-segment.
 * From the RSDP: the XSDT (revision 2 and up: 64-bit table addresses)
 * or the RSDT (32-bit), then each table's 36-byte header.
 *
 * Nothing the firmware wrote is trusted: every structure is read through
 * the reader (which refuses what lies outside readable memory), its
 * length is checked against the reader and the header, and its checksum
 * is verified. A bad RSDP candidate, a bad XSDT (the RSDT is used then)
 * and a bad table are reported on the console and ignored; the search
 * goes on with the next candidate.
 *
 * Not supported: tables above the reader's reach (the kernel's reader is
 * its physmap, which covers every table the firmware can place in RAM or
 * below 4 GiB); the FADT and AML (nothing here needs them).
 */
#include "kernel.h"
#include "arch/x86_64/acpi.h"

#define RSDP_V1_LEN     20
#define RSDP_V2_LEN     36
#define TABLE_MAX_LEN   (1u << 20)     /* a longer table is not believed */

bool acpi_checksum_ok(const uint8_t *p, size_t len)
{
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + p[i]);
	return sum == 0;
}

static uint32_t le32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* A valid RSDP at pa: fill out. A revision 2 RSDP whose extended
 * checksum fails keeps its RSDT (the 1.0 part is valid) and loses its
 * XSDT, with a message. */
static bool rsdp_at(acpi_reader read, paddr_t pa, struct acpi_root *out)
{
	const uint8_t *p = read(pa, RSDP_V1_LEN);
	if (!p || memcmp(p, "RSD PTR ", 8))
		return false;
	if (!acpi_checksum_ok(p, RSDP_V1_LEN)) {
		kprintf("acpi: RSDP at %#lx: bad checksum; skipped\n", pa);
		return false;
	}
	*out = (struct acpi_root){ .rsdp = pa, .revision = p[15], .rsdt = le32(p + 16) };
	if (out->revision < 2)
		return true;
	const uint8_t *v2 = read(pa, RSDP_V2_LEN);
	uint32_t len = v2 ? le32(v2 + 20) : 0;
	const uint8_t *all = len >= RSDP_V2_LEN ? read(pa, len) : NULL;
	if (all && acpi_checksum_ok(all, len))
		out->xsdt = le64(all + 24);
	else
		kprintf("acpi: RSDP at %#lx: bad extended checksum or length; using the RSDT\n", pa);
	return true;
}

static bool search(acpi_reader read, paddr_t lo, paddr_t hi, struct acpi_root *out)
{
	for (paddr_t pa = lo; pa + RSDP_V1_LEN <= hi; pa += 16)
		if (rsdp_at(read, pa, out))
			return true;
	return false;
}

int acpi_find_rsdp(acpi_reader read, struct acpi_root *out)
{
	const uint8_t *bda = read(ACPI_EBDA_PTR, 2);
	paddr_t ebda = bda ? (paddr_t)(bda[0] | bda[1] << 8) << 4 : 0;
	if (ebda && search(read, ebda, ebda + 1024, out))
		return 0;
	return search(read, ACPI_BIOS_LO, ACPI_BIOS_HI, out) ? 0 : -ERR_NOENT;
}

/* The whole table at pa, if its header reads, its length is sane and its
 * checksum holds; sig (when not NULL) must match. A table that fails is
 * reported under `what`. */
static bool table_at(acpi_reader read, paddr_t pa, const char *sig, const char *what,
		     struct acpi_table *out)
{
	const uint8_t *h = read(pa, ACPI_HEADER_LEN);
	if (!h)
		return false;
	if (sig && memcmp(h, sig, 4))
		return false;
	uint32_t len = le32(h + 4);
	const uint8_t *all = len >= ACPI_HEADER_LEN && len <= TABLE_MAX_LEN ? read(pa, len) : NULL;
	if (!all) {
		kprintf("acpi: %s at %#lx: length %u is impossible; ignored\n", what, pa, len);
		return false;
	}
	if (!acpi_checksum_ok(all, len)) {
		kprintf("acpi: %s at %#lx: bad checksum; ignored\n", what, pa);
		return false;
	}
	*out = (struct acpi_table){ .pa = pa, .len = len, .bytes = all };
	return true;
}

/* The XSDT if it is valid, else the RSDT; *entry = 8 or 4 bytes. */
static bool root_table(acpi_reader read, const struct acpi_root *root, struct acpi_table *t,
		       unsigned *entry)
{
	*entry = 8;
	if (root->xsdt && table_at(read, root->xsdt, "XSDT", "XSDT", t))
		return true;
	if (root->xsdt)
		kprintf("acpi: using the RSDT instead of the XSDT\n");
	*entry = 4;
	return root->rsdt && table_at(read, root->rsdt, "RSDT", "RSDT", t);
}

int acpi_find_table(acpi_reader read, const struct acpi_root *root, const char *sig,
		    struct acpi_table *out)
{
	struct acpi_table sdt;
	unsigned entry;
	char what[5] = { sig[0], sig[1], sig[2], sig[3], '\0' };
	if (!root_table(read, root, &sdt, &entry)) {
		kprintf("acpi: neither the XSDT nor the RSDT is valid\n");
		return -ERR_INVAL;
	}
	for (uint32_t off = ACPI_HEADER_LEN; off + entry <= sdt.len; off += entry) {
		paddr_t pa = entry == 8 ? le64(sdt.bytes + off) : le32(sdt.bytes + off);
		if (table_at(read, pa, sig, what, out))
			return 0;
	}
	return -ERR_NOENT;
}
