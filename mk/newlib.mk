# newlib, built once into the build tree from Debian's newlib-source.
# The build leaves a stamp named after a checksum of its configuration
# (tools/build-newlib.sh --stamp). While no stamp of that name exists (the
# configuration, or newlib-source, changed since the last build), libc.a
# depends on a phony target and so is built again, and everything linked
# with it relinks.
NEWLIB       := $(B)/newlib/install/x86_64-elf
NEWLIB_LIBC  := $(NEWLIB)/lib/libc.a
NEWLIB_STAMP := $(shell tools/build-newlib.sh --stamp $(B))

ifeq ($(wildcard $(NEWLIB_STAMP)),)
.PHONY: newlib-configuration-changed
newlib-configuration-changed:
$(NEWLIB_LIBC): newlib-configuration-changed
endif

$(NEWLIB_LIBC): | deps-check
	@echo "  NEWLIB  (about a minute, once per configuration)"
	$(V)tools/build-newlib.sh $(B)
