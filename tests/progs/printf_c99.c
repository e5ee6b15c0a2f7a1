/*
 * printf_c99 - newlib's printf family knows the C99 length modifiers
 * (newlib is configured with --enable-newlib-io-c99-formats): each case
 * formats with snprintf and compares the string with what C99 says it
 * must be. Without them newlib prints "zu" for %zu and takes the next
 * argument for the one after. Prints each mismatch, then
 * "printf_c99: PASS" (exit 0) or "printf_c99: FAIL (N of M)" (exit 1).
 */
#include <stdio.h>
#include <stdint.h>
#include <stddef.h>
#include <string.h>

static int cases, failures;

static void check(const char *what, const char *got, const char *want)
{
	cases++;
	if (strcmp(got, want) == 0)
		return;
	failures++;
	printf("printf_c99: %s gave '%s', expected '%s'\n", what, got, want);
}

int main(void)
{
	char buf[128];
	snprintf(buf, sizeof buf, "%zu %d", (size_t)5, 7);
	check("%zu %d", buf, "5 7");
	snprintf(buf, sizeof buf, "%zu", SIZE_MAX);
	check("%zu of SIZE_MAX", buf, "18446744073709551615");
	snprintf(buf, sizeof buf, "%zx", (size_t)0xdeadbeefcafeULL);
	check("%zx", buf, "deadbeefcafe");
	snprintf(buf, sizeof buf, "%jd %d", INTMAX_MIN, 3);
	check("%jd %d", buf, "-9223372036854775808 3");
	snprintf(buf, sizeof buf, "%ju", UINTMAX_MAX);
	check("%ju", buf, "18446744073709551615");
	snprintf(buf, sizeof buf, "%hhx %hhd", 0x1ff, 0x80);
	check("%hhx %hhd", buf, "ff -128");
	snprintf(buf, sizeof buf, "%lld %llx", -1234567890123LL, 0xfedcba9876543210ULL);
	check("%lld %llx", buf, "-1234567890123 fedcba9876543210");
	char arr[40];
	snprintf(buf, sizeof buf, "%td %d", &arr[3] - &arr[40], 9);
	check("%td %d", buf, "-37 9");
	snprintf(buf, sizeof buf, "[%5zu|%-4hhu|%03td]", (size_t)42, 300, (ptrdiff_t)7);
	check("widths", buf, "[   42|44  |007]");
	if (failures) {
		printf("printf_c99: FAIL (%d of %d)\n", failures, cases);
		return 1;
	}
	printf("printf_c99: PASS (%d cases)\n", cases);
	return 0;
}
