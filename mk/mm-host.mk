# Host tests and benchmarks for the memory server's allocators (servers/mm).
# Included by the top-level Makefile. Conventions (see the Makefile):
#   HOST_TESTS += name
#   HOST_TEST_SRCS_name := tests/host/test_name.c servers/mm/x.c ...
# builds build/host/test_name with cmocka, ASan and UBSan, and `make test`
# runs it with TAP output into build/results/host-name.tap.

MM_CORE_SRCS := servers/mm/zone.c servers/mm/buddy.c tests/host/mm_stubs.c
MM_HOST_TESTS := zone buddy slab

HOST_TEST_SRCS_zone  := tests/host/test_zone.c $(MM_CORE_SRCS)
HOST_TEST_SRCS_buddy := tests/host/test_buddy.c $(MM_CORE_SRCS)
HOST_TEST_SRCS_slab  := tests/host/test_slab.c servers/mm/slab.c servers/mm/kmalloc.c \
                        $(MM_CORE_SRCS)

# mk/host.mk expanded its build rules before this file was read, so the
# rules for these suites are instantiated here from the same template.
HOST_TESTS += $(MM_HOST_TESTS)
$(foreach t,$(MM_HOST_TESTS),$(eval $(call HOST_TEST_RULE,$(t))))
$(MM_HOST_TESTS:%=$(B)/host/test_%): $(wildcard servers/mm/*.h)

.PHONY: test-mm
test-mm:
	@mkdir -p $(B)/results
	@for t in $(MM_HOST_TESTS); do \
	  $(MAKE) --no-print-directory $(B)/host/test_$$t || exit 1; \
	  tests/run-host-test.sh $(B)/host/test_$$t $(B)/results/host-$$t.tap; \
	  printf '  %-10s %s passed, %s failed\n' $$t \
	    $$(grep -c '^ok ' $(B)/results/host-$$t.tap) $$(grep -c '^not ok ' $(B)/results/host-$$t.tap); \
	done
