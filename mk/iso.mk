# The GRUB ISO: grub-mkrescue (BIOS, i386-pc) over build/iso/. Programs go
# in without debug info (smaller modules load faster); gdb uses build/user/.
ISO := $(B)/pagoda.iso
ISO_PROGS := mm ramdisk devmgr edu rogue init sh hello memstat touch spin fill events policy replay \
             edudemo victim

# iso_rule ISO, DIR, GRUB-ENTRY: the ISO booting that entry of boot/grub.cfg.
define iso_rule
$(1): $(B)/kernel32.elf $(ISO_PROGS:%=$(B)/user/%.elf) boot/grub.cfg | deps-check
	@echo "  ISO     $$@"
	$(V)rm -rf $(2) && mkdir -p $(2)/boot/grub $(B)/tmp
	$(V)strip -g -o $(2)/boot/kernel.elf $(B)/kernel32.elf
	$(V)for p in $(ISO_PROGS); do strip -g -o $(2)/boot/$$$$p.elf $(B)/user/$$$$p.elf; done
	$(V)sed 's/^set default=0$$$$/set default=$(3)/' boot/grub.cfg >$(2)/boot/grub/grub.cfg
	$(V)TMPDIR=$(abspath $(B)/tmp) grub-mkrescue --install-modules="multiboot normal iso9660 biosdisk part_msdos" --fonts= --locales= --themes= -o $$@ $(2) >$(B)/grub-mkrescue.log 2>&1 || \
		{ cat $(B)/grub-mkrescue.log; exit 1; }
endef
$(eval $(call iso_rule,$(ISO),$(B)/iso,0))
# The rogue-DMA demo's ISOs (make run DEMO=on|off|kill): grub.cfg's entries 1..3.
DEMO_ISO_on   := $(B)/pagoda-demo-on.iso
DEMO_ISO_off  := $(B)/pagoda-demo-off.iso
DEMO_ISO_kill := $(B)/pagoda-demo-kill.iso
$(eval $(call iso_rule,$(DEMO_ISO_on),$(B)/iso-demo-on,1))
$(eval $(call iso_rule,$(DEMO_ISO_off),$(B)/iso-demo-off,2))
$(eval $(call iso_rule,$(DEMO_ISO_kill),$(B)/iso-demo-kill,3))

.PHONY: iso
iso: $(ISO)
	@echo "bootable ISO: $(ISO) ($$(du -h $(ISO) | cut -f1))"
