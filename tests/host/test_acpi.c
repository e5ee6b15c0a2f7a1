/*
 * test_acpi.c - finding the DMAR table and parsing it
 * (kernel/arch/x86_64/acpi.c, dmar.c), compiled unchanged against
 * tests/host/kstubs.c, over hand-built firmware tables.
 *
 * "Physical memory" is phys[] (2 MiB): the BIOS data area, the EBDA at
 * 0x9fc00, the F-segment, and tables at 0x100000 up. The builders below
 * lay out RSDPs, RSDTs, XSDTs and DMARs from the ACPI 6.5 and VT-d 4.1
 * layouts (not from acpi.c), with correct checksums unless a test breaks
 * one. Every refusal is checked against the exact message kstubs
 * captured, and a refused table must leave nothing behind.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "kernel.h"
#include "arch/x86_64/acpi.h"
#include "arch/x86_64/dmar.h"
#include "kstubs.h"

#define PHYS_SIZE   0x200000u
#define EBDA        0x9fc00u
#define FSEG_RSDP   0xf5a40u
#define RSDT_PA     0x100000u
#define XSDT_PA     0x101000u
#define DMAR_PA     0x102000u
#define OTHER_PA    0x104000u

static uint8_t phys[PHYS_SIZE];

static const void *read_phys(paddr_t pa, size_t len)
{
	return pa < PHYS_SIZE && len <= PHYS_SIZE - pa ? &phys[pa] : NULL;
}

static void w16(paddr_t pa, uint16_t v) { memcpy(&phys[pa], &v, 2); }
static void w32(paddr_t pa, uint32_t v) { memcpy(&phys[pa], &v, 4); }
static void w64(paddr_t pa, uint64_t v) { memcpy(&phys[pa], &v, 8); }

/* Set the byte at pa + at so that [pa, pa + len) sums to 0. */
static void fix_sum(paddr_t pa, size_t len, size_t at)
{
	uint8_t sum = 0;
	phys[pa + at] = 0;
	for (size_t i = 0; i < len; i++)
		sum = (uint8_t)(sum + phys[pa + i]);
	phys[pa + at] = (uint8_t)-sum;
}

static void put_rsdp(paddr_t pa, unsigned rev, uint32_t rsdt, uint64_t xsdt)
{
	memcpy(&phys[pa], "RSD PTR ", 8);
	memcpy(&phys[pa + 9], "BOCHS ", 6);
	phys[pa + 15] = (uint8_t)rev;
	w32(pa + 16, rsdt);
	fix_sum(pa, 20, 8);
	if (rev < 2)
		return;
	w32(pa + 20, 36);
	w64(pa + 24, xsdt);
	fix_sum(pa, 36, 32);
}

static void header(paddr_t pa, const char *sig, uint32_t len)
{
	memcpy(&phys[pa], sig, 4);
	w32(pa + 4, len);
	phys[pa + 8] = 1;
	memcpy(&phys[pa + 10], "BOCHS ", 6);
	fix_sum(pa, len, 9);
}

/* An RSDT (entry 4) or XSDT (entry 8) listing n tables. */
static void put_sdt(paddr_t pa, const char *sig, unsigned entry, const paddr_t *tables, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (entry == 4)
			w32(pa + 36 + 4 * i, (uint32_t)tables[i]);
		else
			w64(pa + 36 + 8 * i, tables[i]);
	}
	header(pa, sig, 36 + entry * n);
}

/* ---- DMAR builder: header, then structures appended at dmar_len ---- */

static uint32_t dmar_len;

static void dmar_begin(unsigned haw, uint8_t flags)
{
	dmar_len = 48;
	phys[DMAR_PA + 36] = (uint8_t)(haw - 1);
	phys[DMAR_PA + 37] = flags;
}

/* A DRHD with no scopes yet; returns its offset. */
static uint32_t drhd(uint8_t flags, uint64_t base)
{
	uint32_t off = dmar_len;
	w16(DMAR_PA + off, DMAR_TYPE_DRHD);
	w16(DMAR_PA + off + 2, 16);
	phys[DMAR_PA + off + 4] = flags;
	w16(DMAR_PA + off + 6, 0);
	w64(DMAR_PA + off + 8, base);
	dmar_len += 16;
	return off;
}

/* A scope of one hop (or none) added to the DRHD at off (the last one). */
static void scope(uint32_t off, uint8_t type, uint8_t id, uint8_t bus, int dev, int fn)
{
	uint8_t len = dev < 0 ? 6 : 8;
	paddr_t s = DMAR_PA + dmar_len;
	phys[s] = type;
	phys[s + 1] = len;
	phys[s + 4] = id;
	phys[s + 5] = bus;
	if (dev >= 0) {
		phys[s + 6] = (uint8_t)dev;
		phys[s + 7] = (uint8_t)fn;
	}
	dmar_len += len;
	w16(DMAR_PA + off + 2, (uint16_t)(dmar_len - off));
}

static void other_struct(uint16_t type, uint16_t len)
{
	w16(DMAR_PA + dmar_len, type);
	w16(DMAR_PA + dmar_len + 2, len);
	dmar_len += len;
}

static void dmar_end(void)
{
	header(DMAR_PA, "DMAR", dmar_len);
}

/* What QEMU 7.2's q35 with intel-iommu and edu at 04.0 lists. */
static void qemu_dmar(void)
{
	dmar_begin(39, DMAR_FLAG_INTR_REMAP);
	uint32_t u = drhd(0, 0xfed90000);
	scope(u, SCOPE_IOAPIC, 0, 0xff, 0, 0);
	const int devs[][2] = { { 0, 0 }, { 1, 0 }, { 2, 0 }, { 4, 0 }, { 0x1f, 0 }, { 0x1f, 2 }, { 0x1f, 3 } };
	for (unsigned i = 0; i < sizeof devs / sizeof devs[0]; i++)
		scope(u, SCOPE_ENDPOINT, 0, 0, devs[i][0], devs[i][1]);
	dmar_end();
}

/* SeaBIOS's layout: a revision 0 RSDP in the F-segment, an RSDT listing
 * some other table and the DMAR. */
static void seabios(void)
{
	header(OTHER_PA, "APIC", 44);
	qemu_dmar();
	put_sdt(RSDT_PA, "RSDT", 4, (paddr_t[]){ OTHER_PA, DMAR_PA }, 2);
	put_rsdp(FSEG_RSDP, 0, RSDT_PA, 0);
}

static int setup(void **state)
{
	memset(phys, 0, sizeof phys);
	kstub_log_clear();
	return 0;
}

static struct acpi_root root;
static struct acpi_table table;
static struct dmar_info info;

static int find_dmar(void)
{
	int err = acpi_find_rsdp(read_phys, &root);
	return err < 0 ? err : acpi_find_table(read_phys, &root, "DMAR", &table);
}

static unsigned bdf(unsigned bus, unsigned dev, unsigned fn)
{
	return bus << 8 | dev << 3 | fn;
}

/* ---- finding the tables ---- */

static void acpi_seabios_rsdp_in_the_f_segment_leads_to_the_dmar(void **state)
{
	seabios();
	assert_int_equal(find_dmar(), 0);
	assert_int_equal(root.rsdp, FSEG_RSDP);
	assert_int_equal(root.revision, 0);
	assert_int_equal(root.rsdt, RSDT_PA);
	assert_int_equal(root.xsdt, 0);
	assert_int_equal(table.pa, DMAR_PA);
	assert_int_equal(table.len, dmar_len);
	assert_ptr_equal(table.bytes, &phys[DMAR_PA]);
	assert_string_equal(kstub_log, "");
}

static void acpi_rsdp_in_the_ebda_comes_first(void **state)
{
	seabios();
	w16(ACPI_EBDA_PTR, EBDA >> 4);
	put_rsdp(EBDA + 0x30, 0, RSDT_PA, 0);
	assert_int_equal(acpi_find_rsdp(read_phys, &root), 0);
	assert_int_equal(root.rsdp, EBDA + 0x30);
}

static void acpi_rsdp_with_a_bad_checksum_is_reported_and_skipped(void **state)
{
	seabios();
	put_rsdp(0xe0000, 0, 0xdead0000, 0);
	phys[0xe0000 + 8]++;
	assert_int_equal(find_dmar(), 0);
	assert_int_equal(root.rsdp, FSEG_RSDP);
	assert_int_equal(kstub_log_count_line("acpi: RSDP at 0xe0000: bad checksum; skipped"), 1);
}

static void acpi_rsdp_off_a_16_byte_boundary_is_not_found(void **state)
{
	put_rsdp(FSEG_RSDP + 4, 0, RSDT_PA, 0);
	assert_int_equal(acpi_find_rsdp(read_phys, &root), -ERR_NOENT);
}

static void acpi_no_rsdp_anywhere_is_noent(void **state)
{
	assert_int_equal(acpi_find_rsdp(read_phys, &root), -ERR_NOENT);
	assert_string_equal(kstub_log, "");
}

static void acpi_revision_2_finds_the_dmar_through_the_xsdt(void **state)
{
	qemu_dmar();
	put_sdt(RSDT_PA, "RSDT", 4, (paddr_t[]){ OTHER_PA }, 1);     /* not listed here */
	put_sdt(XSDT_PA, "XSDT", 8, (paddr_t[]){ DMAR_PA }, 1);
	header(OTHER_PA, "APIC", 44);
	put_rsdp(FSEG_RSDP, 2, RSDT_PA, XSDT_PA);
	assert_int_equal(find_dmar(), 0);
	assert_int_equal(root.xsdt, XSDT_PA);
	assert_int_equal(table.pa, DMAR_PA);
}

static void acpi_xsdt_with_a_bad_checksum_falls_back_to_the_rsdt(void **state)
{
	seabios();
	put_sdt(XSDT_PA, "XSDT", 8, (paddr_t[]){ OTHER_PA }, 1);
	phys[XSDT_PA + 20]++;
	put_rsdp(FSEG_RSDP, 2, RSDT_PA, XSDT_PA);
	assert_int_equal(find_dmar(), 0);
	assert_int_equal(table.pa, DMAR_PA);
	assert_int_equal(kstub_log_count_line("acpi: XSDT at 0x101000: bad checksum; ignored"), 1);
	assert_int_equal(kstub_log_count_line("acpi: using the RSDT instead of the XSDT"), 1);
}

static void acpi_rsdp_with_a_bad_extended_checksum_keeps_only_its_rsdt(void **state)
{
	seabios();
	put_sdt(XSDT_PA, "XSDT", 8, (paddr_t[]){ OTHER_PA }, 1);
	put_rsdp(FSEG_RSDP, 2, RSDT_PA, XSDT_PA);
	phys[FSEG_RSDP + 33]++;                 /* reserved byte: only the extended sum breaks */
	assert_int_equal(find_dmar(), 0);
	assert_int_equal(root.xsdt, 0);
	assert_int_equal(table.pa, DMAR_PA);
	assert_int_equal(kstub_log_count_line("acpi: RSDP at 0xf5a40: bad extended checksum or "
					      "length; using the RSDT"), 1);
}

static void acpi_dmar_with_a_bad_checksum_is_reported_and_ignored(void **state)
{
	seabios();
	phys[DMAR_PA + 60]++;
	assert_int_equal(find_dmar(), -ERR_NOENT);
	assert_int_equal(kstub_log_count_line("acpi: DMAR at 0x102000: bad checksum; ignored"), 1);
}

static void acpi_no_dmar_listed_is_noent(void **state)
{
	header(OTHER_PA, "APIC", 44);
	put_sdt(RSDT_PA, "RSDT", 4, (paddr_t[]){ OTHER_PA }, 1);
	put_rsdp(FSEG_RSDP, 0, RSDT_PA, 0);
	assert_int_equal(find_dmar(), -ERR_NOENT);
	assert_string_equal(kstub_log, "");
}

static void acpi_table_longer_than_readable_memory_is_ignored(void **state)
{
	seabios();
	w32(DMAR_PA + 4, PHYS_SIZE);            /* runs past the end of memory */
	assert_int_equal(find_dmar(), -ERR_NOENT);
	assert_int_equal(kstub_log_count_line("acpi: DMAR at 0x102000: length 2097152 is "
					      "impossible; ignored"), 1);
}

static void acpi_table_listed_beyond_memory_is_skipped(void **state)
{
	qemu_dmar();
	put_sdt(RSDT_PA, "RSDT", 4, (paddr_t[]){ 0xfffff000, DMAR_PA }, 2);
	put_rsdp(FSEG_RSDP, 0, RSDT_PA, 0);
	assert_int_equal(find_dmar(), 0);
	assert_int_equal(table.pa, DMAR_PA);
}

static void acpi_bad_rsdt_is_invalid(void **state)
{
	seabios();
	phys[RSDT_PA + 30]++;
	assert_int_equal(find_dmar(), -ERR_INVAL);
	assert_int_equal(kstub_log_count_line("acpi: RSDT at 0x100000: bad checksum; ignored"), 1);
	assert_int_equal(kstub_log_count_line("acpi: neither the XSDT nor the RSDT is valid"), 1);
}

/* ---- parsing the DMAR ---- */

static int parse(void)
{
	return dmar_parse(&phys[DMAR_PA], dmar_len, &info);
}

static void dmar_qemu_table_lists_one_unit_and_its_devices(void **state)
{
	qemu_dmar();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.haw, 39);
	assert_int_equal(info.flags, DMAR_FLAG_INTR_REMAP);
	assert_int_equal(info.nunits, 1);
	assert_int_equal(info.units[0].base, 0xfed90000);
	assert_int_equal(info.units[0].flags, 0);
	assert_int_equal(info.units[0].nscopes, 8);
	assert_int_equal(info.units[0].scopes[0].type, SCOPE_IOAPIC);
	assert_int_equal(info.units[0].scopes[4].type, SCOPE_ENDPOINT);
	assert_int_equal(info.units[0].scopes[4].dev, 4);
	assert_int_equal(info.units[0].scopes[4].hops, 1);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 4, 0)), 0);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 0x1f, 3)), 0);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 4, 1)), -1);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 5, 0)), -1);
	assert_int_equal(dmar_unit_for(&info, bdf(1, 4, 0)), -1);
	assert_string_equal(kstub_log, "");
}

static void dmar_include_pci_all_covers_what_no_other_unit_names(void **state)
{
	dmar_begin(48, 0);
	uint32_t a = drhd(0, 0xfed91000);
	scope(a, SCOPE_ENDPOINT, 0, 0, 2, 0);
	drhd(DRHD_INCLUDE_PCI_ALL, 0xfed90000);
	dmar_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.haw, 48);
	assert_int_equal(info.nunits, 2);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 2, 0)), 0);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 3, 0)), 1);
	assert_int_equal(dmar_unit_for(&info, bdf(7, 0, 0)), 1);
}

static void dmar_bridge_scope_turns_include_pci_all_off(void **state)
{
	dmar_begin(39, 0);
	uint32_t a = drhd(0, 0xfed91000);
	scope(a, SCOPE_BRIDGE, 0, 0, 0x1c, 0);
	uint32_t b = drhd(DRHD_INCLUDE_PCI_ALL, 0xfed90000);
	scope(b, SCOPE_ENDPOINT, 0, 0, 4, 0);
	dmar_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 4, 0)), 1);   /* named: still covered */
	assert_int_equal(dmar_unit_for(&info, bdf(2, 0, 0)), -1);  /* maybe behind the bridge */
}

static void dmar_other_structures_are_counted_and_skipped(void **state)
{
	dmar_begin(39, 0);
	other_struct(DMAR_TYPE_RMRR, 24);
	uint32_t u = drhd(0, 0xfed90000);
	scope(u, SCOPE_ENDPOINT, 0, 0, 4, 0);
	other_struct(2, 8);
	dmar_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nunits, 1);
	assert_int_equal(info.rmrr, 1);
	assert_int_equal(info.others, 1);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 4, 0)), 0);
}

/* A malformed table is refused whole, with its message, and leaves no unit. */
static void assert_refused(const char *line)
{
	memset(&info, 0x5a, sizeof info);
	assert_int_equal(parse(), -ERR_INVAL);
	assert_int_equal(info.nunits, 0);
	assert_int_equal(dmar_unit_for(&info, bdf(0, 4, 0)), -1);
	assert_int_equal(kstub_log_count_line(line), 1);
}

static void dmar_structure_past_the_end_refuses_the_table(void **state)
{
	qemu_dmar();
	w16(DMAR_PA + 48 + 2, (uint16_t)(dmar_len - 48 + 8));   /* the DRHD claims more */
	assert_refused("dmar: structure at offset 48 runs past the end of the table; the "
		       "table is not used");
}

static void dmar_truncated_header_of_a_structure_refuses_the_table(void **state)
{
	qemu_dmar();
	dmar_len += 2;                              /* two stray bytes at the end */
	assert_refused("dmar: structure at offset 128 has no room for its type and length; "
		       "the table is not used");
}

static void dmar_zero_length_structure_refuses_the_table(void **state)
{
	dmar_begin(39, 0);
	other_struct(7, 8);
	dmar_end();
	w16(DMAR_PA + 48 + 2, 0);
	assert_refused("dmar: structure at offset 48 runs past the end of the table; the "
		       "table is not used");
}

static void dmar_scope_past_its_unit_refuses_the_table(void **state)
{
	dmar_begin(39, 0);
	uint32_t u = drhd(0, 0xfed90000);
	scope(u, SCOPE_ENDPOINT, 0, 0, 4, 0);
	phys[DMAR_PA + u + 16 + 1] = 10;            /* the scope claims 10 bytes of 8 */
	dmar_end();
	assert_refused("dmar: structure at offset 48 is a malformed DRHD (unit); the table "
		       "is not used");
}

static void dmar_unaligned_register_base_refuses_the_table(void **state)
{
	dmar_begin(39, 0);
	drhd(0, 0xfed90800);
	dmar_end();
	assert_refused("dmar: structure at offset 48 is a malformed DRHD (unit); the table "
		       "is not used");
}

static void dmar_header_shorter_than_48_bytes_is_refused(void **state)
{
	qemu_dmar();
	dmar_len = 40;
	assert_refused("dmar: structure at offset 0 is not a DMAR header of 48 bytes; the "
		       "table is not used");
}

static void dmar_more_units_than_supported_are_reported_and_left_out(void **state)
{
	dmar_begin(39, 0);
	for (unsigned i = 0; i <= DMAR_UNITS_MAX; i++)
		scope(drhd(0, 0xfed90000 + i * 0x1000), SCOPE_ENDPOINT, 0, 0, (int)i, 0);
	dmar_end();
	assert_int_equal(parse(), 0);
	assert_int_equal(info.nunits, DMAR_UNITS_MAX);
	assert_int_equal(dmar_unit_for(&info, bdf(0, DMAR_UNITS_MAX, 0)), -1);
	assert_int_equal(kstub_log_count_line("dmar: more than 4 remapping units; the unit at "
					      "0xfed94000 is not used"), 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(acpi_seabios_rsdp_in_the_f_segment_leads_to_the_dmar),
		T(acpi_rsdp_in_the_ebda_comes_first),
		T(acpi_rsdp_with_a_bad_checksum_is_reported_and_skipped),
		T(acpi_rsdp_off_a_16_byte_boundary_is_not_found),
		T(acpi_no_rsdp_anywhere_is_noent),
		T(acpi_revision_2_finds_the_dmar_through_the_xsdt),
		T(acpi_xsdt_with_a_bad_checksum_falls_back_to_the_rsdt),
		T(acpi_rsdp_with_a_bad_extended_checksum_keeps_only_its_rsdt),
		T(acpi_dmar_with_a_bad_checksum_is_reported_and_ignored),
		T(acpi_no_dmar_listed_is_noent),
		T(acpi_table_longer_than_readable_memory_is_ignored),
		T(acpi_table_listed_beyond_memory_is_skipped),
		T(acpi_bad_rsdt_is_invalid),
		T(dmar_qemu_table_lists_one_unit_and_its_devices),
		T(dmar_include_pci_all_covers_what_no_other_unit_names),
		T(dmar_bridge_scope_turns_include_pci_all_off),
		T(dmar_other_structures_are_counted_and_skipped),
		T(dmar_structure_past_the_end_refuses_the_table),
		T(dmar_truncated_header_of_a_structure_refuses_the_table),
		T(dmar_zero_length_structure_refuses_the_table),
		T(dmar_scope_past_its_unit_refuses_the_table),
		T(dmar_unaligned_register_base_refuses_the_table),
		T(dmar_header_shorter_than_48_bytes_is_refused),
		T(dmar_more_units_than_supported_are_reported_and_left_out),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
