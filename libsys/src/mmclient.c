/*
 * mmclient.c - calls to the memory server (pagoda/mm.h), one function per
 * request: fill an ipc_msg, CALL the server, unpack the reply.
 */
#include <string.h>
#include <pagoda/sys.h>

static int64_t mm_call(struct ipc_msg *m)
{
	int err = ipc_call(MM_PID, m);
	return err < 0 ? err : m->tag;
}

int mm_spawn(const char *cmdline, unsigned flags)
{
	struct ipc_msg m = { .tag = MM_SPAWN,
		.w = { (uint64_t)(uintptr_t)cmdline, strlen(cmdline), flags } };
	return (int)mm_call(&m);
}

int mm_wait(int pid, int *status)
{
	struct ipc_msg m = { .tag = MM_WAIT, .w = { (uint64_t)(int64_t)pid } };
	int64_t r = mm_call(&m);
	if (r >= 0 && status)
		*status = (int)m.w[0];
	return (int)r;
}

void *mm_sbrk(intptr_t incr)
{
	struct ipc_msg m = { .tag = MM_SBRK, .w = { (uint64_t)incr } };
	return mm_call(&m) < 0 ? (void *)-1 : (void *)(uintptr_t)m.w[0];
}

void *mm_mmap(size_t len, unsigned prot, unsigned flags, uint64_t key)
{
	struct ipc_msg m = { .tag = MM_MMAP, .w = { len, prot, flags, key } };
	return mm_call(&m) < 0 ? NULL : (void *)(uintptr_t)m.w[0];
}

int mm_munmap(void *addr, size_t len)
{
	struct ipc_msg m = { .tag = MM_MUNMAP, .w = { (uint64_t)(uintptr_t)addr, len } };
	return (int)mm_call(&m);
}

int mm_mprotect(void *addr, size_t len, unsigned prot)
{
	struct ipc_msg m = { .tag = MM_MPROTECT, .w = { (uint64_t)(uintptr_t)addr, len, prot } };
	return (int)mm_call(&m);
}

int mm_stat(struct mm_stat *out)
{
	struct ipc_msg m = { .tag = MM_STAT };
	int64_t r = mm_call(&m);
	if (r < 0)
		return (int)r;
	*out = (struct mm_stat){ { m.w[0], m.w[1], m.w[2] }, m.w[3], m.w[4], m.w[5], m.w[6] };
	return 0;
}

int mm_procinfo(int index, struct mm_procinfo *out)
{
	struct ipc_msg m = { .tag = MM_PROCINFO, .w = { (uint64_t)index } };
	int64_t r = mm_call(&m);
	if (r < 0)
		return (int)r;
	out->pid = (int)r;
	out->resident = m.w[0];
	out->faults = m.w[1];
	out->pagetables = m.w[2];
	memcpy(out->name, &m.w[3], 32);
	out->name[32] = '\0';
	return (int)r;
}

uint64_t mm_free_pages(void)
{
	struct mm_stat s = { 0 };
	if (mm_stat(&s) < 0)
		return 0;
	return s.free_pages[0] + s.free_pages[1] + s.free_pages[2];
}

int mm_spawn_budget(const char *cmdline, unsigned flags, uint64_t frames)
{
	struct ipc_msg m = { .tag = MM_SPAWN,
		.w = { (uint64_t)(uintptr_t)cmdline, strlen(cmdline), flags | MM_SPAWN_BUDGET, frames } };
	return (int)mm_call(&m);
}

void *mm_mmap_budget(size_t len, unsigned prot, uint64_t frames)
{
	struct ipc_msg m = { .tag = MM_MMAP, .w = { len, prot, MM_MAP_BUDGET, 0, frames } };
	return mm_call(&m) < 0 ? NULL : (void *)(uintptr_t)m.w[0];
}

int mm_procpaging(int index, struct mm_procpaging *out)
{
	struct ipc_msg m = { .tag = MM_PROCINFO, .w = { (uint64_t)index, MM_PROCINFO_PAGING } };
	int64_t r = mm_call(&m);
	if (r < 0)
		return (int)r;
	*out = (struct mm_procpaging){ (int)r, m.w[0], m.w[1], m.w[2], m.w[3], m.w[4] };
	return (int)r;
}

int mm_vmstat_get(unsigned pool, struct mm_vmstat_info *out)
{
	struct ipc_msg m = { .tag = MM_VMSTAT,
		.w = { (uint64_t)(uintptr_t)out, sizeof *out, pool } };
	return (int)mm_call(&m);
}

/* cmd = MM_EVENTS_*; READ moves up to max events into buf. -> events
 * read (READ) or 0; *lost (if not NULL) = events overwritten since START. */
int mm_events(unsigned cmd, struct mm_event_rec *buf, unsigned max, uint64_t *lost)
{
	struct ipc_msg m = { .tag = MM_EVENTS, .w = { cmd, (uint64_t)(uintptr_t)buf, max } };
	int64_t r = mm_call(&m);
	if (r >= 0 && lost)
		*lost = m.w[0];
	return (int)r;
}

int mm_policy(const char *name)
{
	struct ipc_msg m = { .tag = MM_POLICY, .w = { (uint64_t)(uintptr_t)name, strlen(name) } };
	return (int)mm_call(&m);
}

int mm_policy_set(const char *text, char *why, size_t whylen, uint64_t *frames)
{
	struct ipc_msg m = { .tag = MM_POLICY, .w = { (uint64_t)(uintptr_t)text, strlen(text),
		why ? (uint64_t)(uintptr_t)why : 0, why ? whylen : 0 } };
	int64_t r = mm_call(&m);
	if (r >= 0 && frames)
		*frames = m.w[0];
	return (int)r;
}

int mm_policy_info(unsigned index, struct mm_policy_info *out, unsigned *count, unsigned *active)
{
	struct ipc_msg m = { .tag = MM_POLICY_INFO,
		.w = { index, (uint64_t)(uintptr_t)out, sizeof *out } };
	int64_t r = mm_call(&m);
	if (r >= 0 && count)
		*count = (unsigned)m.w[0];
	if (r >= 0 && active)
		*active = (unsigned)m.w[1];
	return (int)r;
}

int mm_iommu_stat(unsigned index, struct mm_iommu_dev_info *out, uint64_t totals[5])
{
	struct ipc_msg m = { .tag = MM_IOMMU_STAT, .w = { index, (uint64_t)(uintptr_t)out, sizeof *out } };
	int64_t r = mm_call(&m);
	for (int i = 0; totals && i < 5 && r != -ERR_SRCH; i++)
		totals[i] = m.w[i];
	return (int)r;
}

int64_t mm_module_read(const char *name, uint64_t offset, void *buf, size_t len, uint64_t *size)
{
	struct ipc_msg m = { .tag = MM_MODULE_READ, .w = { (uint64_t)(uintptr_t)name, strlen(name),
		offset, (uint64_t)(uintptr_t)buf, len } };
	int64_t r = mm_call(&m);
	if (r >= 0 && size)
		*size = m.w[0];
	return r;
}

int mm_buddyinfo(struct mm_buddyinfo *out)
{
	struct ipc_msg m = { .tag = MM_BUDDYINFO, .w = { (uint64_t)(uintptr_t)out, sizeof *out } };
	return (int)mm_call(&m);
}

int mm_slabinfo(unsigned index, struct mm_slabinfo *out, unsigned *count)
{
	struct ipc_msg m = { .tag = MM_SLABINFO,
		.w = { index, (uint64_t)(uintptr_t)out, sizeof *out } };
	int64_t r = mm_call(&m);
	if (r >= 0 && count)
		*count = (unsigned)m.w[0];
	return (int)r;
}

int mm_module_info(unsigned index, struct mm_module_info *out, unsigned *count)
{
	struct ipc_msg m = { .tag = MM_MODULE_INFO,
		.w = { index, (uint64_t)(uintptr_t)out, sizeof *out } };
	int64_t r = mm_call(&m);
	if (r >= 0 && count)
		*count = (unsigned)m.w[0];
	return (int)r;
}
