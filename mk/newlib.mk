# newlib, built once into the build tree from Debian's newlib-source.
NEWLIB      := $(B)/newlib/install/x86_64-elf
NEWLIB_LIBC := $(NEWLIB)/lib/libc.a
$(NEWLIB_LIBC): tools/build-newlib.sh | deps-check
	@echo "  NEWLIB  (about a minute, once)"
	$(V)tools/build-newlib.sh $(B)
