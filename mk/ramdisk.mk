# The ramdisk server (servers/ramdisk/), the swap device: linked like a
# program (crt0, libsys, newlib for memcpy), but it must never allocate
# or fault (see servers/ramdisk/ramdisk.c), so the link is checked: an
# image that pulls in malloc or stdio is deleted and the build fails.
RAMDISK_SRCS := servers/ramdisk/main.c servers/ramdisk/ramdisk.c
RAMDISK_OBJS := $(patsubst %.c,$(B)/%.o,$(RAMDISK_SRCS))
RAMDISK_ELF  := $(B)/user/ramdisk.elf

$(B)/servers/ramdisk/%.o: servers/ramdisk/%.c $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(UCFLAGS) -Iservers/ramdisk -MMD -MP -c $< -o $@
	$(V)$(USER_ONLY_CHECK)

$(RAMDISK_ELF): $(RAMDISK_OBJS) $(CRT0) $(LIBSYS_A) $(NEWLIB_LIBC)
	@mkdir -p $(@D)
	@echo "  LD      $@"
	$(V)$(LD) $(ULDFLAGS) -o $@ $(CRT0) $(RAMDISK_OBJS) --start-group $(LIBSYS_A) \
		$(NEWLIB)/lib/libc.a $(LIBGCC) --end-group
	$(V)if $(NM) $@ | grep -qwE 'malloc|_malloc_r|printf|_printf_r|puts|fwrite'; then \
		echo "error: $@ links $$($(NM) $@ | grep -owE 'malloc|_malloc_r|printf|_printf_r|puts|fwrite' | head -1): the ramdisk must not allocate"; \
		rm -f $@; exit 1; fi

USER_ELFS += $(RAMDISK_ELF)
-include $(RAMDISK_OBJS:.o=.d)
