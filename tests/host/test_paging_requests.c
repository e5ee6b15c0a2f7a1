/*
 * test_paging_requests.c - the paging requests on the host: MM_VMSTAT,
 * MM_POLICY, MM_POLICY_INFO and MM_PROCINFO's paging words
 * (servers/mm/stat.c), MM_EVENTS (event.c), MM_MODULE_READ (module.c),
 * and the frame budgets of MM_MMAP and MM_SPAWN (budget.c), against
 * docs/mm-protocol.md: each malformed field gets its documented error and
 * changes nothing (free frames, processes, the kernel model's mappings,
 * the pools, the active policy and its parameters, the event ring), a
 * refused MM_POLICY writes its reason where the caller asked, and the
 * well-formed requests do what the protocol says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <pagoda/error.h>
#include "mm_env.h"
#include "policy.h"
#include "reclaim.h"
#include "vmstat.h"
#include "check.h"
#include "mm_stubs.h"
#include "mm_fixture.h"

#define NO_REGION 0x10000000ULL     /* inside no region of the fixture's program */

/* ---- "changes nothing" --------------------------------------------------- */

struct snapshot {
	uint64_t free, mapped, resident;
	int procs, live, pools;
	const struct mm_policy *policy;
	uint64_t param[POLICY_PARAMS];
};

static int pool_count(void)
{
	int n = 0;
	while (reclaim_pool_nth((unsigned)n))
		n++;
	return n;
}

static void take(struct snapshot *s, int pid)
{
	memset(s, 0, sizeof *s);
	s->free = free_at_rest();
	s->mapped = stub_mapped(pid);
	s->resident = proc(pid)->resident;
	s->procs = mm_proc_count();
	s->live = stub_live_count();
	s->pools = pool_count();
	s->policy = reclaim_policy;
	memcpy(s->param, reclaim_choice.param, sizeof s->param);
}

/* A request of five words (MM_MMAP's budget is w4). */
static int64_t request5(int pid, int64_t tag, const uint64_t w[5], struct ipc_msg *reply)
{
	struct ipc_msg req = { .tag = tag, .w = { w[0], w[1], w[2], w[3], w[4] } };
	struct ipc_msg r = { .tag = -ERR_NOSYS };
	struct ipc_from from = { .pid = pid, .handle = 4242 };
	mm_handlers[tag](&req, &from, &r);
	if (reply)
		*reply = r;
	return r.tag;
}

static void assert_refused5(int pid, int64_t tag, const uint64_t w[5], int err)
{
	struct snapshot before, after;
	take(&before, pid);
	assert_int_equal(request5(pid, tag, w, NULL), err);
	take(&after, pid);
	assert_memory_equal(&after, &before, sizeof after);
	assert_mm_consistent();
}

static void assert_refused(int pid, int64_t tag, uint64_t w0, uint64_t w1, uint64_t w2, uint64_t w3,
			   int err)
{
	const uint64_t w[5] = { w0, w1, w2, w3, 0 };
	assert_refused5(pid, tag, w, err);
}

/* A writable page of pid holding bytes (already touched, so nothing is filled later). */
static vaddr_t put(int pid, const void *bytes, size_t len)
{
	vaddr_t va = map_anon(pid, PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	assert_int_equal(user_write(pid, va, bytes, len ? len : 1), 0);
	return va;
}

/* ---- MM_VMSTAT (stat.c) --------------------------------------------------- */

static void vmstat_with_a_wrong_size_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	assert_refused(pid, MM_VMSTAT, buf, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info) - 1, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info) + 1, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_VMSTAT, buf, (uint64_t)-1, 0, 0, -ERR_INVAL);
}

static void vmstat_of_a_pool_past_the_last_is_noent_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	uint64_t pools = (uint64_t)pool_count();
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info), pools, 0, -ERR_NOENT);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info), 99, 0, -ERR_NOENT);
	assert_refused(pid, MM_VMSTAT, buf, sizeof(struct mm_vmstat_info), (uint64_t)-1, 0, -ERR_NOENT);
}

static void vmstat_to_an_address_outside_every_region_is_a_fault(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_VMSTAT, NO_REGION, sizeof(struct mm_vmstat_info), 0, 0, -ERR_FAULT);
	assert_refused(pid, MM_VMSTAT, 8, sizeof(struct mm_vmstat_info), 0, 0, -ERR_FAULT);
}

static void vmstat_fills_the_global_pool_and_the_active_policy(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct mm_vmstat_info v;
	assert_int_equal(request(pid, MM_VMSTAT, buf, sizeof v, 0, 0, NULL, NULL), 0);
	assert_int_equal(user_read(pid, buf, &v, sizeof v), 0);
	assert_string_equal(v.pool_name, "global");
	assert_string_equal(v.policy, reclaim_policy->name);
	assert_int_equal(v.pools, pool_count());
	assert_int_equal(v.pool_pages, reclaim_global.pages);
	assert_int_equal(v.pool_limit, 0);
	assert_mm_consistent();
}

/* ---- MM_POLICY (stat.c) --------------------------------------------------- */

static void policy_with_a_bad_length_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t name = put(pid, "fifo", 4);
	assert_refused(pid, MM_POLICY, name, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, name, MM_POLICY_TEXT_MAX, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, name, (uint64_t)-1, 0, 0, -ERR_INVAL);
}

static void policy_with_an_unknown_name_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t name = put(pid, "clockwork", 9);
	assert_refused(pid, MM_POLICY, name, 9, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, name, 6, 0, 0, -ERR_INVAL);    /* "clockw" */
	assert_refused(pid, MM_POLICY, name, 3, 0, 0, -ERR_INVAL);    /* "clo" */
}

static void policy_name_outside_every_region_is_a_fault(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused(pid, MM_POLICY, NO_REGION, 4, 0, 0, -ERR_FAULT);
}

static void policy_switches_every_pool_and_back(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	struct policy_choice was = reclaim_choice;
	vaddr_t fifo = put(pid, "fifo", 4), clock = put(pid, "clock", 5);
	assert_int_equal(request(pid, MM_POLICY, fifo, 4, 0, 0, NULL, NULL), 0);
	assert_ptr_equal(reclaim_policy, &policy_fifo);
	assert_mm_consistent();
	assert_int_equal(request(pid, MM_POLICY, clock, 5, 0, 0, NULL, NULL), 0);
	assert_ptr_equal(reclaim_policy, &policy_clock);
	assert_mm_consistent();
	reclaim_set_policy(&was);
}

/* MM_POLICY of text (len bytes) with a reason buffer of whysize bytes
 * (both on pages mapped already): the answer, the reason in why. */
static int64_t policy_why(int pid, const char *text, uint64_t len, uint64_t whysize, char *why)
{
	vaddr_t t = put(pid, text, strlen(text)), w = put(pid, "", 0);
	int64_t rc = request(pid, MM_POLICY, t, len, w, whysize, NULL, NULL);
	assert_int_equal(user_read(pid, w, why, MM_POLICY_WHY_MAX), 0);
	return rc;
}

/* text is refused with ERR_INVAL and exactly the reason want; nothing
 * changes but the reason buffer. */
static void assert_refused_because(int pid, const char *text, const char *want)
{
	struct snapshot before, after;
	char why[MM_POLICY_WHY_MAX];
	vaddr_t t = put(pid, text, strlen(text)), w = put(pid, "", 0);
	take(&before, pid);
	assert_int_equal(request(pid, MM_POLICY, t, strlen(text), w, sizeof why, NULL, NULL), -ERR_INVAL);
	take(&after, pid);
	assert_memory_equal(&after, &before, sizeof after);
	assert_int_equal(user_read(pid, w, why, sizeof why), 0);
	assert_string_equal(why, want);
	assert_mm_consistent();
}

static void policy_refusals_write_the_reason_and_change_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	assert_refused_because(pid, "lru", "unknown policy 'lru'");
	assert_refused_because(pid, "clockwork", "unknown policy 'clockwork'");
	assert_refused_because(pid, "clock:x=1", "unknown parameter 'x'");
	assert_refused_because(pid, "clock x=1", "unknown parameter 'x'");
	assert_refused_because(pid, "fifo:", "parameters expected after 'fifo:'");
	assert_refused_because(pid, "fifo tau", "a parameter needs K=V, not 'tau'");
	char why[MM_POLICY_WHY_MAX];
	assert_int_equal(policy_why(pid, "fifo", 0, sizeof why, why), -ERR_INVAL);
	assert_string_equal(why, "a policy's text is 1 to 63 characters, not 0");
	assert_int_equal(policy_why(pid, "fifo", MM_POLICY_TEXT_MAX, sizeof why, why), -ERR_INVAL);
	assert_string_equal(why, "a policy's text is 1 to 63 characters, not 64");
	/* a short buffer gets the reason cut, NUL-terminated, and nothing past it */
	assert_int_equal(policy_why(pid, "lru", 3, 8, why), -ERR_INVAL);
	assert_string_equal(why, "unknown");
	assert_int_equal(policy_why(pid, "lru", 3, 1, why), -ERR_INVAL);
	assert_string_equal(why, "");
}

/* Every policy with parameters refuses a value below or above its range
 * and a parameter given twice, naming it (FIFO and Clock have none: the
 * loop then checks nothing, and the table's other policies do). */
static void policy_values_out_of_range_or_twice_are_refused_with_the_parameter_named(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	char text[MM_POLICY_TEXT_MAX], want[MM_POLICY_WHY_MAX];
	for (unsigned i = 0; i < policy_count; i++) {
		const struct mm_policy *pol = policy_table[i];
		for (unsigned k = 0; k < pol->nparams; k++) {
			const struct policy_param *pp = &pol->params[k];
			if (pp->max < UINT64_MAX / 10) {
				snprintf(text, sizeof text, "%s:%s=%lu", pol->name, pp->name,
					 (unsigned long)pp->max + 1);
				snprintf(want, sizeof want, "parameter %s wants a number from %lu to %lu, not '%lu'",
					 pp->name, (unsigned long)pp->min, (unsigned long)pp->max,
					 (unsigned long)pp->max + 1);
				assert_refused_because(pid, text, want);
			}
			if (pp->min > 0) {
				snprintf(text, sizeof text, "%s %s=%lu", pol->name, pp->name,
					 (unsigned long)pp->min - 1);
				snprintf(want, sizeof want, "parameter %s wants a number from %lu to %lu, not '%lu'",
					 pp->name, (unsigned long)pp->min, (unsigned long)pp->max,
					 (unsigned long)pp->min - 1);
				assert_refused_because(pid, text, want);
			}
			snprintf(text, sizeof text, "%s:%s=%lu,%s=%lu", pol->name, pp->name,
				 (unsigned long)pp->def, pp->name, (unsigned long)pp->def);
			snprintf(want, sizeof want, "parameter given twice: '%s'", pp->name);
			assert_refused_because(pid, text, want);
		}
	}
}

static void policy_with_a_bad_reason_buffer_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t fifo = put(pid, "fifo", 4), why = put(pid, "", 0);
	struct policy_choice was = reclaim_choice;
	reclaim_set_policy(&(struct policy_choice){ .policy = &policy_clock });
	/* a good text, but the buffer is not usable: no switch */
	assert_refused(pid, MM_POLICY, fifo, 4, why, MM_POLICY_WHY_MAX + 1, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, fifo, 4, why, (uint64_t)-1, -ERR_INVAL);
	assert_refused(pid, MM_POLICY, fifo, 4, why, 0, -ERR_INVAL);           /* w2 without w3 */
	assert_refused(pid, MM_POLICY, fifo, 4, NO_REGION, 16, -ERR_FAULT);
	assert_refused(pid, MM_POLICY, fifo, 4, 8, 16, -ERR_FAULT);
	assert_ptr_equal(reclaim_policy, &policy_clock);
	/* and a good one switches, answering the frames handed over */
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_POLICY, fifo, 4, why, MM_POLICY_WHY_MAX, &r, NULL), 0);
	assert_ptr_equal(reclaim_policy, &policy_fifo);
	assert_int_equal(r.w[0], reclaim_user_pages());
	assert_int_equal(r.w[1], pool_count());
	char text[MM_POLICY_WHY_MAX];
	assert_int_equal(user_read(pid, why, text, sizeof text), 0);
	assert_string_equal(text, "");
	assert_mm_consistent();
	reclaim_set_policy(&was);
}

/* ---- MM_POLICY_INFO (stat.c) -------------------------------------------------- */

static void policy_info_with_a_bad_size_index_or_buffer_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	const uint64_t size = sizeof(struct mm_policy_info);
	assert_refused(pid, MM_POLICY_INFO, 0, buf, size - 1, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY_INFO, 0, buf, size + 1, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY_INFO, 0, buf, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_POLICY_INFO, policy_count, buf, size, 0, -ERR_NOENT);
	assert_refused(pid, MM_POLICY_INFO, (uint64_t)-1, buf, size, 0, -ERR_NOENT);
	assert_refused(pid, MM_POLICY_INFO, 0, NO_REGION, size, 0, -ERR_FAULT);
	assert_refused(pid, MM_POLICY_INFO, 0, 8, size, 0, -ERR_FAULT);
}

static void policy_info_describes_every_policy_and_marks_the_active_one(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = map_anon(pid, 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE);
	struct policy_choice was = reclaim_choice;
	reclaim_set_policy(&(struct policy_choice){ .policy = &policy_fifo });
	for (unsigned i = 0; i < policy_count; i++) {
		struct mm_policy_info info;
		struct ipc_msg r;
		const struct mm_policy *pol = policy_table[i];
		assert_int_equal(request(pid, MM_POLICY_INFO, i, buf, sizeof info, 0, &r, NULL), 0);
		assert_int_equal(user_read(pid, buf, &info, sizeof info), 0);
		assert_int_equal(r.w[0], policy_count);
		assert_ptr_equal(policy_table[r.w[1]], &policy_fifo);
		assert_string_equal(info.name, pol->name);
		assert_int_equal(strncmp(info.summary, pol->summary, sizeof info.summary - 1), 0);
		assert_int_equal(info.active, pol == &policy_fifo);
		assert_int_equal(info.nparams, pol->nparams);
		for (unsigned k = 0; k < pol->nparams; k++) {
			assert_string_equal(info.param[k].name, pol->params[k].name);
			assert_int_equal(info.param[k].min, pol->params[k].min);
			assert_int_equal(info.param[k].max, pol->params[k].max);
			assert_int_equal(info.param[k].def, pol->params[k].def);
			assert_int_equal(info.param[k].value, pol == reclaim_choice.policy ?
					 reclaim_choice.param[k] : pol->params[k].def);
		}
	}
	assert_mm_consistent();
	reclaim_set_policy(&was);
}

static void vmstat_reports_the_choice_as_text_and_the_new_counters(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct mm_vmstat_info v;
	struct policy_choice was = reclaim_choice;
	reclaim_set_policy(&(struct policy_choice){ .policy = &policy_fifo });
	reclaim_global.stats.activated = 11;
	reclaim_global.stats.deactivated = 12;
	reclaim_global.stats.ghost_hits = 13;
	reclaim_global.stats.samples = 14;
	assert_int_equal(request(pid, MM_VMSTAT, buf, sizeof v, 0, 0, NULL, NULL), 0);
	assert_int_equal(user_read(pid, buf, &v, sizeof v), 0);
	assert_string_equal(v.policy_text, "fifo");
	assert_string_equal(v.policy, "fifo");
	assert_int_equal(v.activated, 11);
	assert_int_equal(v.deactivated, 12);
	assert_int_equal(v.ghost_hits, 13);
	assert_int_equal(v.samples, 14);
	memset(&reclaim_global.stats.activated, 0, 4 * sizeof(uint64_t));
	reclaim_set_policy(&was);
}

/* ---- MM_MODULE_READ (module.c) -------------------------------------------- */

static const char junk_text[] = "#!/bin/sh\necho not an ELF\n";    /* mm_fixture.c's module */
#define JUNK_SIZE 256

static void module_read_with_a_bad_name_count_or_offset_is_refused_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t junk = put(pid, "junk", 4), nul = put(pid, "ju\0k", 4);
	vaddr_t nosuch = put(pid, "nosuch", 6), buf = put(pid, "", 0);
	const uint64_t w[][5] = {
		{ junk, 0, 0, buf, 16 },                        /* name length 0 */
		{ junk, MM_MODULE_NAME_LEN, 0, buf, 16 },       /* ... too long */
		{ junk, (uint64_t)-1, 0, buf, 16 },
		{ junk, 4, 0, buf, MM_MODULE_READ_MAX + 1 },    /* too many bytes */
		{ junk, 4, 0, buf, (uint64_t)-1 },
		{ nul, 4, 0, buf, 16 },                         /* a NUL in the name */
		{ junk, 4, JUNK_SIZE + 1, buf, 16 },            /* past the end */
		{ junk, 4, (uint64_t)-1, buf, 16 },
	};
	for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
		assert_refused5(pid, MM_MODULE_READ, w[i], -ERR_INVAL);
	const uint64_t unknown[5] = { nosuch, 6, 0, buf, 16 }, prefix[5] = { junk, 3, 0, buf, 16 };
	assert_refused5(pid, MM_MODULE_READ, unknown, -ERR_NOENT);
	assert_refused5(pid, MM_MODULE_READ, prefix, -ERR_NOENT);      /* "jun" */
	const uint64_t bad_name[5] = { NO_REGION, 4, 0, buf, 16 };
	const uint64_t bad_buf[5] = { junk, 4, 0, NO_REGION, 16 }, null_buf[5] = { junk, 4, 0, 8, 16 };
	assert_refused5(pid, MM_MODULE_READ, bad_name, -ERR_FAULT);
	assert_refused5(pid, MM_MODULE_READ, bad_buf, -ERR_FAULT);
	assert_refused5(pid, MM_MODULE_READ, null_buf, -ERR_FAULT);
}

static void module_read_copies_a_modules_bytes_and_its_size(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t name = put(pid, "junk", 4), buf = put(pid, "", 0);
	char got[JUNK_SIZE];
	struct ipc_msg r;
	const uint64_t size_only[5] = { name, 4, 0, NO_REGION, 0 };     /* w3 unused */
	assert_int_equal(request5(pid, MM_MODULE_READ, size_only, &r), 0);
	assert_int_equal(r.w[0], JUNK_SIZE);
	const uint64_t all[5] = { name, 4, 0, buf, MM_MODULE_READ_MAX };
	assert_int_equal(request5(pid, MM_MODULE_READ, all, &r), JUNK_SIZE);
	assert_int_equal(r.w[0], JUNK_SIZE);
	assert_int_equal(user_read(pid, buf, got, sizeof got), 0);
	assert_memory_equal(got, junk_text, sizeof junk_text);
	const uint64_t tail[5] = { name, 4, 5, buf, 4 };                /* "/sh\n"... */
	assert_int_equal(request5(pid, MM_MODULE_READ, tail, &r), 4);
	assert_int_equal(user_read(pid, buf, got, 4), 0);
	assert_memory_equal(got, junk_text + 5, 4);
	const uint64_t near_end[5] = { name, 4, JUNK_SIZE - 6, buf, 100 };
	assert_int_equal(request5(pid, MM_MODULE_READ, near_end, &r), 6);
	const uint64_t at_end[5] = { name, 4, JUNK_SIZE, buf, 100 };
	assert_int_equal(request5(pid, MM_MODULE_READ, at_end, &r), 0);
	const uint64_t program[5] = { put(pid, "prog", 4), 4, 0, buf, 4 };  /* programs too */
	assert_int_equal(request5(pid, MM_MODULE_READ, program, &r), 4);
	assert_int_equal(user_read(pid, buf, got, 4), 0);
	assert_memory_equal(got, "\177ELF", 4);
	assert_mm_consistent();
}

/* ---- MM_PROCINFO's paging words (stat.c) ---------------------------------- */

static void procinfo_of_another_kind_is_invalid_and_paging_reports_the_budget(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	struct ipc_msg r;
	assert_refused(pid, MM_PROCINFO, MM_PROCINFO_SELF, 2, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_PROCINFO, MM_PROCINFO_SELF, (uint64_t)-1, 0, 0, -ERR_INVAL);
	assert_int_equal(request(pid, MM_PROCINFO, MM_PROCINFO_SELF, MM_PROCINFO_PAGING, 0, 0, &r, NULL), pid);
	assert_int_equal(r.w[0], 0);            /* no major faults */
	assert_int_equal(r.w[2], 0);            /* nothing on swap */
	assert_int_equal(r.w[3], 0);            /* no budget */
	assert_int_equal(r.w[4], 0);
}

/* ---- MM_EVENTS (event.c) -------------------------------------------------- */

static void events_with_a_bad_command_or_count_are_invalid_and_change_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_START, 0, 0, 0, NULL, NULL), 0);
	mm_event(MM_EV_EVICT_CLEAN, pid, 0x1000, 7, 3);
	assert_refused(pid, MM_EVENTS, 3, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, (uint64_t)-1, 0, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, MM_EVENTS_READ, buf, 0, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, MM_EVENTS_READ, buf, MM_EVENT_RING + 1, 0, -ERR_INVAL);
	assert_refused(pid, MM_EVENTS, MM_EVENTS_READ, NO_REGION, 1, 0, -ERR_FAULT);
	/* the one event is still there, and still recording */
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_READ, buf, 1, 0, &r, NULL), 1);
	assert_int_equal(r.w[0], 0);
	assert_int_equal(r.w[1], 1);
	struct mm_event_rec e;
	assert_int_equal(user_read(pid, buf, &e, sizeof e), 0);
	assert_int_equal(e.seq, 0);
	assert_int_equal(e.kind, MM_EVENT_EVICT_CLEAN);
	assert_int_equal(e.va, 0x1000);
	assert_int_equal(e.slot, 3);
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_STOP, 0, 0, 0, &r, NULL), 0);
	assert_int_equal(r.w[1], 0);
	mm_event(MM_EV_EVICT_CLEAN, pid, 0x2000, 7, 4);     /* not recorded */
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_READ, buf, 1, 0, NULL, NULL), 0);
}

static void events_overflowing_the_ring_count_the_lost_ones(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t buf = put(pid, "", 0);
	struct ipc_msg r;
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_START, 0, 0, 0, NULL, NULL), 0);
	for (uint64_t i = 0; i < MM_EVENT_RING + 5; i++)
		mm_event(MM_EV_EVICT_CLEAN, pid, i * PAGE_SIZE, 7, i);
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_READ, buf, 1, 0, &r, NULL), 1);
	assert_int_equal(r.w[0], 5);
	struct mm_event_rec e;
	assert_int_equal(user_read(pid, buf, &e, sizeof e), 0);
	assert_int_equal(e.seq, 5);             /* the oldest kept */
	assert_int_equal(request(pid, MM_EVENTS, MM_EVENTS_STOP, 0, 0, 0, NULL, NULL), 0);
}

/* ---- budgets: MM_MMAP and MM_SPAWN (budget.c) ----------------------------- */

static uint64_t managed(void)
{
	uint64_t n = 0;
	for (int z = 0; z < MM_NR_ZONES; z++)
		n += mm_zones[z].managed_pages;
	return n;
}

static void mmap_with_a_malformed_budget_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	const unsigned rw = MM_PROT_READ | MM_PROT_WRITE;
	const uint64_t zero[5] = { PAGE_SIZE, rw, MM_MAP_ANON | MM_MAP_BUDGET, 0, 0 };
	const uint64_t above[5] = { PAGE_SIZE, rw, MM_MAP_ANON | MM_MAP_BUDGET, 0, managed() + 1 };
	const uint64_t shared[5] = { PAGE_SIZE, rw, MM_MAP_SHARED | MM_MAP_BUDGET, 0x77, 1 };
	const uint64_t noflag[5] = { PAGE_SIZE, rw, MM_MAP_ANON, 0, 3 };
	const uint64_t stack[5] = { PAGE_SIZE, rw, MM_MAP_STACK, 0, 3 };
	assert_refused5(pid, MM_MMAP, zero, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, above, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, shared, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, noflag, -ERR_INVAL);
	assert_refused5(pid, MM_MMAP, stack, -ERR_INVAL);
}

static void mmap_with_a_budget_adds_a_pool_and_munmap_removes_it(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	int pools = pool_count();
	const uint64_t w[5] = { 2 * PAGE_SIZE, MM_PROT_READ | MM_PROT_WRITE, MM_MAP_ANON | MM_MAP_BUDGET, 0, 1 };
	struct ipc_msg r;
	assert_int_equal(request5(pid, MM_MMAP, w, &r), 0);
	vaddr_t va = r.w[0];
	assert_int_equal(pool_count(), pools + 1);
	const struct policy_pool *pool = reclaim_pool_nth((unsigned)pools);
	assert_int_equal(pool->limit, 1);
	assert_int_equal(touch(pid, va, MM_FAULT_WRITE), MM_FAULT_RESUME);
	assert_int_equal(pool->pages, 1);
	assert_mm_consistent();
	assert_int_equal(request(pid, MM_MUNMAP, va, 2 * PAGE_SIZE, 0, 0, NULL, NULL), 0);
	assert_int_equal(pool_count(), pools);
	assert_mm_consistent();
}

static void spawn_with_a_malformed_budget_is_invalid_and_changes_nothing(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t line = put(pid, "prog", 4);
	assert_refused(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, 0, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, managed() + 1, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, (uint64_t)-1, -ERR_INVAL);
	assert_refused(pid, MM_SPAWN, line, 4, 0, 64, -ERR_INVAL);     /* w3 without the flag */
}

static void spawn_with_a_budget_gives_the_child_its_pool(void **state)
{
	(void)state;
	int pid = spawn("prog")->pid;
	vaddr_t line = put(pid, "prog", 4);
	int pools = pool_count();
	int64_t child = request(pid, MM_SPAWN, line, 4, MM_SPAWN_BUDGET, 64, NULL, NULL);
	assert_true(child > 0);
	assert_int_equal(pool_count(), pools + 1);
	struct ipc_msg r;
	assert_int_equal(request((int)child, MM_PROCINFO, MM_PROCINFO_SELF, MM_PROCINFO_PAGING, 0, 0,
				 &r, NULL), child);
	assert_int_equal(r.w[3], 64);
	assert_mm_consistent();
	exit_proc((int)child, 0);
	assert_int_equal(pool_count(), pools);
	assert_mm_consistent();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		MM_TEST(vmstat_with_a_wrong_size_is_invalid_and_changes_nothing),
		MM_TEST(vmstat_of_a_pool_past_the_last_is_noent_and_changes_nothing),
		MM_TEST(vmstat_to_an_address_outside_every_region_is_a_fault),
		MM_TEST(vmstat_fills_the_global_pool_and_the_active_policy),
		MM_TEST(policy_with_a_bad_length_is_invalid_and_changes_nothing),
		MM_TEST(policy_with_an_unknown_name_is_invalid_and_changes_nothing),
		MM_TEST(policy_name_outside_every_region_is_a_fault),
		MM_TEST(policy_switches_every_pool_and_back),
		MM_TEST(policy_refusals_write_the_reason_and_change_nothing),
		MM_TEST(policy_values_out_of_range_or_twice_are_refused_with_the_parameter_named),
		MM_TEST(policy_with_a_bad_reason_buffer_is_refused_and_changes_nothing),
		MM_TEST(policy_info_with_a_bad_size_index_or_buffer_is_refused_and_changes_nothing),
		MM_TEST(policy_info_describes_every_policy_and_marks_the_active_one),
		MM_TEST(vmstat_reports_the_choice_as_text_and_the_new_counters),
		MM_TEST(module_read_with_a_bad_name_count_or_offset_is_refused_and_changes_nothing),
		MM_TEST(module_read_copies_a_modules_bytes_and_its_size),
		MM_TEST(procinfo_of_another_kind_is_invalid_and_paging_reports_the_budget),
		MM_TEST(events_with_a_bad_command_or_count_are_invalid_and_change_nothing),
		MM_TEST(events_overflowing_the_ring_count_the_lost_ones),
		MM_TEST(mmap_with_a_malformed_budget_is_invalid_and_changes_nothing),
		MM_TEST(mmap_with_a_budget_adds_a_pool_and_munmap_removes_it),
		MM_TEST(spawn_with_a_malformed_budget_is_invalid_and_changes_nothing),
		MM_TEST(spawn_with_a_budget_gives_the_child_its_pool),
	};
	return MM_RUN(tests);
}
