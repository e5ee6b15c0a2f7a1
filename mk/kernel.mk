# The kernel: ELF64 (for gdb), its ELF32 copy (for QEMU -kernel and GRUB),
# a disassembly listing and a symbol table on every build.
KOBJS := $(patsubst %,$(B)/%.o,$(BOOT_SRCS) $(ARCH_SRCS) $(KERNEL_SRCS)) \
         $(patsubst lib/%,$(B)/kernel/lib/%.o,$(LIB_SRCS))
KCFLAGS += -Ikernel/include -Ilib

# lib/ compiled the kernel's way (the memory server compiles it its own way).
$(B)/kernel/lib/%.c.o: lib/%.c | deps-check
	@mkdir -p $(@D)
	@echo "  CC      $< (kernel)"
	$(V)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/kernel/%.c.o: kernel/%.c | deps-check
	@mkdir -p $(@D)
	@echo "  CC      $<"
	$(V)$(CC) $(KCFLAGS) -MMD -MP -c $< -o $@

$(B)/%.S.o: %.S | deps-check
	@mkdir -p $(@D)
	@echo "  AS      $<"
	$(V)$(CC) $(KASFLAGS) -Ikernel -MMD -MP -c $< -o $@

$(B)/kernel.elf: $(KOBJS) boot/kernel.ld
	@echo "  LD      $@"
	$(V)$(LD) -n -T boot/kernel.ld -z max-page-size=0x1000 --no-warn-rwx-segments \
		-o $@ $(KOBJS)
	$(V)$(OBJDUMP) -d -S $@ > $(B)/kernel.asm
	$(V)$(NM) -n $@ > $(B)/kernel.sym

$(B)/kernel32.elf: $(B)/kernel.elf
	$(V)$(OBJCOPY) -O elf32-i386 $< $@

-include $(KOBJS:.o=.d)
