/*
 * supply.c - the spare frames a system call hands the kernel for new
 * tables, gathered into a struct frame_supply (pagetable.h): in the
 * order given, PADDR_NONE dropped, each checked by the caller's rule
 * (mmcall.c: RAM outside the kernel image; iommucall.c: RAM the memory
 * server manages), none twice - a frame used twice would become two
 * tables at once.
 */
#include "kernel.h"
#include "pagetable.h"

bool frame_supply_gather(struct frame_supply *s, const uint64_t in[MM_MAP_SPARES],
			 bool (*ok)(paddr_t pa))
{
	s->count = s->used = 0;
	for (int i = 0; i < MM_MAP_SPARES; i++) {
		if (in[i] == PADDR_NONE)
			continue;
		if (!ok(in[i]))
			return false;
		for (unsigned j = 0; j < s->count; j++)
			if (s->frames[j] == in[i])
				return false;
		s->frames[s->count++] = in[i];
	}
	return true;
}
