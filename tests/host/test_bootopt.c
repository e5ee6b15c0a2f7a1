/*
 * test_bootopt.c - the kernel command line parser (kernel/bootopt.c),
 * compiled unchanged against tests/host/kstubs.c, which captures what it
 * prints: every rejected word must be reported with the exact message,
 * must count as an error, and must leave the defaults alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "bootopt.h"
#include "kstubs.h"

#define UNKNOWN   "' is unknown; ignored (known: quantum=N verbose quiet iommu=on|off)"
#define BAD_IOMMU "' needs on or off; using the default: on"
#define BAD_QUANT "' needs a number of ticks in 1..100; using the default 2"

static struct boot_options opt;

static int setup(void **state)
{
	kstub_log_clear();
	memset(&opt, 0xa5, sizeof opt);     /* the parser must set every field */
	return 0;
}

static void assert_defaults(const struct boot_options *o)
{
	assert_int_equal(o->quantum, BOOTOPT_QUANTUM_DEFAULT);
	assert_false(o->verbose);
	assert_false(o->quiet);
	assert_false(o->iommu_off);
}

static void assert_quiet_log(void)
{
	assert_int_equal(opt.errors, 0);
	assert_string_equal(kstub_log, "");
}

static void bootopt_empty_cmdline_gives_defaults(void **state)
{
	bootopt_parse("", &opt);
	assert_defaults(&opt);
	assert_quiet_log();
}

static void bootopt_blank_cmdline_gives_defaults(void **state)
{
	bootopt_parse("    ", &opt);
	assert_defaults(&opt);
	assert_quiet_log();
}

static void bootopt_sets_quantum(void **state)
{
	bootopt_parse("quantum=10", &opt);
	assert_int_equal(opt.quantum, 10);
	assert_false(opt.verbose);
	assert_quiet_log();
}

static void bootopt_accepts_quantum_bounds(void **state)
{
	bootopt_parse("quantum=1", &opt);
	assert_int_equal(opt.quantum, 1);
	bootopt_parse("quantum=100", &opt);
	assert_int_equal(opt.quantum, BOOTOPT_QUANTUM_MAX);
	bootopt_parse("quantum=007", &opt);
	assert_int_equal(opt.quantum, 7);
	assert_quiet_log();
}

static void expect_bad_quantum(const char *word)
{
	kstub_log_clear();
	char line[128];
	snprintf(line, sizeof line, "boot: option '%s" BAD_QUANT, word);
	bootopt_parse(word, &opt);
	assert_int_equal(opt.quantum, BOOTOPT_QUANTUM_DEFAULT);
	assert_int_equal(opt.errors, 1);
	assert_int_equal(kstub_log_count_line(line), 1);
	assert_int_equal(strlen(kstub_log), strlen(line) + 1);
}

static void bootopt_rejects_quantum_out_of_range(void **state)
{
	expect_bad_quantum("quantum=0");
	expect_bad_quantum("quantum=101");
	expect_bad_quantum("quantum=99999999999999999999999");
}

static void bootopt_rejects_quantum_that_is_not_a_number(void **state)
{
	expect_bad_quantum("quantum=");
	expect_bad_quantum("quantum=abc");
	expect_bad_quantum("quantum=5x");
	expect_bad_quantum("quantum=-3");
	expect_bad_quantum("quantum=+3");
	expect_bad_quantum("quantum=0x10");
}

static void bootopt_sets_verbose_and_quiet(void **state)
{
	bootopt_parse("verbose", &opt);
	assert_true(opt.verbose);
	assert_false(opt.quiet);
	bootopt_parse("quiet", &opt);
	assert_false(opt.verbose);
	assert_true(opt.quiet);
	assert_int_equal(opt.quantum, BOOTOPT_QUANTUM_DEFAULT);
	assert_quiet_log();
}

static void bootopt_parses_several_words_with_extra_spaces(void **state)
{
	bootopt_parse("  verbose   quantum=7 quiet  ", &opt);
	assert_true(opt.verbose);
	assert_true(opt.quiet);
	assert_int_equal(opt.quantum, 7);
	assert_quiet_log();
}

static void bootopt_reports_unknown_option(void **state)
{
	bootopt_parse("frobnicate", &opt);
	assert_defaults(&opt);
	assert_int_equal(opt.errors, 1);
	assert_string_equal(kstub_log, "boot: option 'frobnicate" UNKNOWN "\n");
}

static void bootopt_options_are_exact_and_case_sensitive(void **state)
{
	bootopt_parse("Verbose verbose=1 quantum quiet2", &opt);
	assert_defaults(&opt);
	assert_int_equal(opt.errors, 4);
	assert_int_equal(kstub_log_count_line("boot: option 'Verbose" UNKNOWN), 1);
	assert_int_equal(kstub_log_count_line("boot: option 'verbose=1" UNKNOWN), 1);
	assert_int_equal(kstub_log_count_line("boot: option 'quantum" UNKNOWN), 1);
	assert_int_equal(kstub_log_count_line("boot: option 'quiet2" UNKNOWN), 1);
}

static void bootopt_bad_word_does_not_stop_later_options(void **state)
{
	bootopt_parse("bogus quantum=zero verbose quantum=9", &opt);
	assert_true(opt.verbose);
	assert_int_equal(opt.quantum, 9);
	assert_int_equal(opt.errors, 2);
	assert_int_equal(kstub_log_count_line("boot: option 'bogus" UNKNOWN), 1);
	assert_int_equal(kstub_log_count_line("boot: option 'quantum=zero" BAD_QUANT), 1);
}

static void bootopt_reports_too_long_word_truncated(void **state)
{
	char cmd[128], line[128];
	memset(cmd, 'a', 64);
	strcpy(cmd + 64, " quiet");
	bootopt_parse(cmd, &opt);
	assert_true(opt.quiet);
	assert_int_equal(opt.errors, 1);
	/* The message quotes the first 63 characters. */
	snprintf(line, sizeof line, "boot: option '%.63s' is too long; ignored", cmd);
	assert_int_equal(kstub_log_count_line(line), 1);
	assert_int_equal(strlen(kstub_log), strlen(line) + 1);
}

static void bootopt_word_of_63_chars_is_not_too_long(void **state)
{
	char cmd[64], line[160];
	memset(cmd, 'b', 63);
	cmd[63] = '\0';
	bootopt_parse(cmd, &opt);
	assert_int_equal(opt.errors, 1);
	snprintf(line, sizeof line, "boot: option '%s" UNKNOWN, cmd);
	assert_int_equal(kstub_log_count_line(line), 1);
}

static void bootopt_too_long_quantum_keeps_default(void **state)
{
	char cmd[128];
	strcpy(cmd, "quantum=");
	memset(cmd + 8, '0', 60);
	strcpy(cmd + 68, "5");
	bootopt_parse(cmd, &opt);
	assert_int_equal(opt.quantum, BOOTOPT_QUANTUM_DEFAULT);
	assert_int_equal(opt.errors, 1);
}

static void bootopt_skips_kernel_path_words(void **state)
{
	bootopt_parse("build/kernel32.elf quantum=5 /boot/pagoda", &opt);
	assert_int_equal(opt.quantum, 5);
	assert_quiet_log();
}

static void bootopt_skips_path_longer_than_a_word(void **state)
{
	/* QEMU -kernel passes the path as given, which may be long. */
	char cmd[160];
	strcpy(cmd, "/home/student/src/pagoda/a/very/deeply/nested/checkout/build/kernel32.elf");
	assert_true(strlen(cmd) >= 64);
	strcat(cmd, " verbose");
	bootopt_parse(cmd, &opt);
	assert_true(opt.verbose);
	assert_quiet_log();
}

static void bootopt_word_with_slash_and_equals_is_an_option(void **state)
{
	bootopt_parse("root=/dev/sda", &opt);
	assert_defaults(&opt);
	assert_int_equal(opt.errors, 1);
	assert_string_equal(kstub_log, "boot: option 'root=/dev/sda" UNKNOWN "\n");
}

static void bootopt_later_quantum_wins(void **state)
{
	bootopt_parse("quantum=3 quantum=4", &opt);
	assert_int_equal(opt.quantum, 4);
	assert_quiet_log();
}

static void bootopt_iommu_off_and_on_the_last_wins(void **state)
{
	bootopt_parse("iommu=off", &opt);
	assert_true(opt.iommu_off);
	bootopt_parse("iommu=on", &opt);
	assert_false(opt.iommu_off);
	bootopt_parse("iommu=on quiet iommu=off", &opt);
	assert_true(opt.iommu_off);
	assert_true(opt.quiet);
	assert_quiet_log();
}

static void bootopt_rejects_iommu_values_but_off_and_on(void **state)
{
	const char *bad[] = { "iommu=", "iommu=OFF", "iommu=0", "iommu=offf", "iommu=off,on" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char line[128];
		kstub_log_clear();
		bootopt_parse(bad[i], &opt);
		snprintf(line, sizeof line, "boot: option '%s" BAD_IOMMU, bad[i]);
		assert_false(opt.iommu_off);
		assert_int_equal(opt.errors, 1);
		assert_int_equal(kstub_log_count_line(line), 1);
	}
	bootopt_parse("iommu", &opt);
	assert_int_equal(kstub_log_count_line("boot: option 'iommu" UNKNOWN), 1);
}

#define T(f) cmocka_unit_test_setup(f, setup)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(bootopt_empty_cmdline_gives_defaults),
		T(bootopt_blank_cmdline_gives_defaults),
		T(bootopt_sets_quantum),
		T(bootopt_accepts_quantum_bounds),
		T(bootopt_rejects_quantum_out_of_range),
		T(bootopt_rejects_quantum_that_is_not_a_number),
		T(bootopt_sets_verbose_and_quiet),
		T(bootopt_parses_several_words_with_extra_spaces),
		T(bootopt_reports_unknown_option),
		T(bootopt_options_are_exact_and_case_sensitive),
		T(bootopt_bad_word_does_not_stop_later_options),
		T(bootopt_reports_too_long_word_truncated),
		T(bootopt_word_of_63_chars_is_not_too_long),
		T(bootopt_too_long_quantum_keeps_default),
		T(bootopt_skips_kernel_path_words),
		T(bootopt_skips_path_longer_than_a_word),
		T(bootopt_word_with_slash_and_equals_is_an_option),
		T(bootopt_later_quantum_wins),
		T(bootopt_iommu_off_and_on_the_last_wins),
		T(bootopt_rejects_iommu_values_but_off_and_on),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
