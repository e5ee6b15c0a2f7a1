# Host unit tests: cmocka, compiled with the host gcc under AddressSanitizer
# and UBSan, linking the REAL sources under test (unchanged) with small stubs.
#
# A test suite registers itself with
#   HOST_TESTS += name
#   HOST_TEST_SRCS_name := tests/host/test_name.c <real sources> <stubs>
# and is built as $(B)/host/test_name and run by `make test-host`, which
# writes TAP verdicts to $(B)/results/host-name.tap.

HOST_CFLAGS := -std=gnu11 -O1 -g $(WARN) -Wno-missing-prototypes $(INC) \
               -Ikernel -Ilib -Iservers/mm -Iservers/ramdisk -Itests/host -Itools/policysim \
               -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer -DPAGODA_HOST_TEST=1
HOST_LDLIBS := -lcmocka

HOST_TESTS += printf bootinfo_map bootinfo_modules bootopt elf ustack
HOST_TEST_SRCS_printf   := tests/host/test_printf.c lib/format.c
BOOTINFO_SRCS := kernel/bootinfo.c lib/format.c tests/host/kstubs.c tests/host/bootinfo_fixture.c
HOST_TEST_SRCS_bootinfo_map     := tests/host/test_bootinfo_map.c $(BOOTINFO_SRCS)
HOST_TEST_SRCS_bootinfo_modules := tests/host/test_bootinfo_modules.c $(BOOTINFO_SRCS)
HOST_TEST_SRCS_bootopt  := tests/host/test_bootopt.c kernel/bootopt.c lib/format.c tests/host/kstubs.c
HOST_TEST_SRCS_elf      := tests/host/test_elf.c tests/host/elf_builder.c lib/elf.c
HOST_TEST_SRCS_ustack   := tests/host/test_ustack.c lib/ustack.c
# The ramdisk's request handler, real, over fake storage and window.
HOST_TESTS += ramdisk
HOST_TEST_SRCS_ramdisk  := tests/host/test_ramdisk.c servers/ramdisk/ramdisk.c
$(B)/host/test_ramdisk: servers/ramdisk/ramdisk.h libsys/include/pagoda/blk.h
# DMA pools for drivers (libsys), over a host stand-in for the grant calls.
HOST_TESTS += dmapool
HOST_TEST_SRCS_dmapool  := tests/host/test_dmapool.c libsys/src/dmapool.c
$(B)/host/test_dmapool: libsys/include/pagoda/dma.h
# pagetable.c is #included by its test (x86.h's privileged instructions replaced)
HOST_TESTS += pagetable
HOST_TEST_SRCS_pagetable := tests/host/test_pagetable.c
$(B)/host/test_pagetable: kernel/arch/x86_64/pagetable.c kernel/pagetable.h kernel/arch/x86_64/mmu.h

# The IOMMU's pure parts: the record of its frames, the ACPI/DMAR parser,
# the VT-d tables (vtd_table.c and vtd_check.c are #included by their
# test, x86.h's clflush replaced) and the fault interrupt (vtd_fault.c,
# #included, over a model of the fault registers).
HOST_TESTS += frameset acpi vtd_table vtd_fault
HOST_TEST_SRCS_frameset := tests/host/test_frameset.c kernel/frameset.c lib/format.c tests/host/kstubs.c
HOST_TEST_SRCS_acpi := tests/host/test_acpi.c kernel/arch/x86_64/acpi.c kernel/arch/x86_64/dmar.c \
                       lib/format.c tests/host/kstubs.c
HOST_TEST_SRCS_vtd_table := tests/host/test_vtd_table.c kernel/frameset.c kernel/supply.c lib/format.c \
                            tests/host/kstubs.c
HOST_TEST_SRCS_vtd_fault := tests/host/test_vtd_fault.c lib/format.c tests/host/kstubs.c
$(B)/host/test_vtd_fault: kernel/arch/x86_64/vtd_fault.c kernel/arch/x86_64/vtd.h \
                          kernel/arch/x86_64/vtd_regs.h kernel/iommu.h
$(B)/host/test_frameset: kernel/frameset.h
$(B)/host/test_acpi: kernel/arch/x86_64/acpi.h kernel/arch/x86_64/dmar.h
$(B)/host/test_vtd_table: kernel/arch/x86_64/vtd_table.c kernel/arch/x86_64/vtd_check.c \
                          kernel/arch/x86_64/vtd_table.h kernel/arch/x86_64/vtd_table_internal.h \
                          kernel/arch/x86_64/vtd_regs.h kernel/frameset.h

# The PCI layer (pci.c, #included by its test over a model of the
# configuration ports) and the device table (device.c over a model of
# the PCI layer and the process table).
HOST_TESTS += pci device
HOST_TEST_SRCS_pci    := tests/host/test_pci.c lib/format.c tests/host/kstubs.c
HOST_TEST_SRCS_device := tests/host/test_device.c kernel/device.c lib/format.c tests/host/kstubs.c
$(B)/host/test_pci: kernel/arch/x86_64/pci.c kernel/arch/x86_64/arch.h libsys/include/pagoda/dev.h
$(B)/host/test_device: kernel/device.h kernel/proc.h kernel/arch/x86_64/arch.h libsys/include/pagoda/dev.h

# Every source compiles once, to $(B)/host/obj/SRC.o with its header
# dependencies (every suite has the same flags, so suites share objects),
# and a suite links its objects: a changed file recompiles alone (a lab
# handout's check rebuilds only what its fences touched).
HOST_OBJS = $(patsubst %,$(B)/host/obj/%.o,$(1))
$(B)/host/obj/%.c.o: %.c | deps-check
	@mkdir -p $(@D)
	@echo "  HOSTCC  $<"
	$(V)$(CC) $(HOST_CFLAGS) -MMD -MP -c $< -o $@

define HOST_TEST_RULE
$(B)/host/test_$(1): $$(call HOST_OBJS,$$(HOST_TEST_SRCS_$(1))) $$(wildcard tests/host/*.h) | deps-check
	@mkdir -p $$(@D)
	@echo "  HOSTLD  $$@"
	$(V)$(CC) $(HOST_CFLAGS) -o $$@ $$(call HOST_OBJS,$$(HOST_TEST_SRCS_$(1))) $(HOST_LDLIBS)
-include $$(patsubst %.o,%.d,$$(call HOST_OBJS,$$(HOST_TEST_SRCS_$(1))))
endef
$(foreach t,$(HOST_TESTS),$(eval $(call HOST_TEST_RULE,$(t))))

# Build failures are recorded as failing verdicts, never skipped. Every
# binary is built first, nproc at a time (-k: past failures); the loop's
# make then has nothing left to do but redo a failed build into its log.
.PHONY: test-host
test-host:
	@mkdir -p $(B)/results
	@rm -f $(B)/results/host-*.tap
	@$(MAKE) --no-print-directory -k -j"$$(nproc)" $(HOST_TESTS:%=$(B)/host/test_%) >$(B)/results/host-all.log 2>&1 || true
	@for t in $(HOST_TESTS); do \
	  if $(MAKE) --no-print-directory $(B)/host/test_$$t >$(B)/results/host-$$t.build 2>&1; then \
	    tests/run-host-test.sh $(B)/host/test_$$t $(B)/results/host-$$t.tap; \
	  else \
	    echo "not ok - host $$t: failed to build (see $(B)/results/host-$$t.build)" >$(B)/results/host-$$t.tap; \
	    tail -20 $(B)/results/host-$$t.build; \
	  fi; \
	  printf '  %-16s %s passed, %s failed\n' $$t \
	    $$(grep -c '^ok ' $(B)/results/host-$$t.tap) $$(grep -c '^not ok ' $(B)/results/host-$$t.tap); \
	done
