/*
 * sim.c - one run of the simulator: a trace, a frame count and a policy
 * by name. The policies of servers/mm (policy_table, compiled unchanged)
 * run on the model of machine.c; "lru" and "opt" are the simulator's own
 * references (lru.c, opt.c), which need no model of the hardware bits.
 * With 0 frames every reference faults; more frames than the trace has
 * pages run as that many (nothing is ever evicted either way).
 */
#include <string.h>
#include "machine.h"
#include "policysim.h"

const char *const sim_references[] = { "lru", "opt", NULL };

static uint64_t machine_faults(const struct policy_choice *c, const struct trace *t,
			       unsigned frames, bool miss_sets_bit)
{
	machine_init(frames, t->distinct, c, miss_sets_bit);
	uint64_t faults = 0;
	for (size_t i = 0; i < t->n; i++)
		faults += (uint64_t)machine_reference(t->page[i], t->write[i]);
	machine_fini();
	return faults;
}

int sim_faults(const char *name, const struct trace *t, unsigned frames,
	       bool miss_sets_bit, uint64_t *faults)
{
	struct policy_choice c;
	char why[80];
	bool lru = !strcmp(name, "lru"), opt = !strcmp(name, "opt");
	bool pol = !lru && !opt;
	if (pol && policy_parse(name, strlen(name), &c, why, sizeof why) < 0)
		return -1;
	if (frames > t->distinct)
		frames = t->distinct;
	if (frames == 0)
		*faults = t->n;
	else if (pol)
		*faults = machine_faults(&c, t, frames, miss_sets_bit);
	else
		*faults = lru ? lru_faults(t, frames) : opt_faults(t, frames);
	return 0;
}
