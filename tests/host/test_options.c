/*
 * test_options.c - the memory server's boot options (servers/mm/options.c):
 * the words after the file name on mm's module line set debug switches;
 * unknown words are reported and change nothing; the KEY=VALUE settings
 * (swap=, usermem=, policy=, bounce=) fill struct mm_config, and a bad value is
 * reported, naming the option, and leaves the default.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "mm_env.h"
#include "config.h"
#include "mm_stubs.h"

#define MANAGED (1000ull << 8)      /* pages of a 1000 MiB machine */

static int setup(void **state)
{
	(void)state;
	stub_print_reset();
	return 0;
}

static void no_words_after_the_file_name_mean_no_debug(void **state)
{
	(void)state;
	assert_int_equal(mm_debug_parse("build/user/mm.elf"), 0);
	assert_int_equal(mm_debug_parse(""), 0);
	assert_int_equal(mm_debug_parse("   /boot/mm.elf    "), 0);
	assert_string_equal(stub_print_buf, "");
}

static void each_known_word_sets_its_switch(void **state)
{
	(void)state;
	assert_int_equal(mm_debug_parse("mm.elf check"), MM_DEBUG_CHECK);
	assert_int_equal(mm_debug_parse("mm.elf slab"), MM_DEBUG_SLAB);
	assert_int_equal(mm_debug_parse("mm.elf  pages  check slab"),
			 MM_DEBUG_PAGES | MM_DEBUG_CHECK | MM_DEBUG_SLAB);
	assert_int_equal(mm_debug_parse("mm.elf demo faultlog"), MM_DEBUG_DEMO | MM_DEBUG_FAULTLOG);
	assert_string_equal(stub_print_buf, "");
}

/* The file name itself is never taken for an option. */
static void the_first_word_is_the_file_name_even_if_it_looks_like_an_option(void **state)
{
	(void)state;
	assert_int_equal(mm_debug_parse("check"), 0);
	assert_int_equal(mm_debug_parse("check pages"), MM_DEBUG_PAGES);
}

static void unknown_or_partial_words_are_reported_and_ignored(void **state)
{
	(void)state;
	assert_int_equal(mm_debug_parse("mm.elf chec checks frobnicate pages"), MM_DEBUG_PAGES);
	assert_non_null(strstr(stub_print_buf, "mm: option 'chec' is unknown; ignored (known: check slab pages swaptest demo faultlog swap= usermem= policy= bounce=)\n"));
	assert_non_null(strstr(stub_print_buf, "mm: option 'checks' is unknown"));
	assert_non_null(strstr(stub_print_buf, "mm: option 'frobnicate' is unknown"));
}


static struct mm_config parse(const char *line)
{
	struct mm_config c;
	memset(&c, 0x5a, sizeof c);             /* parse must set every field */
	mm_config_parse(line, MANAGED, &c);
	return c;
}

static void without_settings_the_defaults_hold(void **state)
{
	(void)state;
	struct mm_config c = parse("mm.elf check pages");
	assert_int_equal(c.swap_pages, 0);
	assert_int_equal(c.usermem_pages, 0);
	assert_string_equal(c.policy, "");
	assert_false(c.bounce_force);
	assert_string_equal(stub_print_buf, "");
}

static void settings_are_read_in_mib_decimal_or_hex(void **state)
{
	(void)state;
	struct mm_config c = parse("mm.elf swap=256 usermem=0x60 policy=clock:hand=2");
	assert_int_equal(c.swap_pages, 256 << 8);
	assert_int_equal(c.usermem_pages, 96 << 8);
	assert_string_equal(c.policy, "clock:hand=2");
	c = parse("mm.elf swap=500 usermem=1000 swap=0");       /* the last word wins */
	assert_int_equal(c.swap_pages, 0);
	assert_int_equal(c.usermem_pages, 1000 << 8);
	assert_string_equal(stub_print_buf, "");
}

static void settings_are_not_taken_for_unknown_switches(void **state)
{
	(void)state;
	assert_int_equal(mm_debug_parse("mm.elf swap=256 usermem=0x policy=fifo swaptest"),
			 MM_DEBUG_SWAPTEST);
	assert_string_equal(stub_print_buf, "");
	assert_int_equal(mm_debug_parse("mm.elf swapx=1 swap"), 0);
	assert_non_null(strstr(stub_print_buf, "mm: option 'swapx=1' is unknown"));
	assert_non_null(strstr(stub_print_buf, "mm: option 'swap' is unknown"));
}

static void a_swap_size_that_is_not_a_number_is_reported_and_none_used(void **state)
{
	(void)state;
	static const char *const bad[] = { "swap=", "swap=abc", "swap=-1", "swap=+4", "swap=0x",
					   "swap=12M", "swap=4.5", "swap=99999999999999999999999" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char line[64];
		snprintf(line, sizeof line, "mm.elf swap=8 %s", bad[i]);
		stub_print_reset();
		assert_int_equal(parse(line).swap_pages, 0);
		char want[160];
		snprintf(want, sizeof want, "mm: option '%s' needs a size in MiB, 0..500 (at most half of "
			 "the 1000 MiB mm manages); using the default: 0 (no swap)\n", bad[i]);
		assert_string_equal(stub_print_buf, want);
	}
}

static void swap_above_half_the_memory_is_refused(void **state)
{
	(void)state;
	assert_int_equal(parse("mm.elf swap=500").swap_pages, 500 << 8);
	assert_string_equal(stub_print_buf, "");
	assert_int_equal(parse("mm.elf swap=501").swap_pages, 0);
	assert_non_null(strstr(stub_print_buf, "mm: option 'swap=501' needs a size in MiB, 0..500"));
}

static void a_bad_usermem_is_reported_and_no_cap_used(void **state)
{
	(void)state;
	static const char *const bad[] = { "usermem=0x", "usermem=-5", "usermem=1001", "usermem=x1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char line[64];
		snprintf(line, sizeof line, "mm.elf usermem=64 %s", bad[i]);
		stub_print_reset();
		assert_int_equal(parse(line).usermem_pages, 0);
		char want[160];
		snprintf(want, sizeof want, "mm: option '%s' needs a size in MiB, 0..1000 (the memory mm "
			 "manages; 0: no cap); using the default: 0 (no cap)\n", bad[i]);
		assert_string_equal(stub_print_buf, want);
	}
}

static void an_empty_or_overlong_policy_is_reported_and_the_default_used(void **state)
{
	(void)state;
	char line[200] = "mm.elf policy=fifo policy=";
	assert_string_equal(parse(line).policy, "");
	assert_non_null(strstr(stub_print_buf, "mm: option 'policy=' needs a policy, NAME or "
			       "NAME:PARAMS, 1..63 characters; using the default policy\n"));
	stub_print_reset();
	memset(line + strlen(line), 'p', MM_POLICY_ARG_MAX);
	line[strlen("mm.elf policy=fifo policy=") + MM_POLICY_ARG_MAX] = '\0';
	assert_string_equal(parse(line).policy, "");
	assert_non_null(strstr(stub_print_buf, "needs a policy"));
	stub_print_reset();
	memset(line, 0, sizeof line);
	strcpy(line, "mm.elf policy=");
	memset(line + strlen(line), 'q', MM_POLICY_ARG_MAX - 1);     /* the longest that fits */
	assert_int_equal(strlen(parse(line).policy), MM_POLICY_ARG_MAX - 1);
	assert_string_equal(stub_print_buf, "");
}

static void bounce_force_makes_every_streaming_mapping_bounce_and_auto_undoes_it(void **state)
{
	(void)state;
	assert_true(parse("mm.elf bounce=force").bounce_force);
	assert_false(parse("mm.elf bounce=force bounce=auto").bounce_force);  /* the last wins */
	assert_true(parse("mm.elf bounce=auto check bounce=force").bounce_force);
	assert_string_equal(stub_print_buf, "");
	assert_int_equal(mm_debug_parse("mm.elf bounce=force"), 0);           /* not a switch */
	assert_string_equal(stub_print_buf, "");
}

static void a_bad_bounce_word_is_reported_and_auto_used(void **state)
{
	(void)state;
	static const char *const bad[] = { "mm.elf bounce=force bounce=", "mm.elf bounce=forced",
					   "mm.elf bounce=Force", "mm.elf bounce=force bounce=1" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		stub_print_reset();
		assert_false(parse(bad[i]).bounce_force);
		assert_non_null(strstr(stub_print_buf, "needs force or auto; using the default: auto"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(no_words_after_the_file_name_mean_no_debug, setup),
		cmocka_unit_test_setup(each_known_word_sets_its_switch, setup),
		cmocka_unit_test_setup(the_first_word_is_the_file_name_even_if_it_looks_like_an_option, setup),
		cmocka_unit_test_setup(unknown_or_partial_words_are_reported_and_ignored, setup),
		cmocka_unit_test_setup(without_settings_the_defaults_hold, setup),
		cmocka_unit_test_setup(settings_are_read_in_mib_decimal_or_hex, setup),
		cmocka_unit_test_setup(settings_are_not_taken_for_unknown_switches, setup),
		cmocka_unit_test_setup(a_swap_size_that_is_not_a_number_is_reported_and_none_used, setup),
		cmocka_unit_test_setup(swap_above_half_the_memory_is_refused, setup),
		cmocka_unit_test_setup(a_bad_usermem_is_reported_and_no_cap_used, setup),
		cmocka_unit_test_setup(an_empty_or_overlong_policy_is_reported_and_the_default_used, setup),
		cmocka_unit_test_setup(bounce_force_makes_every_streaming_mapping_bounce_and_auto_undoes_it, setup),
		cmocka_unit_test_setup(a_bad_bounce_word_is_reported_and_auto_used, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
