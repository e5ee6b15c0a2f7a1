# The device enumerator (servers/devmgr/) and the user-space drivers
# (servers/drivers/*/): linked like programs (crt0, libsys, newlib), each
# from the .c files of its own folder, which it may include from.
DEVMGR_SRCS := servers/devmgr/main.c servers/devmgr/scan.c
EDU_SRCS    := servers/drivers/edu/main.c servers/drivers/edu/edu.c servers/drivers/edu/dma.c
ROGUE_SRCS  := servers/drivers/rogue/main.c
DRIVER_OBJS := $(patsubst %.c,$(B)/%.o,$(DEVMGR_SRCS) $(EDU_SRCS) $(ROGUE_SRCS))

$(B)/servers/devmgr/%.o: servers/devmgr/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -Iservers/devmgr -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(B)/servers/drivers/edu/%.o: servers/drivers/edu/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -Iservers/drivers/edu -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

define DRIVER_LINK
$(B)/user/$(1).elf: $$(patsubst %.c,$(B)/%.o,$(2)) $(CRT0) $(LIBSYS_A) $(NEWLIB_LIBC)
	@mkdir -p $$(@D)
	@echo "  LD      $$@"
	$(V)$(LD) $(ULDFLAGS) -o $$@ $(CRT0) $$(patsubst %.c,$(B)/%.o,$(2)) --start-group $(LIBSYS_A) \
		$(NEWLIB)/lib/libc.a $(NEWLIB)/lib/libm.a $(LIBGCC) --end-group
endef
$(B)/servers/drivers/rogue/%.o: servers/drivers/rogue/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -Iservers/drivers/rogue -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(eval $(call DRIVER_LINK,devmgr,$(DEVMGR_SRCS)))
$(eval $(call DRIVER_LINK,rogue,$(ROGUE_SRCS)))
$(eval $(call DRIVER_LINK,edu,$(EDU_SRCS)))

USER_ELFS += $(B)/user/devmgr.elf $(B)/user/edu.elf $(B)/user/rogue.elf
-include $(DRIVER_OBJS:.o=.d)
