/*
 * test_lackey2trace.c - the Lackey converter (tools/policysim/lackey2trace.c),
 * run as a user runs it, on tests/host/data/lackey-excerpt.log: lines in
 * the format of valgrind 3.19's `--tool=lackey --trace-mem=yes` (copied
 * from a real log of a five-page program), with two accesses that cross
 * a page boundary added. The expected traces are computed by hand below
 * each test: a page is the hexadecimal address >> 12.
 *
 *   I  0401ab70,3     page 0x401a = 16410 (an instruction fetch)
 *    S 1fff000708,8   page 0x1fff000 = 33550336
 *    S 1fff000710,8   the same page
 *    L 1fff000718,8   the same page, read
 *    L 04222cac,8     page 0x4222 = 16930
 *    M 0421d9e8,4     page 0x421d = 16925, read then written
 *   I  04016d0,3      page 0x401 = 1025
 *    L 1fff000ffc,8   bytes 0x...ffc-0x...1003: pages 33550336 and 33550337
 *    M 0000fffe,4     bytes 0xfffe-0x10001: pages 15 and 16, both read, then both written
 *    S 1fff000700,8   page 33550336
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <cmocka.h>

#define EXCERPT "tests/host/data/lackey-excerpt.log"

/* Run a shell command; its stdout (stderr too if both) in out, the exit status returned. */
static int run(const char *cmd, char *out, size_t len)
{
	FILE *p = popen(cmd, "r");
	assert_non_null(p);
	size_t n = fread(out, 1, len - 1, p);
	out[n] = '\0';
	int status = pclose(p);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static void converts(const char *options, const char *expect)
{
	char cmd[256], out[4096];
	snprintf(cmd, sizeof cmd, "build/host/lackey2trace %s " EXCERPT " 2>/dev/null", options);
	assert_int_equal(run(cmd, out, sizeof out), 0);
	assert_string_equal(out, expect);
}

/* Loads read, stores write, a modify reads then writes; fetches and
 * valgrind's ==PID== lines are left out; a crossing access names both pages. */
static void loads_stores_and_modifies_become_reads_and_writes_of_their_pages(void **state)
{
	converts("", "33550336 W\n33550336 W\n33550336 R\n16930 R\n16925 R\n16925 W\n"
		     "33550336 R\n33550337 R\n15 R\n16 R\n15 W\n16 W\n33550336 W\n");
}

static void instruction_fetches_are_reads_with_the_instructions_option(void **state)
{
	converts("--instructions", "16410 R\n33550336 W\n33550336 W\n33550336 R\n16930 R\n16925 R\n16925 W\n"
				   "1025 R\n33550336 R\n33550337 R\n15 R\n16 R\n15 W\n16 W\n33550336 W\n");
}

/* 16410 0, 33550336 1, 16930 2, 16925 3, 1025 4, 33550337 5, 15 6, 16 7. */
static void dense_numbers_pages_in_order_of_first_reference(void **state)
{
	converts("--instructions --dense",
		 "0 R\n1 W\n1 W\n1 R\n2 R\n3 R\n3 W\n4 R\n1 R\n5 R\n6 R\n7 R\n6 W\n7 W\n1 W\n");
}

/* The two stores and the load of one page are one W line (a write
 * followed by a read is still a written page); the modify's read and write
 * of page 16925 are one W line; the crossing modify alternates pages and
 * stays as it is. */
static void collapse_merges_a_run_on_one_page_into_one_line_written_if_any_wrote(void **state)
{
	converts("--collapse", "33550336 W\n16930 R\n16925 W\n33550336 R\n33550337 R\n"
			       "15 R\n16 R\n15 W\n16 W\n33550336 W\n");
}

/* 8 KiB pages: address >> 13; 0x1fff000ffc-0x1fff001003 is one page now,
 * 0xfffe-0x10001 still two (7 and 8). */
static void a_larger_page_size_divides_by_it(void **state)
{
	converts("--page-size 8192", "16775168 W\n16775168 W\n16775168 R\n8465 R\n8462 R\n8462 W\n"
				     "16775168 R\n7 R\n8 R\n7 W\n8 W\n16775168 W\n");
}

/* The converter's output is a trace policysim reads: 8 distinct pages. */
static void the_converted_log_is_a_trace_policysim_reads(void **state)
{
	char out[4096];
	int rc = run("build/host/lackey2trace --instructions " EXCERPT " 2>/dev/null | "
		     "build/host/policysim --policy opt --frames 8 /dev/stdin", out, sizeof out);
	assert_int_equal(rc, 0);
	assert_non_null(strstr(out, "15 references, 8 distinct pages"));
}

/* A log with a line of its own is refused with the line named. */
static void refuses(const char *content, const char *options, const char *expect)
{
	char path[] = "/tmp/lackey-test-XXXXXX", cmd[256], out[1024];
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	fputs(content, f);
	fclose(f);
	snprintf(cmd, sizeof cmd, "build/host/lackey2trace %s %s 2>&1", options, path);
	int rc = run(cmd, out, sizeof out);
	remove(path);
	if (!strstr(out, expect))
		fail_msg("'%s' not in: %s", expect, out);
	assert_int_equal(rc, 2);
}

static void a_line_that_is_not_lackeys_is_refused_naming_it_with_status_2(void **state)
{
	refuses("==1== x\n L 1000,8\nhello from the program\n", "", ":3: not a Lackey");
	refuses(" L zz,8\n", "", ":1: not a Lackey");
	refuses(" L 1000,0\n", "", ":1:");
	refuses(" L 1000\n", "", ":1:");
	refuses("I 0401,3\n", "", ":1:");
	refuses(" X 1000,8\n", "", ":1:");
	refuses(" L 1000,8 junk\n", "", ":1:");
	refuses(" L ffffffffffffffff,8\n", "", ":1:");
}

static void bad_arguments_are_refused_with_status_2(void **state)
{
	refuses("", "--page-size 1000", "not a power of two");
	refuses("", "--page-size 256", "not a power of two");
	refuses("", "--page-size", "not a power of two");
	refuses("", "--bogus", "unknown option --bogus");
	refuses("", "/tmp/one-log-only", "one Lackey log at most");
	char out[2048];
	assert_int_equal(run("build/host/lackey2trace /nonexistent/log 2>&1", out, sizeof out), 2);
	assert_non_null(strstr(out, "/nonexistent/log: No such file"));
	assert_int_equal(run("build/host/lackey2trace --help", out, sizeof out), 0);
	assert_non_null(strstr(out, "usage: lackey2trace"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loads_stores_and_modifies_become_reads_and_writes_of_their_pages),
		cmocka_unit_test(instruction_fetches_are_reads_with_the_instructions_option),
		cmocka_unit_test(dense_numbers_pages_in_order_of_first_reference),
		cmocka_unit_test(collapse_merges_a_run_on_one_page_into_one_line_written_if_any_wrote),
		cmocka_unit_test(a_larger_page_size_divides_by_it),
		cmocka_unit_test(the_converted_log_is_a_trace_policysim_reads),
		cmocka_unit_test(a_line_that_is_not_lackeys_is_refused_naming_it_with_status_2),
		cmocka_unit_test(bad_arguments_are_refused_with_status_2),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
