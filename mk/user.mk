# libsys and the user programs: static ELF64 executables at 0x400000,
# linked with newlib (build tree), libsys and libgcc.
UCFLAGS := -std=gnu11 -O2 -g $(WARN) -Wno-missing-prototypes $(INC) \
           -nostdinc -isystem $(NEWLIB)/include -isystem $(shell $(CC) -print-file-name=include) \
           -fno-pic -fno-pie -fno-stack-protector -ffunction-sections
ULDFLAGS := -static -nostdlib -z max-page-size=0x1000 -z separate-code -z noexecstack \
            -Ttext-segment=0x400000 --gc-sections
LIBGCC  := $(shell $(CC) -print-libgcc-file-name)

LIBSYS_OBJS := $(patsubst %,$(B)/%.o,$(filter-out libsys/src/crt0.S,$(LIBSYS_SRCS)))
CRT0        := $(B)/libsys/src/crt0.S.o
LIBSYS_A    := $(B)/libsys/libsys.a

# Layering, enforced: nothing compiled for user space (libsys, the servers,
# the programs) may include a kernel header. The compiler's own list of
# the headers an object read (its .d file) is checked after every compile;
# an object that read one under kernel/ is deleted and the build fails.
USER_ONLY_CHECK = if grep -q 'kernel/' $(@:.o=.d); then \
	echo "error: $< includes a kernel header: $$(grep -o 'kernel/[^ ]*' $(@:.o=.d) | head -1)"; \
	rm -f $@; exit 1; fi

# Every object depends on newlib's libc.a, not only its source: newlib's
# headers (newlib.h, inttypes.h) change with its configuration, and the
# compiler's .d files leave out system headers, so a rebuilt newlib
# (mk/newlib.mk) recompiles everything built against it.
$(B)/libsys/%.c.o: libsys/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(LIBSYS_A): $(LIBSYS_OBJS)
	@mkdir -p $(@D)
	$(V)rm -f $@ && ar rcs $@ $^

$(B)/user/%.o: user/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(B)/user/%.o: tests/progs/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(B)/user/%.elf: $(B)/user/%.o $(CRT0) $(LIBSYS_A) $(NEWLIB_LIBC)
	@echo "  LD      $@"
	$(V)$(LD) $(ULDFLAGS) -o $@ $(CRT0) $< --start-group $(LIBSYS_A) \
		$(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group

# The memory server links like a program, with its own _sbrk (env.c).
MM_OBJS := $(patsubst %.c,$(B)/mm/%.o,$(MM_SRCS))
$(B)/mm/%.o: %.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -Iservers/mm -Ilib -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(B)/user/mm.elf: $(MM_OBJS) $(CRT0) $(LIBSYS_A) $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(V)$(LD) $(ULDFLAGS) -o $@ $(CRT0) $(MM_OBJS) --start-group $(LIBSYS_A) \
		$(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group

USER_ELFS := $(B)/user/mm.elf $(USER_PROGS:%=$(B)/user/%.elf)
TEST_ELFS := $(TEST_PROGS:%=$(B)/user/%.elf)

.PHONY: user
user: $(USER_ELFS) $(TEST_ELFS)

-include $(MM_OBJS:.o=.d) $(LIBSYS_OBJS:.o=.d) $(USER_PROGS:%=$(B)/user/%.d) $(TEST_PROGS:%=$(B)/user/%.d)
