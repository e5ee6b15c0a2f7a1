/*
 * test_options.c - the memory server's boot options (servers/mm/options.c):
 * the words after the file name on mm's module line set debug switches;
 * unknown words are reported and change nothing.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "mm_env.h"
#include "mm_stubs.h"

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
	assert_non_null(strstr(stub_print_buf, "mm: option 'chec' is unknown; ignored (known: check slab pages swaptest swap= usermem= policy=)\n"));
	assert_non_null(strstr(stub_print_buf, "mm: option 'checks' is unknown"));
	assert_non_null(strstr(stub_print_buf, "mm: option 'frobnicate' is unknown"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(no_words_after_the_file_name_mean_no_debug, setup),
		cmocka_unit_test_setup(each_known_word_sets_its_switch, setup),
		cmocka_unit_test_setup(the_first_word_is_the_file_name_even_if_it_looks_like_an_option, setup),
		cmocka_unit_test_setup(unknown_or_partial_words_are_reported_and_ignored, setup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
