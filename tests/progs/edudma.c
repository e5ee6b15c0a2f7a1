/*
 * edudma MODE [ARGS] - the edu driver's DMA requests (pagoda/edu.h
 * EDU_DMA_*) checked from a client, for the QEMU tests (dma_tests.sh).
 *
 *   edudma roundtrip LEN    a buffer of LEN bytes (a grant the driver
 *                           shares), a pattern in it, a round trip through
 *                           the device via the grant and one via the
 *                           driver's streaming mapping: every byte back,
 *                           checked here and by the driver; prints the bus
 *                           addresses and the pages bounced each way
 *   edudma masks            buffers asked below 24 and 28 bits of address:
 *                           each bus range below its mask
 *   edudma small            pool round trips: bytes back, and the pool
 *                           buffers aligned and never crossing their boundary
 *   edudma refuse           the driver's refusals: bad sizes, masks,
 *                           lengths, handles, another client's handle
 *
 * Prints "edudma: PASS" (exit 0) or "edudma: FAIL" (exit 1).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <pagoda/sys.h>
#include <pagoda/edu.h>

static int failures;
static int driver;

static void check(bool ok, const char *what)
{
	if (!ok) {
		printf("edudma: %s: WRONG\n", what);
		failures++;
	}
}

static int call(struct ipc_msg *m)
{
	int err = ipc_call(driver, m);
	return err < 0 ? err : (int)m->tag;
}

struct buffer {
	uint8_t *cpu;
	uint64_t bus, handle, zone, pages;
};

static int buffer(uint64_t size, unsigned bits, struct buffer *b)
{
	struct ipc_msg m = { .tag = EDU_DMA_BUFFER, .w = { size, bits } };
	int err = call(&m);
	if (err == 0)
		*b = (struct buffer){ (uint8_t *)(uintptr_t)m.w[0], m.w[1], m.w[3], m.w[2], m.w[4] };
	return err;
}

static int release(uint64_t handle)
{
	struct ipc_msg m = { .tag = EDU_DMA_RELEASE, .w = { handle } };
	return call(&m);
}

static void pattern(uint8_t *p, uint64_t len, unsigned seed)
{
	for (uint64_t i = 0; i < len; i++)
		p[i] = (uint8_t)(i * 7 + seed * 13 + (i >> 8));
}

static bool same(const uint8_t *p, uint64_t len, unsigned seed)
{
	for (uint64_t i = 0; i < len; i++)
		if (p[i] != (uint8_t)(i * 7 + seed * 13 + (i >> 8)))
			return false;
	return true;
}

static void one_trip(const struct buffer *b, uint64_t len, unsigned how, unsigned seed)
{
	const char *name = how == EDU_DMA_VIA_GRANT ? "grant" : "stream";
	pattern(b->cpu, len, seed);
	struct ipc_msg m = { .tag = EDU_DMA_ROUNDTRIP, .w = { b->handle, len, how } };
	int err = call(&m);
	if (err < 0) {
		printf("edudma: %s round trip: %s\n", name, pagoda_strerror(err));
		failures++;
		return;
	}
	bool ok = m.w[0] == 1 && same(b->cpu, len, seed);
	printf("edudma: %s round trip of %llu bytes: out at bus 0x%08llx, back at 0x%08llx, "
	       "%llu pages bounced: %s\n", name, (unsigned long long)len, (unsigned long long)m.w[1],
	       (unsigned long long)m.w[2], (unsigned long long)m.w[3], ok ? "byte-exact" : "WRONG");
	failures += !ok;
	check(m.w[1] + len - 1 < (1ULL << EDU_DMA_MASK_BITS), "out bus address below 256 MiB");
	check(m.w[2] + len - 1 < (1ULL << EDU_DMA_MASK_BITS), "back bus address below 256 MiB");
}

static void roundtrip(uint64_t len)
{
	struct buffer b;
	int err = buffer(len, 0, &b);
	if (err < 0) {
		printf("edudma: EDU_DMA_BUFFER of %llu: %s\n", (unsigned long long)len, pagoda_strerror(err));
		failures++;
		return;
	}
	one_trip(&b, len, EDU_DMA_VIA_GRANT, 1);
	one_trip(&b, len, EDU_DMA_VIA_STREAM, 2);
	one_trip(&b, len, EDU_DMA_VIA_STREAM, 3);
	check(release(b.handle) == 0, "release");
}

static void masks(void)
{
	static const unsigned bits[] = { 24, 28, 24, 28 };
	static const uint64_t size[] = { 4095, 4000, 100, 1 };
	struct buffer b[4];
	for (int i = 0; i < 4; i++) {
		int err = buffer(size[i], bits[i], &b[i]);
		if (err < 0) {
			printf("edudma: a %u-bit buffer: %s\n", bits[i], pagoda_strerror(err));
			failures++;
			continue;
		}
		uint64_t last = b[i].bus + b[i].pages * 4096 - 1;
		bool below = last < (1ULL << bits[i]);
		printf("edudma: %u-bit buffer of %llu bytes: bus 0x%08llx-0x%08llx, zone %llu: %s\n", bits[i],
		       (unsigned long long)size[i], (unsigned long long)b[i].bus, (unsigned long long)last,
		       (unsigned long long)b[i].zone, below ? "below the mask" : "ABOVE the mask");
		failures += !below;
		check(bits[i] != 24 || b[i].zone == 0, "a 24-bit buffer is in zone DMA");
	}
	for (int i = 0; i < 4; i++)
		release(b[i].handle);
}

static void small(void)
{
	uint64_t seen[8];
	for (int t = 0; t < 8; t++) {
		uint8_t data[EDU_DMA_SMALL_MAX];
		unsigned len = 1 + (unsigned)(t * 5) % EDU_DMA_SMALL_MAX;
		pattern(data, len, (unsigned)t);
		struct ipc_msg m = { .tag = EDU_DMA_SMALL, .w = { [5] = len } };
		memcpy(m.w, data, len);
		int err = call(&m);
		check(err == 0 && memcmp(m.w, data, len) == 0, "small round trip");
		for (int k = 5; k <= 6; k++) {
			uint64_t bus = m.w[k];
			check(bus % EDU_DMA_SMALL_ALIGN == 0, "pool buffer aligned");
			check(bus / EDU_DMA_SMALL_BOUNDARY == (bus + EDU_DMA_SMALL_MAX - 1) / EDU_DMA_SMALL_BOUNDARY,
			      "pool buffer within its boundary");
		}
		check(m.w[5] != m.w[6] && (m.w[5] > m.w[6] ? m.w[5] - m.w[6] : m.w[6] - m.w[5]) >= 64,
		      "the two pool buffers share no cache line");
		seen[t] = m.w[5];
	}
	check(seen[0] == seen[7], "a freed pool buffer is used again");
	printf("edudma: 8 pool round trips of 1..36 bytes, buffers %d-aligned, none crossing %d: %s\n",
	       EDU_DMA_SMALL_ALIGN, EDU_DMA_SMALL_BOUNDARY, failures ? "WRONG" : "byte-exact");
}

static void expect_err(const char *what, int got, int want)
{
	if (got != want) {
		printf("edudma: %s: %s, expected %s\n", what, pagoda_strerror(got), pagoda_strerror(want));
		failures++;
	}
}

static void refuse(void)
{
	struct buffer b;
	expect_err("a buffer of 0 bytes", buffer(0, 0, &b), -ERR_INVAL);
	expect_err("a buffer of 4096 bytes", buffer(EDU_DMA_MAX + 1, 0, &b), -ERR_INVAL);
	expect_err("a 32-bit buffer (beyond edu's reach)", buffer(64, 32, &b), -ERR_INVAL);
	expect_err("a 23-bit buffer", buffer(64, 23, &b), -ERR_INVAL);
	expect_err("release of no buffer", release(7), -ERR_NOENT);
	expect_err("release of handle 99", release(99), -ERR_NOENT);
	if (buffer(100, 0, &b) != 0) {
		failures++;
		return;
	}
	struct ipc_msg m = { .tag = EDU_DMA_ROUNDTRIP, .w = { b.handle, 101, EDU_DMA_VIA_GRANT } };
	expect_err("a round trip longer than the buffer", call(&m), -ERR_INVAL);
	m = (struct ipc_msg){ .tag = EDU_DMA_ROUNDTRIP, .w = { b.handle, 0, EDU_DMA_VIA_GRANT } };
	expect_err("a round trip of 0 bytes", call(&m), -ERR_INVAL);
	m = (struct ipc_msg){ .tag = EDU_DMA_ROUNDTRIP, .w = { b.handle, 10, 5 } };
	expect_err("a round trip of an unknown kind", call(&m), -ERR_INVAL);
	m = (struct ipc_msg){ .tag = EDU_DMA_SMALL, .w = { [5] = EDU_DMA_SMALL_MAX + 1 } };
	expect_err("a small round trip of 41 bytes", call(&m), -ERR_INVAL);
	m = (struct ipc_msg){ .tag = EDU_DMA_BENCH, .w = { 9 } };
	expect_err("an unknown benchmark", call(&m), -ERR_INVAL);
	m = (struct ipc_msg){ .tag = EDU_DMA_LAST };
	expect_err("an unknown DMA request", call(&m), -ERR_NOSYS);
	expect_err("release", release(b.handle), 0);
	expect_err("a second release", release(b.handle), -ERR_NOENT);
}

int main(int argc, char **argv)
{
	uint16_t bdf;
	driver = mm_dev_open(EDU_VENDOR, EDU_DEVICE, 0, &bdf);
	if (driver < 0 || argc < 2) {
		printf("edudma: %s\n", driver < 0 ? "no edu driver" : "usage: edudma roundtrip LEN | masks | small | refuse");
		return 2;
	}
	if (!strcmp(argv[1], "roundtrip") && argc == 3)
		roundtrip(strtoull(argv[2], NULL, 10));
	else if (!strcmp(argv[1], "masks"))
		masks();
	else if (!strcmp(argv[1], "small"))
		small();
	else if (!strcmp(argv[1], "refuse"))
		refuse();
	else
		failures++;
	printf("edudma: %s\n", failures ? "FAIL" : "PASS");
	return failures ? 1 : 0;
}
