/*
 * policysim_fixture.c - the simulator suites' shared stubs and helpers
 * (policysim_fixture.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "policysim_fixture.h"

unsigned policysim_bugs;

void mm_bug(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	policysim_bugs++;
}

void mm_print(const char *fmt, ...)
{
}

struct gen_spec fixture_spec(const char *text)
{
	struct gen_spec s;
	char err[160];
	if (gen_parse(text, strlen(text), &s, err, sizeof err) < 0)
		fail_msg("gen_parse(%s): %s", text, err);
	return s;
}

void fixture_file(char *path, const char *text)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}
