/*
 * test_printf.c - the kernel's vsnprintf (lib/format.c), compiled
 * unchanged: every conversion, the flags and width, the length modifiers,
 * the extremes of each integer type, and the C99 truncation contract
 * (return the full length, never write past size, always terminate).
 *
 * Calls with a format gcc would object to (an unknown conversion, a
 * trailing '%') go through fmt(), which has no format attribute.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <limits.h>
#include <string.h>
#include <cmocka.h>
#include "format.h"

static char out[256];

/* Format into `out` and check the returned length matches what was written. */
#define FMT(...) do { \
	int n_ = fmt_snprintf(out, sizeof out, __VA_ARGS__); \
	assert_int_equal(n_, strlen(out)); \
} while (0)

static int fmt(char *buf, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = fmt_vsnprintf(buf, size, f, ap);
	va_end(ap);
	return n;
}

static void printf_copies_plain_text_and_percent(void **state)
{
	FMT("plain text");
	assert_string_equal(out, "plain text");
	FMT("100%% sure");
	assert_string_equal(out, "100% sure");
	FMT("%s", "");
	assert_string_equal(out, "");
}

static void printf_formats_signed_decimal(void **state)
{
	FMT("%d %i %d", 42, -7, 0);
	assert_string_equal(out, "42 -7 0");
	FMT("%d %d", INT_MAX, INT_MIN);
	assert_string_equal(out, "2147483647 -2147483648");
}

static void printf_formats_64_bit_extremes_with_l_and_ll(void **state)
{
	FMT("%ld", (long)INT64_MIN);
	assert_string_equal(out, "-9223372036854775808");
	FMT("%lld", (long long)INT64_MAX);
	assert_string_equal(out, "9223372036854775807");
	FMT("%lu", (unsigned long)UINT64_MAX);
	assert_string_equal(out, "18446744073709551615");
	FMT("%llx", (unsigned long long)UINT64_MAX);
	assert_string_equal(out, "ffffffffffffffff");
	FMT("%li", -1L);
	assert_string_equal(out, "-1");
}

static void printf_reads_only_an_int_without_length_modifier(void **state)
{
	/* A 32-bit conversion of a negative int must not see sign-extended bits. */
	FMT("%u %x", -1, -1);
	assert_string_equal(out, "4294967295 ffffffff");
	FMT("%u", UINT_MAX);
	assert_string_equal(out, "4294967295");
}

static void printf_formats_size_t_with_z(void **state)
{
	FMT("%zu %zx", (size_t)SIZE_MAX, (size_t)4096);
	assert_string_equal(out, "18446744073709551615 1000");
}

static void printf_ignores_h_modifier_for_values_that_fit(void **state)
{
	FMT("%hd %hu", (short)-5, (unsigned short)65535);
	assert_string_equal(out, "-5 65535");
}

static void printf_formats_hex_lower_and_upper(void **state)
{
	FMT("%x %X %lx", 0xbeefu, 0xbeefu, 0x123456789abcdefUL);
	assert_string_equal(out, "beef BEEF 123456789abcdef");
	FMT("%x", 0u);
	assert_string_equal(out, "0");
}

static void printf_alt_flag_adds_0x_prefix(void **state)
{
	FMT("%#x %#X %#lx", 0xffu, 0xffu, 0x100000UL);
	assert_string_equal(out, "0xff 0XFF 0x100000");
}

static void printf_alt_flag_is_ignored_for_decimal(void **state)
{
	assert_int_equal(fmt(out, sizeof out, "%#d %#u", 12, 34u), 5);
	assert_string_equal(out, "12 34");
}

static void printf_formats_pointers_with_0x(void **state)
{
	FMT("%p", (void *)0xffff800000001000UL);
	assert_string_equal(out, "0xffff800000001000");
	FMT("%p", (void *)NULL);
	assert_string_equal(out, "0x0");
}

static void printf_formats_strings_and_null_string(void **state)
{
	FMT("[%s]", "abc");
	assert_string_equal(out, "[abc]");
	const char *null = NULL;
	assert_int_equal(fmt(out, sizeof out, "[%s]", null), 8);
	assert_string_equal(out, "[(null)]");
}

static void printf_formats_chars(void **state)
{
	FMT("%c%c%c", 'a', 'Z', '0');
	assert_string_equal(out, "aZ0");
}

static void printf_right_aligns_to_width_with_spaces(void **state)
{
	FMT("[%5d][%5s][%3x]", 42, "ab", 0xau);
	assert_string_equal(out, "[   42][   ab][  a]");
}

static void printf_left_flag_pads_on_the_right(void **state)
{
	FMT("[%-5d][%-5s][%-#6x]", 42, "ab", 0xau);
	assert_string_equal(out, "[42   ][ab   ][0xa   ]");
}

static void printf_zero_flag_pads_after_sign_and_prefix(void **state)
{
	FMT("[%05d][%05d][%#010lx]", 42, -42, 0xbeefUL);
	assert_string_equal(out, "[00042][-0042][0x0000beef]");
	FMT("[%016lx]", 0x1000UL);
	assert_string_equal(out, "[0000000000001000]");
}

static void printf_left_flag_overrides_zero_flag(void **state)
{
	assert_int_equal(fmt(out, sizeof out, "[%-05d]", 7), 7);
	assert_string_equal(out, "[7    ]");
}

static void printf_width_smaller_than_value_does_not_truncate(void **state)
{
	FMT("[%2d][%1s][%3ld]", 12345, "long", (long)INT64_MIN);
	assert_string_equal(out, "[12345][long][-9223372036854775808]");
}

static void printf_negative_number_right_aligned_keeps_sign_next_to_digits(void **state)
{
	FMT("[%6d]", -42);
	assert_string_equal(out, "[   -42]");
}

static void printf_prints_unknown_conversion_literally(void **state)
{
	assert_int_equal(fmt(out, sizeof out, "a%qb"), 4);
	assert_string_equal(out, "a%qb");
}

static void printf_stops_at_trailing_percent(void **state)
{
	assert_int_equal(fmt(out, sizeof out, "abc%"), 3);
	assert_string_equal(out, "abc");
	assert_int_equal(fmt(out, sizeof out, "abc%-08l"), 3);
	assert_string_equal(out, "abc");
}

static void printf_truncation_returns_full_length_and_terminates(void **state)
{
	char buf[16];
	memset(buf, 'X', sizeof buf);
	assert_int_equal(fmt_snprintf(buf, 5, "hello %s", "world"), 11);
	assert_string_equal(buf, "hell");
	for (size_t i = 5; i < sizeof buf; i++)
		assert_int_equal(buf[i], 'X');
}

static void printf_truncates_inside_a_number_and_its_padding(void **state)
{
	char buf[8];
	memset(buf, 'X', sizeof buf);
	assert_int_equal(fmt_snprintf(buf, 4, "%08x", 0xabcu), 8);
	assert_string_equal(buf, "000");
	assert_int_equal(buf[4], 'X');
	assert_int_equal(fmt_snprintf(buf, 6, "%ld", (long)INT64_MIN), 20);
	assert_string_equal(buf, "-9223");
}

static void printf_exact_fit_is_not_truncated(void **state)
{
	char buf[6];
	assert_int_equal(fmt_snprintf(buf, sizeof buf, "%d", 12345), 5);
	assert_string_equal(buf, "12345");
	assert_int_equal(fmt_snprintf(buf, sizeof buf, "%d", 123456), 6);
	assert_string_equal(buf, "12345");
}

static void printf_size_one_writes_only_the_terminator(void **state)
{
	char buf[2] = { 'X', 'X' };
	assert_int_equal(fmt_snprintf(buf, 1, "abc"), 3);
	assert_int_equal(buf[0], '\0');
	assert_int_equal(buf[1], 'X');
}

static void printf_size_zero_writes_nothing_and_returns_length(void **state)
{
	char buf[1] = { 'X' };
	assert_int_equal(fmt_snprintf(buf, 0, "abc%d", 12), 5);
	assert_int_equal(buf[0], 'X');
	assert_int_equal(fmt_snprintf(NULL, 0, "%s=%#x", "key", 0x10u), 8);
}

static void printf_empty_format_gives_empty_string(void **state)
{
	char buf[4] = { 'X', 'X', 'X', 'X' };
	assert_int_equal(fmt(buf, sizeof buf, ""), 0);
	assert_int_equal(buf[0], '\0');
}

static int vformat_twice(char *a, char *b, size_t size, const char *f, ...)
{
	va_list ap;
	va_start(ap, f);
	int n = fmt_vsnprintf(a, size, f, ap);
	va_end(ap);
	va_start(ap, f);
	int m = fmt_vsnprintf(b, size, f, ap);
	va_end(ap);
	return n == m ? n : -1;
}

static void printf_vsnprintf_gives_same_result_on_repeated_calls(void **state)
{
	char a[64], b[64];
	assert_int_equal(vformat_twice(a, b, sizeof a, "%s:%lu:%c", "x", 99UL, 'y'), 6);
	assert_string_equal(a, "x:99:y");
	assert_string_equal(b, "x:99:y");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(printf_copies_plain_text_and_percent),
		cmocka_unit_test(printf_formats_signed_decimal),
		cmocka_unit_test(printf_formats_64_bit_extremes_with_l_and_ll),
		cmocka_unit_test(printf_reads_only_an_int_without_length_modifier),
		cmocka_unit_test(printf_formats_size_t_with_z),
		cmocka_unit_test(printf_ignores_h_modifier_for_values_that_fit),
		cmocka_unit_test(printf_formats_hex_lower_and_upper),
		cmocka_unit_test(printf_alt_flag_adds_0x_prefix),
		cmocka_unit_test(printf_alt_flag_is_ignored_for_decimal),
		cmocka_unit_test(printf_formats_pointers_with_0x),
		cmocka_unit_test(printf_formats_strings_and_null_string),
		cmocka_unit_test(printf_formats_chars),
		cmocka_unit_test(printf_right_aligns_to_width_with_spaces),
		cmocka_unit_test(printf_left_flag_pads_on_the_right),
		cmocka_unit_test(printf_zero_flag_pads_after_sign_and_prefix),
		cmocka_unit_test(printf_left_flag_overrides_zero_flag),
		cmocka_unit_test(printf_width_smaller_than_value_does_not_truncate),
		cmocka_unit_test(printf_negative_number_right_aligned_keeps_sign_next_to_digits),
		cmocka_unit_test(printf_prints_unknown_conversion_literally),
		cmocka_unit_test(printf_stops_at_trailing_percent),
		cmocka_unit_test(printf_truncation_returns_full_length_and_terminates),
		cmocka_unit_test(printf_truncates_inside_a_number_and_its_padding),
		cmocka_unit_test(printf_exact_fit_is_not_truncated),
		cmocka_unit_test(printf_size_one_writes_only_the_terminator),
		cmocka_unit_test(printf_size_zero_writes_nothing_and_returns_length),
		cmocka_unit_test(printf_empty_format_gives_empty_string),
		cmocka_unit_test(printf_vsnprintf_gives_same_result_on_repeated_calls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
