# The page-replacement lab inside the OS (docs/policies.md). `replay`
# links the simulator's generator of reference strings
# (tools/policysim/gen.c, written to compile into both), so the QEMU test
# tests/qemu/replay_tests.sh can compare the OS's fault counts with
# policysim's for the same `--gen` workload. Included after mk/qemu.mk:
# the system tests need the simulator.

GEN_SRC := tools/policysim/gen.c

$(B)/user/replay.o: UCFLAGS += -Itools/policysim

$(B)/user/gen.o: $(GEN_SRC) tools/policysim/gen.h $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(B)/user/replay.elf: $(B)/user/replay.o $(B)/user/gen.o $(CRT0) $(LIBSYS_A) $(NEWLIB_LIBC)
	@echo "  LD      $@"
	$(V)$(LD) $(ULDFLAGS) -o $@ $(CRT0) $(B)/user/replay.o $(B)/user/gen.o --start-group \
		$(LIBSYS_A) $(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group

QEMU_TEST_DEPS += $(B)/host/policysim

-include $(B)/user/gen.d
