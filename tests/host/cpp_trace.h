/*
 * cpp_trace.h - tests/traces/cpp.txt (tests/traces/README.md) for the
 * host policy suites: read once, on first use, with cmocka's asserts.
 */
#ifndef TESTS_HOST_CPP_TRACE_H
#define TESTS_HOST_CPP_TRACE_H

#include <stddef.h>

#define CPP_TRACE_REFS 9047     /* references */
#define CPP_TRACE_PAGES 1223    /* distinct pages, 1 .. 1223 */

/* The trace's page numbers, CPP_TRACE_REFS of them (*n is set too). */
const unsigned *cpp_trace(size_t *n);

#endif
