# Host tests and benchmarks for the memory server's allocators (servers/mm).
# Included by the top-level Makefile. Conventions (see the Makefile):
#   HOST_TESTS += name
#   HOST_TEST_SRCS_name := tests/host/test_name.c servers/mm/x.c ...
# builds build/host/test_name with cmocka, ASan and UBSan, and `make test`
# runs it with TAP output into build/results/host-name.tap.

MM_CORE_SRCS := servers/mm/zone.c servers/mm/buddy.c tests/host/mm_stubs.c
MM_SLAB_SRCS := servers/mm/slab.c servers/mm/slab_debug.c servers/mm/kmalloc.c \
                tests/host/slab_fixture.c $(MM_CORE_SRCS)
MM_HOST_TESTS := zone buddy slab slab_debug options policy policy_classic policy_adaptive

HOST_TEST_SRCS_zone       := tests/host/test_zone.c $(MM_CORE_SRCS)
HOST_TEST_SRCS_buddy      := tests/host/test_buddy.c $(MM_CORE_SRCS)
HOST_TEST_SRCS_slab       := tests/host/test_slab.c $(MM_SLAB_SRCS)
HOST_TEST_SRCS_slab_debug := tests/host/test_slab_debug.c $(MM_SLAB_SRCS)
# The policies alone, as the simulator compiles them: policy.h and page.h,
# no other mm file; the machine is the simulator's model (tools/policysim).
HOST_TEST_SRCS_policy     := tests/host/test_policy.c $(POLICY_SRCS) tools/policysim/machine.c \
                             tests/host/cpp_trace.c
HOST_TEST_SRCS_policy_classic := tests/host/test_policy_classic.c $(POLICY_SRCS) \
                                 tools/policysim/machine.c tests/host/cpp_trace.c
HOST_TEST_SRCS_policy_adaptive := tests/host/test_policy_adaptive.c $(POLICY_SRCS) \
                                  tools/policysim/machine.c tests/host/mm_stubs.c
HOST_TEST_SRCS_options    := tests/host/test_options.c servers/mm/options.c tests/host/mm_stubs.c

# mk/host.mk expanded its build rules before this file was read, so the
# rules for these suites are instantiated here from the same template.
HOST_TESTS += $(MM_HOST_TESTS)
$(foreach t,$(MM_HOST_TESTS),$(eval $(call HOST_TEST_RULE,$(t))))
$(MM_HOST_TESTS:%=$(B)/host/test_%): $(wildcard servers/mm/*.h) $(wildcard tools/policysim/*.h)

.PHONY: test-mm
test-mm:
	@mkdir -p $(B)/results
	@for t in $(MM_HOST_TESTS) $(MM_POLICY_TESTS); do \
	  $(MAKE) --no-print-directory $(B)/host/test_$$t || exit 1; \
	  tests/run-host-test.sh $(B)/host/test_$$t $(B)/results/host-$$t.tap; \
	  printf '  %-16s %s passed, %s failed\n' $$t \
	    $$(grep -c '^ok ' $(B)/results/host-$$t.tap) $$(grep -c '^not ok ' $(B)/results/host-$$t.tap); \
	done

# ---- benchmark: `make bench-host` (the top-level `make bench` runs it) ----
# -O2, no sanitizers; never part of `make test`. One binary per allocator,
# because Debian's jemalloc replaces malloc itself.
BENCH_CFLAGS := -std=gnu11 -O2 -g $(WARN) -Wno-missing-prototypes $(INC) \
                -Iservers/mm -Ilib -Itests/host -DPAGODA_HOST_TEST=1
MM_ALLOC_SRCS := servers/mm/zone.c servers/mm/buddy.c servers/mm/slab.c \
                 servers/mm/slab_debug.c servers/mm/kmalloc.c tests/host/mm_stubs.c
BENCH_BINS := $(addprefix $(B)/bench/bench_,pagoda glibc jemalloc mimalloc)

$(B)/bench/bench_pagoda: bench/bench_alloc.c $(MM_ALLOC_SRCS) $(wildcard servers/mm/*.h) | deps-check
	@mkdir -p $(@D)
	@echo "  BENCHCC $@"
	$(V)$(CC) $(BENCH_CFLAGS) -DBENCH_ALLOCATOR=1 -o $@ bench/bench_alloc.c $(MM_ALLOC_SRCS)
$(B)/bench/bench_glibc: bench/bench_alloc.c | deps-check
	@mkdir -p $(@D)
	@echo "  BENCHCC $@"
	$(V)$(CC) $(BENCH_CFLAGS) -DBENCH_ALLOCATOR=2 -o $@ $<
$(B)/bench/bench_jemalloc: bench/bench_alloc.c | deps-check
	@mkdir -p $(@D)
	@echo "  BENCHCC $@"
	$(V)$(CC) $(BENCH_CFLAGS) -DBENCH_ALLOCATOR=3 -o $@ $< -ljemalloc
$(B)/bench/bench_mimalloc: bench/bench_alloc.c | deps-check
	@mkdir -p $(@D)
	@echo "  BENCHCC $@"
	$(V)$(CC) $(BENCH_CFLAGS) -DBENCH_ALLOCATOR=4 -o $@ $< -lmimalloc

.PHONY: bench-host
bench-host: $(BENCH_BINS)
	@bench/run.sh $(B)/bench

# ---- the memory server's policy code on the host --------------------------
# Every file of the server (MM_SRCS, mk/sources.mk: proc, region, fault,
# requests, shm, spawn, check and whatever joins them, over the real
# allocators) but the four that meet the real world: main.c (the request
# loop), env.c (newlib, the console), kcall.c (the system calls) and
# iommu.c (the IOMMU: tested in QEMU, tests/qemu/iommu_tests.sh). The
# fixture, mm_stubs.c and kcall_stub.c (a model of the kernel behind every
# SYS_MM_* call of servers/mm/kcall.h) stand in for them.
MM_POLICY_SRCS := $(filter-out servers/mm/main.c servers/mm/env.c servers/mm/kcall.c servers/mm/iommu.c,$(MM_SRCS)) \
                  tests/host/kcall_stub.c tests/host/kcall_iommu_stub.c tests/host/mm_fixture.c \
                  tests/host/mm_stubs.c tests/host/elf_builder.c
MM_POLICY_TESTS := kcall_stub region fault proc requests shm spawn backend paging_requests dev_requests \
                   iommu_domain
$(foreach t,$(MM_POLICY_TESTS),$(eval HOST_TEST_SRCS_$(t) := tests/host/test_$(t).c $(MM_POLICY_SRCS)))
# The swap core (swap*.c, reclaim.c, oom.c) also gets an in-memory swap
# device in place of the ramdisk (swapdev_stub.c).
MM_POLICY_TESTS += swap
HOST_TEST_SRCS_swap := tests/host/test_swap.c tests/host/swapdev_stub.c \
                       $(filter-out servers/mm/swapdev.c servers/mm/swapdev_selftest.c,$(MM_POLICY_SRCS))
# The swap device's mm side, with the real ramdisk handler as the device.
HOST_TEST_SRCS_swapdev := tests/host/test_swapdev.c $(MM_POLICY_SRCS) servers/ramdisk/ramdisk.c
MM_POLICY_TESTS += swapdev
# DMA: grants, streaming mappings and bounce buffers (dma.h), with the
# kernel model playing the device table and the exit report.
MM_POLICY_TESTS += dma dma_stream
HOST_TEST_SRCS_dma        := tests/host/test_dma.c tests/host/dma_fixture.c $(MM_POLICY_SRCS)
HOST_TEST_SRCS_dma_stream := tests/host/test_dma_stream.c tests/host/dma_fixture.c $(MM_POLICY_SRCS)
# memstat's and the shell's read-only requests (meminfo.c, module.c).
MM_POLICY_TESTS += info_requests
HOST_TEST_SRCS_info_requests := tests/host/test_info_requests.c $(MM_POLICY_SRCS)
HOST_TESTS += $(MM_POLICY_TESTS)
$(foreach t,$(MM_POLICY_TESTS),$(eval $(call HOST_TEST_RULE,$(t))))
$(MM_POLICY_TESTS:%=$(B)/host/test_%): $(wildcard servers/mm/*.h)
