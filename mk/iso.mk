# The GRUB ISO: grub-mkrescue (BIOS, i386-pc) over build/iso/.
ISO := $(B)/pagoda.iso
ISO_PROGS := mm init sh hello memstat touch spin

$(ISO): $(B)/kernel32.elf $(ISO_PROGS:%=$(B)/user/%.elf) boot/grub.cfg | deps-check
	@echo "  ISO     $@"
	$(V)rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub $(B)/tmp
	$(V)cp $(B)/kernel32.elf $(B)/iso/boot/kernel.elf
	$(V)cp $(ISO_PROGS:%=$(B)/user/%.elf) $(B)/iso/boot/
	$(V)cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	$(V)TMPDIR=$(abspath $(B)/tmp) grub-mkrescue -o $@ $(B)/iso >$(B)/grub-mkrescue.log 2>&1 || \
		{ cat $(B)/grub-mkrescue.log; exit 1; }

.PHONY: iso
iso: $(ISO)
	@echo "bootable ISO: $(ISO) ($$(du -h $(ISO) | cut -f1))"
