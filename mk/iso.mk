# The GRUB ISO: grub-mkrescue (BIOS, i386-pc) over build/iso/. Programs go
# in without debug info (smaller modules load faster); gdb uses build/user/.
ISO := $(B)/pagoda.iso
ISO_PROGS := mm ramdisk devmgr edu init sh hello memstat touch spin fill events policy replay \
             edudemo

$(ISO): $(B)/kernel32.elf $(ISO_PROGS:%=$(B)/user/%.elf) boot/grub.cfg | deps-check
	@echo "  ISO     $@"
	$(V)rm -rf $(B)/iso && mkdir -p $(B)/iso/boot/grub $(B)/tmp
	$(V)strip -g -o $(B)/iso/boot/kernel.elf $(B)/kernel32.elf
	$(V)for p in $(ISO_PROGS); do strip -g -o $(B)/iso/boot/$$p.elf $(B)/user/$$p.elf; done
	$(V)cp boot/grub.cfg $(B)/iso/boot/grub/grub.cfg
	$(V)TMPDIR=$(abspath $(B)/tmp) grub-mkrescue --install-modules="multiboot normal iso9660 biosdisk part_msdos" --fonts= --locales= --themes= -o $@ $(B)/iso >$(B)/grub-mkrescue.log 2>&1 || \
		{ cat $(B)/grub-mkrescue.log; exit 1; }

.PHONY: iso
iso: $(ISO)
	@echo "bootable ISO: $(ISO) ($$(du -h $(ISO) | cut -f1))"
