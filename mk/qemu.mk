# Running Pagoda in QEMU: make run, make gdb, and the QEMU system tests.
QEMU       := qemu-system-x86_64
# q35 with QEMU's Intel IOMMU and its edu device pinned at 00:04.0 (its
# bdf is the IOMMU's source id: it must not move); the tests boot the same
# (tests/qemu/lib.sh: MACHINE, IOMMU_MACHINE). make run DEMO=on|off|kill
# boots the rogue-DMA demo instead (boot/grub.cfg entries 1..3, docs/labs/
# dma.md): a second edu at 00:05.0, with a 32-bit DMA mask so
# that with iommu=off it reaches the victim anywhere in RAM.
QEMU_MACHINE := -machine q35 -device intel-iommu -device edu,addr=04.0
ROGUE_DEVICE := -device edu,addr=05.0,dma_mask=0xffffffff
ifneq ($(DEMO),)
ifeq ($(filter on off kill,$(DEMO)),)
$(error DEMO must be on, off or kill (the rogue-DMA demo: docs/labs/dma.md))
endif
RUN_ISO := $(DEMO_ISO_$(DEMO))
QEMU_MACHINE += $(ROGUE_DEVICE)
else
RUN_ISO := $(ISO)
endif
QEMU_BASE  := -accel $(ACCEL) $(QEMU_MACHINE) -m $(MEM) -no-reboot \
              -device isa-debug-exit,iobase=0xf4,iosize=0x04
ifneq ($(ACCEL),tcg)
ifneq ($(ACCEL),kvm)
$(error ACCEL must be tcg (default) or kvm)
endif
endif

.PHONY: run gdb test test-qemu

# The serial console is this terminal; Ctrl-A X quits QEMU.
run: $(RUN_ISO)
	@echo "Booting $(RUN_ISO) (serial console below; Ctrl-A X quits QEMU)"
	$(QEMU) $(QEMU_BASE) -cdrom $(RUN_ISO) -display none -serial mon:stdio; \
	  s=$$?; [ $$s -eq 33 ] && exit 0 || exit $$s

# QEMU paused with its GDB stub on :$(GDB_PORT); gdb attached with the
# kernel's symbols (the ELF64, not the ELF32 copy QEMU loads) and mm's,
# and PROG's too on request (make gdb PROG=hello; mm and programs all link
# at 0x400000: docs/debugging.md), plus tools/gdb/pagoda.py, the `pagoda`
# commands. MODS="mm init:hello hello" boots those modules with -kernel
# (as the QEMU tests do: no GRUB) instead of the ISO's shell; a module's
# arguments follow ':', separated by ',' (MODS="mm:swap=8,usermem=2 ...").
GDB_PORT ?= 1234
GDB_SYMS := -ex 'add-symbol-file $(B)/user/mm.elf' \
            $(if $(PROG),-ex 'add-symbol-file $(B)/user/$(PROG).elf')
GDB_BOOT = $(if $(MODS),-kernel $(B)/kernel32.elf -initrd "$$(for m in $(MODS); do \
	  p=$${m%%:*}; a=; [ "$$p" != "$$m" ] && a=" $$(echo "$$m" | cut -d: -f2- | tr , ' ')"; \
	  printf '%s%s' "$$sep" "$(B)/user/$$p.elf$$a"; sep=,; done)",-cdrom $(ISO))
gdb: $(if $(MODS),$(B)/kernel32.elf $(foreach m,$(MODS),$(B)/user/$(firstword $(subst :, ,$(m))).elf),$(ISO)) \
     $(B)/kernel.elf $(B)/user/mm.elf $(if $(PROG),$(B)/user/$(PROG).elf)
	$(QEMU) $(QEMU_BASE) $(GDB_BOOT) -display none -serial file:$(B)/gdb-serial.log \
	  -gdb tcp::$(GDB_PORT) -S & \
	gdb -q $(B)/kernel.elf -ex 'set confirm off' $(GDB_SYMS) -ex 'set confirm on' \
	  -x tools/gdb/pagoda.py -ex 'target remote :$(GDB_PORT)' -ex 'hbreak kmain' -ex 'continue'; \
	kill %1 2>/dev/null || true

QEMU_TEST_DEPS := $(B)/kernel32.elf $(USER_ELFS) $(TEST_ELFS) $(ISO) $(DEMO_ISO_on) $(DEMO_ISO_off)

test-qemu:
	@mkdir -p $(B)/results
	@rm -f $(B)/results/qemu.tap
	@if $(MAKE) --no-print-directory $(QEMU_TEST_DEPS) >$(B)/results/qemu.build 2>&1; then \
	  B=$(B) ACCEL=$(ACCEL) tests/qemu/run.sh $(B)/results/qemu.tap "$(T)"; \
	else \
	  tail -30 $(B)/results/qemu.build; \
	  echo "not ok - qemu: system images failed to build (see $(B)/results/qemu.build)" >$(B)/results/qemu.tap; \
	fi

# Everything, then the grading line "N passed, M failed".
test: deps-check
	@rm -rf $(B)/results
	-@$(MAKE) --no-print-directory test-host
	-@$(MAKE) --no-print-directory test-qemu
	-@$(MAKE) --no-print-directory test-labs
	@tests/summary.sh $(B)/results

# Guest costs: Pagoda's bench program and a Linux peer (Debian's kernel
# running bench/linux/lbench.c) in the same QEMU, each with -icount shift=0
# (rdtsc deltas = exact guest instruction counts, the same on any host) and
# without (host-clock ticks, compared as ratios within the run); then an
# IOMMU map + unmap on q35 with intel-iommu (iommu_probe, bench mode).
BENCH_CPU ?= max
.PHONY: bench-qemu
bench-qemu: $(B)/kernel32.elf $(B)/user/mm.elf $(B)/user/ramdisk.elf $(B)/user/devmgr.elf \
	    $(B)/user/edu.elf $(B)/user/init.elf $(B)/user/bench.elf $(B)/user/bench_echo.elf \
	    $(B)/user/iommu_probe.elf | deps-check
	@bench/guest.sh $(B) $(BENCH_CPU)
