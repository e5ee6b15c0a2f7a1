/*
 * cpp_trace.c - the cpp trace, read once (cpp_trace.h). A missing or
 * short file fails the test that asked for it.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <cmocka.h>
#include "cpp_trace.h"

static unsigned *trace;
static size_t trace_n;

const unsigned *cpp_trace(size_t *n)
{
	if (!trace) {
		FILE *f = fopen("tests/traces/cpp.txt", "r");
		assert_non_null(f);
		trace = malloc(CPP_TRACE_REFS * sizeof *trace);
		assert_non_null(trace);
		unsigned v;
		while (fscanf(f, "%u", &v) == 1) {
			assert_true(trace_n < CPP_TRACE_REFS);
			trace[trace_n++] = v;
		}
		fclose(f);
		assert_int_equal(trace_n, CPP_TRACE_REFS);
	}
	*n = trace_n;
	return trace;
}
