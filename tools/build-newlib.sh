#!/usr/bin/env bash
# Build newlib (Debian's newlib-source) for x86_64-elf into the build tree.
# usage: tools/build-newlib.sh BUILD_DIR           build it
#        tools/build-newlib.sh --stamp BUILD_DIR   print the stamp file's name
# Result: BUILD_DIR/newlib/install/x86_64-elf/{include,lib/libc.a,lib/libm.a},
# and BUILD_DIR/newlib/stamp-<checksum>, where the checksum covers the
# source tarball's name and every configure argument (print_config below).
# mk/newlib.mk depends on that stamp, so changing the configuration (or a
# new newlib-source) rebuilds newlib, and editing only comments here does not.
# picolibc (newlib's descendant) is not packaged for x86_64 in Debian, so we
# build its parent. Syscalls are ours (libsys), hence
# --disable-newlib-supplied-syscalls; --enable-newlib-io-c99-formats gives
# printf and scanf the C99 size modifiers (%zu, %jd, %td, %hhx).
# Takes about a minute on two cores.
set -eu

tarball=$(ls /usr/src/newlib/newlib-*.tar.* 2>/dev/null | head -1 || true)
config=(--target=x86_64-elf
	--disable-multilib --disable-newlib-supplied-syscalls
	--enable-newlib-io-long-long --enable-newlib-io-c99-formats --disable-nls
	"CC_FOR_TARGET=gcc -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone"
	"CFLAGS_FOR_TARGET=-O2 -g"
	AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld NM_FOR_TARGET=nm
	RANLIB_FOR_TARGET=ranlib)

# What the stamp's checksum covers: one line per item.
print_config() {
	basename "${tarball:-none}"
	printf '%s\n' "${config[@]}"
}

stamp_of() {
	echo "$(realpath -m "$1/newlib")/stamp-$(print_config | cksum | cut -d' ' -f1)"
}

if [ "${1:-}" = --stamp ]; then
	stamp_of "$2"
	exit 0
fi

out=$(realpath -m "$1/newlib")
stamp=$(stamp_of "$1")
[ -n "$tarball" ] || { echo "newlib-source is not installed (apt-get install newlib-source)"; exit 1; }
rm -rf "$out/src" "$out/obj" "$out/install" "$out"/stamp-*
mkdir -p "$out/src" "$out/obj"
tar -xf "$tarball" -C "$out/src" --strip-components=1
cd "$out/obj"
"$out/src/configure" --prefix="$out/install" "${config[@]}" >"$out/configure.log" 2>&1
make -j"$(nproc)" all-target-newlib >"$out/build.log" 2>&1
make install-target-newlib >"$out/install.log" 2>&1
test -f "$out/install/x86_64-elf/lib/libc.a"
print_config >"$out/config"
touch "$stamp"
echo "newlib: built into $out/install"
