/*
 * test_policy_template.c - the lab's policy template
 * (docs/labs/policy_template.c), registered in policy_table the way
 * docs/labs/policy.md tells a student to (mk/policysim.mk makes that
 * copy of servers/mm/policy.c), on the simulator's model: found by name
 * with its parameter, FIFO's faults on Belady's string, Clock's victims
 * with spare=1, the pool's invariants after every reference, another
 * frame when a victim is refused, and the simulator built with it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>
#include "machine.h"
#include "policysim.h"
#include "policysim_fixture.h"

static struct policy_choice choose(const char *name)
{
	struct policy_choice c;
	char why[80];
	if (policy_parse(name, strlen(name), &c, why, sizeof why) < 0)
		fail_msg("policy_parse(%s): %s", name, why);
	return c;
}

static void the_template_is_in_the_table_by_name_with_its_parameter(void **state)
{
	assert_non_null(policy_find("template"));
	struct policy_choice c = choose("template:spare=1");
	assert_ptr_equal(c.policy, policy_find("template"));
	assert_int_equal(c.param[0], 1);
	assert_int_equal(choose("template").param[0], 0);
	char why[80];
	assert_int_equal(policy_parse("template:spare=2", 16, &c, why, sizeof why) < 0, 1);
}

static uint64_t faults(const char *policy, const struct trace *t, unsigned frames)
{
	uint64_t f;
	policysim_bugs = 0;
	assert_int_equal(sim_faults(policy, t, frames, true, &f), 0);
	assert_int_equal(policysim_bugs, 0);
	return f;
}

static void the_template_takes_fifos_9_and_10_faults_on_beladys_string(void **state)
{
	static const unsigned b[] = { 1, 2, 3, 4, 1, 2, 5, 1, 2, 3, 4, 5 };
	struct trace t;
	trace_from(&t, b, 12);
	assert_int_equal(faults("template", &t, 3), 9);
	assert_int_equal(faults("template", &t, 4), 10);
	trace_free(&t);
}

/* With spare=1 it is Clock: the same faults on a shifting working set,
 * at every frame count; without, FIFO's. */
static void with_spare_1_the_template_takes_clocks_faults_and_without_fifos(void **state)
{
	struct gen_spec s = fixture_spec("shift:pages=300,len=20000,hot=40,phase=3000,writes=30");
	struct trace t;
	trace_generate(&t, &s);
	for (unsigned frames = 10; frames <= 100; frames += 15) {
		assert_int_equal(faults("template:spare=1", &t, frames), faults("clock", &t, frames));
		assert_int_equal(faults("template", &t, frames), faults("fifo", &t, frames));
	}
	assert_true(faults("template:spare=1", &t, 40) < faults("template", &t, 40));
	trace_free(&t);
}

/* The pool's invariants (policy.c's P1-P4) after every reference. */
static void the_template_keeps_the_pools_invariants_at_every_step(void **state)
{
	struct gen_spec s = fixture_spec("random:pages=60,len=3000,writes=50,seed=8");
	for (unsigned spare = 0; spare < 2; spare++) {
		struct policy_choice c = choose(spare ? "template:spare=1" : "template");
		policysim_bugs = 0;
		machine_init(16, 60, &c, true);
		for (uint64_t i = 0; i < s.len; i++) {
			machine_reference(gen_page(&s, i), gen_write(&s, i));
			assert_int_equal(policy_pool_check(&machine.pool), 0);
			assert_int_equal(machine.pool.pages, i < 16 ? machine.used : 16);
		}
		machine_fini();
		assert_int_equal(policysim_bugs, 0);
	}
}

/* Asked twice without a remove (mm could not evict it), it offers
 * another frame, then comes back round. */
static void a_refused_victim_is_passed_over_for_another_frame(void **state)
{
	struct policy_choice c = choose("template");
	machine_init(3, 8, &c, true);
	for (unsigned p = 0; p < 3; p++)
		machine_reference(p, false);
	pfn_t first = machine.pol->victim(&machine.pool);
	pfn_t second = machine.pol->victim(&machine.pool);
	pfn_t third = machine.pol->victim(&machine.pool);
	assert_int_equal(first, 0);
	assert_int_not_equal(second, first);
	assert_int_not_equal(third, second);
	assert_int_equal(policy_pool_check(&machine.pool), 0);
	machine_fini();
}

/* The simulator built with the template registered, run as a student runs it. */
static void the_simulator_built_with_the_template_runs_it_by_name(void **state)
{
	char out[4096] = "";
	FILE *p = popen("build/host/policysim-template --gen belady --policy template "
			"--frames 3,4 --csv 2>&1", "r");
	assert_non_null(p);
	out[fread(out, 1, sizeof out - 1, p)] = '\0';
	int status = pclose(p);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	if (!strstr(out, ",template,3,12,9,") || !strstr(out, ",template,4,12,10,"))
		fail_msg("not FIFO's 9 and 10 faults: %s", out);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_template_is_in_the_table_by_name_with_its_parameter),
		cmocka_unit_test(the_template_takes_fifos_9_and_10_faults_on_beladys_string),
		cmocka_unit_test(with_spare_1_the_template_takes_clocks_faults_and_without_fifos),
		cmocka_unit_test(the_template_keeps_the_pools_invariants_at_every_step),
		cmocka_unit_test(a_refused_victim_is_passed_over_for_another_frame),
		cmocka_unit_test(the_simulator_built_with_the_template_runs_it_by_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
