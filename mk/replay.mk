# The page-replacement lab inside the OS (docs/policies.md). `replay`
# links the reference-string generator it shares with the host
# (tools/policysim/refgen.c); `tracegen` (tools/tracegen.c) writes the
# same strings as trace files for policysim, so the QEMU test
# tests/qemu/replay_tests.sh can compare the OS's fault counts with the
# simulator's. Included after mk/qemu.mk: the system tests need both
# host tools.

REFGEN_SRC := tools/policysim/refgen.c

$(B)/user/replay.o: UCFLAGS += -Itools/policysim

$(B)/user/refgen.o: $(REFGEN_SRC) $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(B)/user/replay.elf: $(B)/user/replay.o $(B)/user/refgen.o $(CRT0) $(LIBSYS_A) $(NEWLIB_LIBC)
	@echo "  LD      $@"
	$(V)$(LD) $(ULDFLAGS) -o $@ $(CRT0) $(B)/user/replay.o $(B)/user/refgen.o --start-group \
		$(LIBSYS_A) $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group

$(B)/host/tracegen: tools/tracegen.c $(REFGEN_SRC) tools/policysim/refgen.h | deps-check
	@mkdir -p $(@D)
	@echo "  HOSTCC  $@"
	$(V)$(CC) $(POLICYSIM_CFLAGS) -o $@ tools/tracegen.c $(REFGEN_SRC)

.PHONY: tracegen
tracegen: $(B)/host/tracegen

QEMU_TEST_DEPS += $(B)/host/tracegen $(B)/host/policysim

# The generator's host suite (tests/host/test_refgen.c).
HOST_TESTS += refgen
HOST_TEST_SRCS_refgen := tests/host/test_refgen.c $(REFGEN_SRC)
$(eval $(call HOST_TEST_RULE,refgen))
$(B)/host/test_refgen: tools/policysim/refgen.h

-include $(B)/user/refgen.d
