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
 * Arguments: the numbers whose factorials to ask for (default 5 10 12).
 * Exit status 0 when every answer was right (n! checked against its own
 * computation, one more interrupt per factorial after the first, the
 * complement back from the liveness register), 1 otherwise.
 */
#include <stdio.h>
#include <stdbool.h>
#include <stdlib.h>
#include <pagoda/sys.h>
#include <pagoda/edu.h>

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
	return failures ? 1 : 0;
}
