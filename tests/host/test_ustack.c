/*
 * test_ustack.c - the initial stack layout (lib/ustack.c) that crt0.S
 * reads: argc, argv pointing at the words, NULL, empty environment,
 * 16-byte alignment, and the bounds on words and line length.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "ustack.h"

#define PAGE_VA 0x7ffffffef000ULL

static uint8_t page[4096] __attribute__((aligned(16)));

/* The word argv[i] points at, read back through the page. */
static const char *word(const uint64_t *sp, int i)
{
	uint64_t va = sp[1 + i];
	assert_true(va >= PAGE_VA && va < PAGE_VA + sizeof page);
	return (const char *)page + (va - PAGE_VA);
}

static const uint64_t *layout(const char *line)
{
	memset(page, 0xcc, sizeof page);
	vaddr_t rsp = ustack_init(page, PAGE_VA, line);
	assert_int_equal(rsp % 16, 0);
	assert_true(rsp >= PAGE_VA && rsp < PAGE_VA + sizeof page);
	return (const uint64_t *)(page + (rsp - PAGE_VA));
}

static void ustack_splits_words_at_spaces(void **state)
{
	const uint64_t *sp = layout("hello  a b");
	assert_int_equal(sp[0], 3);
	assert_string_equal(word(sp, 0), "hello");
	assert_string_equal(word(sp, 1), "a");
	assert_string_equal(word(sp, 2), "b");
	assert_int_equal(sp[4], 0);         /* argv[argc] */
	assert_int_equal(sp[5], 0);         /* envp[0] */
}

static void ustack_skips_leading_and_trailing_spaces(void **state)
{
	const uint64_t *sp = layout("  init x  ");
	assert_int_equal(sp[0], 2);
	assert_string_equal(word(sp, 0), "init");
	assert_string_equal(word(sp, 1), "x");
}

static void ustack_keeps_at_most_sixteen_words(void **state)
{
	const uint64_t *sp = layout("a b c d e f g h i j k l m n o p q r");
	assert_int_equal(sp[0], USTACK_ARGV_MAX);
	assert_string_equal(word(sp, 15), "p");
	assert_int_equal(sp[1 + USTACK_ARGV_MAX], 0);
}

static void ustack_bounds_the_line(void **state)
{
	char line[600];
	memset(line, 'w', sizeof line - 1);
	line[sizeof line - 1] = '\0';
	const uint64_t *sp = layout(line);
	assert_int_equal(sp[0], 1);
	assert_int_equal(strlen(word(sp, 0)), USTACK_LINE_MAX - 1);
}

static void ustack_empty_line_gives_no_arguments(void **state)
{
	const uint64_t *sp = layout("");
	assert_int_equal(sp[0], 0);
	assert_int_equal(sp[1], 0);
	assert_int_equal(sp[2], 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ustack_splits_words_at_spaces),
		cmocka_unit_test(ustack_skips_leading_and_trailing_spaces),
		cmocka_unit_test(ustack_keeps_at_most_sixteen_words),
		cmocka_unit_test(ustack_bounds_the_line),
		cmocka_unit_test(ustack_empty_line_gives_no_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
