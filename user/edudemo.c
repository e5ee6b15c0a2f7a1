/*
 * edudemo - a client of the edu driver (pagoda/edu.h): finds the driver
 * through the memory server (MM_DEV_OPEN by vendor and device id), then
 * asks it to identify the device, to compute factorials with the
 * device's factorial unit (each one answered through the device's
 * interrupt) and to check the liveness register, and prints every
 * answer:
 *
 *   edudemo: driver pid 4 for 00:04.0: id 0x010000ed (edu v1.0), MSI vector 48
 *   edudemo: 10! = 3628800 (the driver has handled 1 interrupts)
 *   edudemo: liveness 0x12345678 -> 0xedcba987: alive
 *
 * and then moves data through the device's DMA engine and back, each of
 * the three ways the driver has (docs/dma.md): a grant the driver shares
 * with it (the bytes are DMAed where edudemo wrote them), the driver's own
 * buffer mapped for streaming (bounced where it lies beyond the device's
 * 28-bit reach), and two buffers of the driver's DMA pool:
 *
 *   edudemo: DMA buffer of 4000 bytes at bus 0x0fc3e000 (zone DMA32, below 256 MiB)
 *   edudemo: DMA through the grant: 4000 bytes to the device and back: verified
 *   edudemo: DMA through a streaming mapping: 4000 bytes (bus 0x0fc40000 out,
 *            0x0fc40000 back, 2 pages bounced): verified
 *   edudemo: DMA through the pool: 40 bytes (buffers at bus 0x0fc00000 and 0x0fc00040): verified
 *
 * (make run's 640 MiB: the driver's page lies above edu's 256 MiB, so the
 * streaming mapping bounces, a page each way)
 *
 * Arguments: the numbers whose factorials to ask for (default 5 10 12).
 * Exit status 0 when every answer was right (n! checked against its own
 * computation, one more interrupt per factorial after the first, the
 * complement back from the liveness register, every DMA byte back as it
 * went, checked by edudemo itself and by the driver), 1 otherwise.
 */
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/edu.h>
#include <pagoda/about.h>

PAGODA_ABOUT("asks the edu driver for factorials and liveness, prints the answers");

static int failures;

static int call(int driver, struct ipc_msg *m)
{
	int err = ipc_call(driver, m);
	return err < 0 ? err : (int)m->tag;
}

static int identify(int driver, uint16_t bdf)
{
	struct ipc_msg m = { .tag = EDU_IDENTIFY };
	int err = call(driver, &m);
	if (err < 0) {
		printf("edudemo: EDU_IDENTIFY failed: %s\n", pagoda_strerror(err));
		return err;
	}
	printf("edudemo: driver pid %d for %02x:%02x.%x: id 0x%08llx (edu v%llu.%llu), MSI vector %llu\n",
	       driver, bdf >> 8, (bdf >> 3) & 0x1f, bdf & 7, (unsigned long long)m.w[0],
	       (unsigned long long)(m.w[0] >> 24), (unsigned long long)((m.w[0] >> 16) & 0xff),
	       (unsigned long long)m.w[2]);
	return 0;
}

static uint64_t expected_factorial(unsigned n)
{
	uint64_t f = 1;
	for (unsigned i = 2; i <= n; i++)
		f *= i;
	return f;
}

/* One factorial; *irqs is the driver's interrupt count before (0: not
 * known yet, the first call), then after. */
static void factorial(int driver, unsigned n, uint64_t *irqs)
{
	struct ipc_msg m = { .tag = EDU_FACTORIAL, .w = { n } };
	int err = call(driver, &m);
	if (err < 0) {
		printf("edudemo: %u! failed: %s\n", n, pagoda_strerror(err));
		failures++;
		return;
	}
	bool right = m.w[0] == expected_factorial(n);
	bool one_more = *irqs ? m.w[1] == *irqs + 1 : m.w[1] >= 1;
	printf("edudemo: %u! = %llu (the driver has handled %llu interrupts)%s\n", n,
	       (unsigned long long)m.w[0], (unsigned long long)m.w[1],
	       right && one_more ? "" : right ? "  UNEXPECTED interrupt count" : "  WRONG");
	failures += !(right && one_more);
	*irqs = m.w[1];
}

static void liveness(int driver, uint32_t value)
{
	struct ipc_msg m = { .tag = EDU_LIVENESS, .w = { value } };
	int err = call(driver, &m);
	if (err < 0) {
		printf("edudemo: liveness failed: %s\n", pagoda_strerror(err));
		failures++;
		return;
	}
	printf("edudemo: liveness 0x%08x -> 0x%08llx: %s\n", (unsigned)value,
	       (unsigned long long)m.w[0], m.w[1] ? "alive" : "WRONG");
	failures += !m.w[1] || m.w[0] != (uint32_t)~value;
}

#define DMA_BYTES 4000

static const char *const zone_name[3] = { "DMA", "DMA32", "NORMAL" };

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		buf[i] = (uint8_t)(i * 31 + seed);
}

static bool holds(const uint8_t *buf, size_t len, unsigned seed)
{
	for (size_t i = 0; i < len; i++)
		if (buf[i] != (uint8_t)(i * 31 + seed))
			return false;
	return true;
}

/* One round trip of the grant's bytes, how = EDU_DMA_VIA_*: true if both
 * the driver and edudemo saw them come back as they went. */
static bool roundtrip(int driver, uint64_t handle, uint8_t *buf, unsigned how, unsigned seed,
		      struct ipc_msg *m)
{
	fill(buf, DMA_BYTES, seed);
	*m = (struct ipc_msg){ .tag = EDU_DMA_ROUNDTRIP, .w = { handle, DMA_BYTES, how } };
	int err = call(driver, m);
	if (err < 0) {
		printf("edudemo: DMA round trip failed: %s\n", pagoda_strerror(err));
		return false;
	}
	return m->w[0] == 1 && holds(buf, DMA_BYTES, seed);
}

static void dma_small(int driver)
{
	const char text[EDU_DMA_SMALL_MAX] = "forty bytes through two pool buffers...";
	struct ipc_msg m = { .tag = EDU_DMA_SMALL, .w = { [5] = sizeof text } };
	memcpy(m.w, text, sizeof text);
	int err = call(driver, &m);
	bool ok = err == 0 && memcmp(m.w, text, sizeof text) == 0;
	if (err < 0)
		printf("edudemo: DMA through the pool failed: %s\n", pagoda_strerror(err));
	else
		printf("edudemo: DMA through the pool: %zu bytes (buffers at bus 0x%08llx and 0x%08llx): %s\n",
		       sizeof text, (unsigned long long)m.w[5], (unsigned long long)m.w[6],
		       ok ? "verified" : "WRONG");
	failures += !ok;
}

static void dma(int driver)
{
	struct ipc_msg m = { .tag = EDU_DMA_BUFFER, .w = { DMA_BYTES, 0 } };
	int err = call(driver, &m);
	if (err < 0) {
		printf("edudemo: no DMA buffer: %s\n", pagoda_strerror(err));
		failures++;
		return;
	}
	uint8_t *buf = (uint8_t *)(uintptr_t)m.w[0];
	uint64_t bus = m.w[1], handle = m.w[3];
	bool below = bus + DMA_BYTES - 1 < (1ULL << EDU_DMA_MASK_BITS);
	printf("edudemo: DMA buffer of %d bytes at bus 0x%08llx (zone %s, %s 256 MiB)\n", DMA_BYTES,
	       (unsigned long long)bus, zone_name[m.w[2] % 3], below ? "below" : "NOT below");
	failures += !below;
	bool ok = roundtrip(driver, handle, buf, EDU_DMA_VIA_GRANT, 1, &m);
	printf("edudemo: DMA through the grant: %d bytes to the device and back: %s\n", DMA_BYTES,
	       ok ? "verified" : "WRONG");
	failures += !ok;
	ok = roundtrip(driver, handle, buf, EDU_DMA_VIA_STREAM, 2, &m);
	printf("edudemo: DMA through a streaming mapping: %d bytes (bus 0x%08llx out, 0x%08llx back, "
	       "%llu pages bounced): %s\n", DMA_BYTES, (unsigned long long)m.w[1],
	       (unsigned long long)m.w[2], (unsigned long long)m.w[3], ok ? "verified" : "WRONG");
	failures += !ok;
	m = (struct ipc_msg){ .tag = EDU_DMA_RELEASE, .w = { handle } };
	err = call(driver, &m);
	if (err < 0) {
		printf("edudemo: EDU_DMA_RELEASE failed: %s\n", pagoda_strerror(err));
		failures++;
	}
	dma_small(driver);
}

int main(int argc, char **argv)
{
	uint16_t bdf;
	int driver = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 0, &bdf);
	if (driver < 0) {
		printf("edudemo: no edu driver: %s\n", pagoda_strerror(driver));
		return 1;
	}
	if (identify(driver, bdf) < 0)
		return 1;
	uint64_t irqs = 0;
	const char *deflt[] = { "edudemo", "5", "10", "12" };
	if (argc < 2) {
		argc = 4;
		argv = (char **)deflt;
	}
	for (int i = 1; i < argc; i++)
		factorial(driver, (unsigned)strtoul(argv[i], NULL, 10), &irqs);
	liveness(driver, 0x12345678u);
	dma(driver);
	return failures ? 1 : 0;
}
