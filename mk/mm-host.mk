# Host tests and benchmarks for the memory server's allocators (servers/mm).
# Included by the top-level Makefile. Conventions (see the Makefile):
#   HOST_TESTS += name
#   HOST_TEST_SRCS_name := tests/host/test_name.c servers/mm/x.c ...
# builds build/host/test_name with cmocka, ASan and UBSan, and `make test`
# runs it with TAP output into build/results/host-name.tap.
