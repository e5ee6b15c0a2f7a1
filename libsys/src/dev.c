/*
 * dev.c - the driver calls (pagoda/syscall.h SYS_DEV_*) and the memory
 * server's device requests (pagoda/mm.h MM_DEV_*), one function each,
 * and the bb:dd.f notation of a device (pagoda/dev.h).
 */
#include <pagoda/sys.h>
#include <pagoda/dev.h>

int64_t dev_config_read(uint16_t bdf, unsigned off, unsigned width)
{
	return sys_call6(SYS_DEV_CONFIG_READ, bdf, off, width, 0, 0, 0);
}

int dev_config_write(uint16_t bdf, unsigned off, unsigned width, uint32_t value)
{
	return (int)sys_call6(SYS_DEV_CONFIG_WRITE, bdf, off, width, value, 0, 0);
}

int dev_info(uint16_t bdf, struct dev_info *out)
{
	return (int)sys_call6(SYS_DEV_INFO, bdf, (uint64_t)(uintptr_t)out, 0, 0, 0, 0);
}

int dev_irq_bind(uint16_t bdf, uint64_t bits)
{
	return (int)sys_call6(SYS_DEV_IRQ_BIND, bdf, bits, 0, 0, 0, 0);
}

int dev_irq_unbind(uint16_t bdf)
{
	return (int)sys_call6(SYS_DEV_IRQ_UNBIND, bdf, 0, 0, 0, 0, 0);
}

int dev_assign(uint16_t bdf, int pid)
{
	return (int)sys_call6(SYS_DEV_ASSIGN, bdf, (uint64_t)(int64_t)pid, 0, 0, 0, 0);
}

/* Each yield lets every runnable thread run once, the enumerator (which
 * assigns right after the spawn returns) included: a few are plenty. */
#define OWN_TRIES 64

int dev_wait_owned(uint16_t bdf)
{
	struct dev_info info;
	int err = -ERR_PERM;
	for (int i = 0; i < OWN_TRIES && err == -ERR_PERM; i++) {
		err = dev_info(bdf, &info);
		if (err == -ERR_PERM)
			sys_yield();
	}
	return err;
}

int mm_dev_mmio(uint16_t bdf, unsigned bar, volatile void **va, uint64_t *len)
{
	struct ipc_msg m = { .tag = MM_DEV_MMIO, .w = { bdf, bar } };
	int err = ipc_call(MM_PID, &m);
	if (err < 0 || m.tag < 0)
		return err < 0 ? err : (int)m.tag;
	*va = (volatile void *)(uintptr_t)m.w[0];
	*len = m.w[1];
	return 0;
}

int mm_dev_open(uint16_t vendor, uint16_t device, unsigned index, uint16_t *bdf)
{
	struct ipc_msg m = { .tag = MM_DEV_OPEN, .w = { (uint64_t)vendor << 16 | device, index } };
	int err = ipc_call(MM_PID, &m);
	if (err < 0 || m.tag < 0)
		return err < 0 ? err : (int)m.tag;
	*bdf = (uint16_t)m.w[0];
	return (int)m.tag;
}

int mm_dev_ready(void)
{
	struct ipc_msg m = { .tag = MM_DEV_READY };
	int err = ipc_call(MM_PID, &m);
	return err < 0 ? err : (int)m.tag;
}

/* Hexadecimal digits s[0..n) below limit; -1 if not. */
static int hex_field(const char *s, int n, int limit)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v < limit ? v : -1;
}

int dev_bdf_parse(const char *s, uint16_t *bdf)
{
	int i = 0;
	while (i < 8 && s[i])
		i++;
	if (i != 7 || s[2] != ':' || s[5] != '.')
		return -ERR_INVAL;
	int bus = hex_field(s, 2, 256), dev = hex_field(s + 3, 2, DEV_SLOTS),
	    fn = hex_field(s + 6, 1, DEV_FUNCTIONS);
	if (bus < 0 || dev < 0 || fn < 0)
		return -ERR_INVAL;
	*bdf = DEV_BDF(bus, dev, fn);
	return 0;
}
