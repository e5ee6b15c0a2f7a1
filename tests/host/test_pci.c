/*
 * test_pci.c - PCI configuration space, the bus-0 scan, BAR decoding and
 * sizing, MSI and stopping a device (kernel/arch/x86_64/pci.c), on the
 * host.
 *
 * The real source is included unchanged; x86.h's port instructions are
 * replaced by a model of configuration mechanism #1: 0xCF8 latches an
 * address, 0xCFC..0xCFF reach the selected dword of one function's 256
 * bytes. Each modelled function has BAR registers with writable address
 * bits (the rest read back as their type bits, as hardware does), so
 * sizing by writing all ones works as on a real bus; functions that are
 * not there read all ones. The model also notes a BAR probed (all ones
 * written) while its function's decoding was on - a bug the scan must
 * not have - and can make bus mastering or MSI refuse to clear.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

/* ---- the model of configuration space --------------------------------- */

struct fake_fn {
	bool present;
	uint8_t cfg[256];
	uint32_t bar_mask[6];       /* writable bits of each BAR register */
	bool stuck_master, stuck_msi;
	uint8_t msi_cap;
};

static struct fake_fn fns[256];     /* bus 0, by devfn */
static uint32_t latch;
static int probes_with_decode_on, bar_writes;

static struct fake_fn *selected(unsigned *off)
{
	if (!(latch & 0x80000000u) || ((latch >> 16) & 0xff) != 0)
		return NULL;
	*off = latch & 0xfc;
	struct fake_fn *f = &fns[(latch >> 8) & 0xff];
	return f->present ? f : NULL;
}

static uint32_t dword(const struct fake_fn *f, unsigned off)
{
	uint32_t v;
	memcpy(&v, &f->cfg[off], 4);
	return v;
}

static void write_dword(struct fake_fn *f, unsigned off, uint32_t v)
{
	memcpy(&f->cfg[off], &v, 4);
}

/* A BAR register takes only its writable bits; the others stay. */
static void bar_write(struct fake_fn *f, unsigned off, uint32_t v)
{
	unsigned i = (off - 0x10) / 4;
	uint32_t old = dword(f, off), mask = f->bar_mask[i];
	bar_writes++;
	if (v == 0xffffffffu && (dword(f, 0x04) & 0x3))
		probes_with_decode_on++;
	write_dword(f, off, (old & ~mask) | (v & mask));
}

static void cfg_write(unsigned port, unsigned width, uint32_t v)
{
	unsigned off;
	struct fake_fn *f = selected(&off);
	if (!f)
		return;
	off += port & 3;
	if (off >= 0x10 && off < 0x28 && width == 4) {
		bar_write(f, off, v);
		return;
	}
	uint32_t keep_master = f->stuck_master ? dword(f, 0x04) & 0x4 : 0;
	uint32_t keep_msi = f->stuck_msi && f->msi_cap ? f->cfg[f->msi_cap + 2] & 1 : 0;
	memcpy(&f->cfg[off], &v, width);
	f->cfg[0x04] |= (uint8_t)keep_master;
	if (f->msi_cap)
		f->cfg[f->msi_cap + 2] |= (uint8_t)keep_msi;
}

static uint32_t cfg_read(unsigned port, unsigned width)
{
	unsigned off;
	struct fake_fn *f = selected(&off);
	uint32_t v = 0xffffffffu;
	if (f)
		memcpy(&v, &f->cfg[off + (port & 3)], width);
	return width == 4 ? v : v & ((1u << (8 * width)) - 1);
}

#define ARCH_X86_H              /* replace x86.h: ports reach the model */
static inline void outb(uint16_t port, uint8_t v)  { cfg_write(port, 1, v); }
static inline void outw(uint16_t port, uint16_t v) { cfg_write(port, 2, v); }
static inline void outl(uint16_t port, uint32_t v)
{
	if (port == 0xcf8)
		latch = v;
	else
		cfg_write(port, 4, v);
}
static inline uint8_t inb(uint16_t port)   { return (uint8_t)cfg_read(port, 1); }
static inline uint16_t inw(uint16_t port)  { return (uint16_t)cfg_read(port, 2); }
static inline uint32_t inl(uint16_t port)  { return port == 0xcf8 ? latch : cfg_read(port, 4); }
#include "arch/x86_64/pci.c"

#define MSI_ADDRESS 0xfee01000u
uint32_t lapic_msi_address(void) { return MSI_ADDRESS; }
uint32_t lapic_msi_data(unsigned vector) { return vector; }

/* ---- building functions ------------------------------------------------ */

static struct fake_fn *add(unsigned slot, unsigned fn, uint16_t vendor, uint16_t device,
			   uint32_t class_code, uint8_t header)
{
	struct fake_fn *f = &fns[slot << 3 | fn];
	memset(f, 0, sizeof *f);
	f->present = true;
	memcpy(&f->cfg[0], &vendor, 2);
	memcpy(&f->cfg[2], &device, 2);
	write_dword(f, 0x08, class_code << 8 | 0x01);
	f->cfg[0x0e] = header;
	return f;
}

/* BAR i at base, size bytes; type = its read-only low bits. */
static void bar32(struct fake_fn *f, int i, uint32_t base, uint32_t size, uint32_t type)
{
	f->bar_mask[i] = ~(size - 1) & (type & 1 ? ~3u : ~0xfu);
	write_dword(f, 0x10 + 4 * i, base | type);
}

static void bar64(struct fake_fn *f, int i, uint64_t base, uint64_t size, uint32_t type)
{
	uint64_t mask = ~(size - 1);
	f->bar_mask[i] = (uint32_t)mask & ~0xfu;
	f->bar_mask[i + 1] = (uint32_t)(mask >> 32);
	write_dword(f, 0x10 + 4 * i, (uint32_t)base | 0x4 | type);
	write_dword(f, 0x14 + 4 * i, (uint32_t)(base >> 32));
}

static void capability(struct fake_fn *f, uint8_t at, uint8_t id, uint8_t next)
{
	f->cfg[0x06] |= 0x10;           /* status: capability list */
	if (!f->cfg[0x34])
		f->cfg[0x34] = at;
	f->cfg[at] = id;
	f->cfg[at + 1] = next;
}

static void msi(struct fake_fn *f, uint8_t at, uint16_t ctrl, uint8_t next)
{
	capability(f, at, 0x05, next);
	memcpy(&f->cfg[at + 2], &ctrl, 2);
	f->msi_cap = at;
}

static int reset(void **state)
{
	(void)state;
	memset(fns, 0, sizeof fns);
	latch = 0;
	probes_with_decode_on = bar_writes = 0;
	return 0;
}

/* ---- BAR decoding ---------------------------------------------------------- */

static void bar_decode_gives_a_32bit_memory_bar_the_size_of_its_lowest_sticking_bit(void **state)
{
	struct dev_bar b;
	assert_int_equal(pci_bar_decode(0xfea00000u, 0, 0xfff00000u, 0, &b), 1);
	assert_int_equal(b.base, 0xfea00000u);
	assert_int_equal(b.size, 1u << 20);
	assert_int_equal(b.flags, DEV_BAR_MEM);
	assert_int_equal(pci_bar_decode(0x80000008u, 0, 0x80000008u, 0, &b), 1);    /* 2 GiB, prefetchable */
	assert_int_equal(b.size, 1ULL << 31);
	assert_int_equal(b.flags, DEV_BAR_MEM | DEV_BAR_PREFETCH);
}

static void bar_decode_takes_two_slots_for_a_64bit_bar_and_its_upper_half(void **state)
{
	struct dev_bar b;
	assert_int_equal(pci_bar_decode(0x0000c00cu, 0x8u, 0xffffc00cu, 0xffffffffu, &b), 2);
	assert_int_equal(b.base, 0x80000c000ULL);
	assert_int_equal(b.size, 0x4000);
	assert_int_equal(b.flags, DEV_BAR_MEM | DEV_BAR_64 | DEV_BAR_PREFETCH);
	/* larger than 4 GiB: no low address bit sticks */
	assert_int_equal(pci_bar_decode(0x4u, 0x10u, 0x4u, 0xfffffffeu, &b), 2);
	assert_int_equal(b.size, 1ULL << 33);
	assert_int_equal(b.base, 0x1000000000ULL);
}

static void bar_decode_reads_io_bars_with_16_or_32_address_bits(void **state)
{
	struct dev_bar b;
	assert_int_equal(pci_bar_decode(0xc041u, 0, 0xffffffe1u, 0, &b), 1);
	assert_int_equal(b.base, 0xc040);
	assert_int_equal(b.size, 0x20);
	assert_int_equal(b.flags, DEV_BAR_IO);
	assert_int_equal(pci_bar_decode(0xc041u, 0, 0x0000ffe1u, 0, &b), 1);       /* 16-bit decoder */
	assert_int_equal(b.size, 0x20);
}

static void bar_decode_finds_no_bar_where_no_bit_sticks(void **state)
{
	struct dev_bar b;
	assert_int_equal(pci_bar_decode(0, 0, 0, 0, &b), 1);
	assert_int_equal(b.size, 0);
	assert_int_equal(b.flags, 0);
	assert_int_equal(pci_bar_decode(0x4u, 0, 0x4u, 0, &b), 2);     /* an empty 64-bit pair */
	assert_int_equal(b.size, 0);
	assert_int_equal(pci_bar_decode(0x1u, 0, 0x1u, 0, &b), 1);     /* an empty I/O BAR */
	assert_int_equal(b.size, 0);
}

/* ---- the scan ----------------------------------------------------------------- */

static void scan_lists_present_functions_and_follows_multifunction_only_when_flagged(void **state)
{
	struct pci_function out[8];
	add(0, 0, 0x8086, 0x29c0, 0x060000, 0);
	add(3, 0, 0x1234, 0x0001, 0x020000, 0);
	add(3, 1, 0x1234, 0x0002, 0x020000, 0);        /* not multifunction: never looked at */
	add(31, 0, 0x8086, 0x2918, 0x060100, PCI_HEADER_MULTI);
	add(31, 2, 0x8086, 0x2922, 0x010601, 0);
	add(31, 7, 0x8086, 0x2930, 0x0c0500, 0);
	assert_int_equal(pci_scan(out, 8), 5);
	assert_int_equal(out[0].bdf, DEV_BDF(0, 0, 0));
	assert_int_equal(out[1].bdf, DEV_BDF(0, 3, 0));
	assert_int_equal(out[2].bdf, DEV_BDF(0, 31, 0));
	assert_int_equal(out[3].bdf, DEV_BDF(0, 31, 2));
	assert_int_equal(out[4].bdf, DEV_BDF(0, 31, 7));
	assert_int_equal(out[1].vendor, 0x1234);
	assert_int_equal(out[1].device, 0x0001);
	assert_int_equal(out[4].class_code, 0x0c0500);
	assert_int_equal(pci_scan(out, 2), 2);         /* a full table stops the scan */
}

static void scan_sizes_bars_with_decoding_off_and_restores_every_register(void **state)
{
	struct pci_function out[1];
	struct fake_fn *f = add(4, 0, 0x1234, 0x11e8, 0x00ff00, 0);
	bar32(f, 0, 0xfea00000u, 1u << 20, 0);
	bar64(f, 2, 0x800000000ULL, 0x4000, 0x8);
	bar32(f, 4, 0xc040, 0x20, 0x1);
	write_dword(f, 0x04, PCI_CMD_MEMORY | PCI_CMD_IO | PCI_CMD_MASTER);
	uint8_t before[256];
	memcpy(before, f->cfg, sizeof before);
	assert_int_equal(pci_scan(out, 1), 1);
	assert_int_equal(probes_with_decode_on, 0);
	assert_true(bar_writes > 0);
	assert_memory_equal(f->cfg, before, sizeof before);     /* BARs and command as they were */
	const struct dev_bar *b = out[0].bar;
	assert_int_equal(b[0].base, 0xfea00000u);
	assert_int_equal(b[0].size, 1u << 20);
	assert_int_equal(b[1].size, 0);
	assert_int_equal(b[2].base, 0x800000000ULL);
	assert_int_equal(b[2].size, 0x4000);
	assert_int_equal(b[2].flags, DEV_BAR_MEM | DEV_BAR_64 | DEV_BAR_PREFETCH);
	assert_int_equal(b[3].size, 0);                 /* the upper half */
	assert_int_equal(b[3].flags, 0);
	assert_int_equal(b[4].flags, DEV_BAR_IO);
	assert_int_equal(b[4].size, 0x20);
	assert_int_equal(b[5].size, 0);
}

static void scan_gives_a_bridge_no_bars_and_never_probes_them(void **state)
{
	struct pci_function out[1];
	struct fake_fn *f = add(1, 0, 0x8086, 0x1111, 0x060400, 1);
	bar32(f, 0, 0xfe000000u, 1u << 20, 0);
	assert_int_equal(pci_scan(out, 1), 1);
	assert_int_equal(bar_writes, 0);
	for (int i = 0; i < DEV_BARS; i++)
		assert_int_equal(out[0].bar[i].size, 0);
}

static void scan_finds_the_msi_capability_and_its_length_in_the_list(void **state)
{
	struct pci_function out[4];
	struct fake_fn *a = add(0, 0, 0x1, 0x1, 0, 0);
	capability(a, 0x40, 0x01, 0x50);                /* power management first */
	msi(a, 0x50, PCI_MSI_64BIT | PCI_MSI_MASKABLE, 0);
	struct fake_fn *b = add(1, 0, 0x1, 0x2, 0, 0);
	msi(b, 0x40, 0, 0);                             /* 32-bit, no masking */
	struct fake_fn *c = add(2, 0, 0x1, 0x3, 0, 0);
	capability(c, 0x40, 0x01, 0x40);                /* a list that loops, no MSI */
	struct fake_fn *d = add(3, 0, 0x1, 0x4, 0, 0);
	d->cfg[0x34] = 0x40;                            /* a pointer, but no capability list */
	d->cfg[0x40] = 0x05;
	assert_int_equal(pci_scan(out, 4), 4);
	assert_int_equal(out[0].msi_cap, 0x50);
	assert_int_equal(out[0].msi_len, 24);
	assert_int_equal(out[1].msi_cap, 0x40);
	assert_int_equal(out[1].msi_len, 10);
	assert_int_equal(out[2].msi_cap, 0);
	assert_int_equal(out[3].msi_cap, 0);
}

/* ---- MSI and stopping ------------------------------------------------------------ */

static uint32_t cfg32(const struct fake_fn *f, unsigned off) { return dword(f, off); }
static uint16_t cfg16(const struct fake_fn *f, unsigned off)
{
	uint16_t v;
	memcpy(&v, &f->cfg[off], 2);
	return v;
}

static void msi_program_writes_the_apic_address_and_the_vector_then_enables(void **state)
{
	struct fake_fn *f = add(4, 0, 0x1234, 0x11e8, 0, 0);
	msi(f, 0x40, PCI_MSI_64BIT | 0x0070, 0);        /* 64-bit, multiple messages enabled */
	write_dword(f, 0x48, 0xdeadbeef);
	struct fake_fn *g = add(5, 0, 0x1234, 0x11e8, 0, 0);
	msi(g, 0x40, 0, 0);
	pci_msi_program(DEV_BDF(0, 4, 0), 0x40, 48);
	assert_int_equal(cfg32(f, 0x44), MSI_ADDRESS);
	assert_int_equal(cfg32(f, 0x48), 0);            /* the upper half of the address */
	assert_int_equal(cfg16(f, 0x4c), 48);
	assert_int_equal(cfg16(f, 0x42), PCI_MSI_64BIT | PCI_MSI_ENABLE);   /* one message */
	pci_msi_program(DEV_BDF(0, 5, 0), 0x40, 62);
	assert_int_equal(cfg32(g, 0x44), MSI_ADDRESS);
	assert_int_equal(cfg16(g, 0x48), 62);
	assert_int_equal(cfg16(g, 0x42), PCI_MSI_ENABLE);
	pci_msi_disable(DEV_BDF(0, 5, 0), 0x40);
	assert_int_equal(cfg16(g, 0x42), 0);
}

static void stop_turns_bus_mastering_and_msi_off_and_says_when_it_cannot(void **state)
{
	struct fake_fn *f = add(4, 0, 0x1234, 0x11e8, 0, 0);
	msi(f, 0x40, PCI_MSI_ENABLE, 0);
	write_dword(f, 0x04, PCI_CMD_MEMORY | PCI_CMD_MASTER);
	assert_true(pci_stop(DEV_BDF(0, 4, 0), 0x40));
	assert_int_equal(cfg16(f, 0x04), PCI_CMD_MEMORY);       /* decoding stays */
	assert_int_equal(cfg16(f, 0x42) & PCI_MSI_ENABLE, 0);
	f->stuck_master = true;
	f->cfg[0x04] |= PCI_CMD_MASTER;
	assert_false(pci_stop(DEV_BDF(0, 4, 0), 0x40));
	f->stuck_master = false;
	f->stuck_msi = true;
	f->cfg[0x42] |= PCI_MSI_ENABLE;
	assert_false(pci_stop(DEV_BDF(0, 4, 0), 0x40));
	assert_true(pci_stop(DEV_BDF(0, 4, 0), 0));             /* without MSI, only bus mastering */
	f->present = false;                                     /* it no longer answers */
	assert_false(pci_stop(DEV_BDF(0, 4, 0), 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(bar_decode_gives_a_32bit_memory_bar_the_size_of_its_lowest_sticking_bit, reset),
		cmocka_unit_test_setup(bar_decode_takes_two_slots_for_a_64bit_bar_and_its_upper_half, reset),
		cmocka_unit_test_setup(bar_decode_reads_io_bars_with_16_or_32_address_bits, reset),
		cmocka_unit_test_setup(bar_decode_finds_no_bar_where_no_bit_sticks, reset),
		cmocka_unit_test_setup(scan_lists_present_functions_and_follows_multifunction_only_when_flagged, reset),
		cmocka_unit_test_setup(scan_sizes_bars_with_decoding_off_and_restores_every_register, reset),
		cmocka_unit_test_setup(scan_gives_a_bridge_no_bars_and_never_probes_them, reset),
		cmocka_unit_test_setup(scan_finds_the_msi_capability_and_its_length_in_the_list, reset),
		cmocka_unit_test_setup(msi_program_writes_the_apic_address_and_the_vector_then_enables, reset),
		cmocka_unit_test_setup(stop_turns_bus_mastering_and_msi_off_and_says_when_it_cannot, reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
