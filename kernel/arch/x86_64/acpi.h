/*
 * acpi.h - finding ACPI tables: the RSDP, the RSDT or XSDT, and one table
 * by its signature (acpi.c). Pure code: memory is read through a reader,
 * so the host tests run it over hand-built tables.
 *
 * Layouts (ACPI 6.5, sections 5.2.5 - 5.2.8):
 *   RSDP  "RSD PTR " (8), checksum (1: the first 20 bytes sum to 0), OEM
 *         id (6), revision (1: 0 = ACPI 1.0, RSDT only; 2 = XSDT too),
 *         RSDT address (u32 at 16); from revision 2: length (u32 at 20),
 *         XSDT address (u64 at 24), extended checksum (1 at 32: all
 *         `length` bytes sum to 0).
 *   SDT   header of 36 bytes: signature (4), length (u32 at 4, the whole
 *         table), revision (1), checksum (1: the whole table sums to 0),
 *         OEM ids and revisions; the RSDT then holds u32 table addresses,
 *         the XSDT u64 ones.
 */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <pagoda/types.h>

#define ACPI_HEADER_LEN 36
#define ACPI_EBDA_PTR   0x40eu          /* BIOS data area: EBDA segment (u16) */
#define ACPI_BIOS_LO    0xe0000u        /* the BIOS read-only area searched */
#define ACPI_BIOS_HI    0x100000u

/* A pointer to [pa, pa + len) of physical memory, or NULL when that
 * range cannot be read. */
typedef const void *(*acpi_reader)(paddr_t pa, size_t len);

struct acpi_root {
	paddr_t rsdp;           /* where the RSDP was found */
	unsigned revision;      /* the RSDP's revision */
	paddr_t rsdt;           /* 0 if none */
	paddr_t xsdt;           /* 0 if none (revision < 2 or a bad extended checksum) */
};

/* One table found by acpi_find_table. */
struct acpi_table {
	paddr_t pa;
	uint32_t len;           /* from its header; checked against the checksum */
	const uint8_t *bytes;   /* len bytes, from the reader */
};

/* Search the EBDA's first KiB and then the BIOS area for a valid RSDP.
 * 0, or -ERR_NOENT. Every candidate with a bad checksum is reported. */
int acpi_find_rsdp(acpi_reader read, struct acpi_root *out);

/* Find the first valid table with signature sig (4 characters) listed by
 * the XSDT (when there is a valid one) or else the RSDT. 0, or
 * -ERR_NOENT (none, or only bad ones: each is reported and ignored),
 * -ERR_INVAL (neither the XSDT nor the RSDT is valid). */
int acpi_find_table(acpi_reader read, const struct acpi_root *root, const char *sig,
		    struct acpi_table *out);

/* The bytes of p[0..len) sum to 0 (mod 256). */
bool acpi_checksum_ok(const uint8_t *p, size_t len);

#endif
