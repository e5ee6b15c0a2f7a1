#!/usr/bin/env bash
# Build newlib (Debian's newlib-source) for x86_64-elf into the build tree.
# usage: tools/build-newlib.sh BUILD_DIR
# Result: BUILD_DIR/newlib/install/x86_64-elf/{include,lib/libc.a,lib/libm.a}.
# picolibc (newlib's descendant) is not packaged for x86_64 in Debian, so we
# build its parent. Syscalls are ours (libsys), hence
# --disable-newlib-supplied-syscalls. Takes about a minute on two cores.
set -eu
out=$(realpath -m "$1/newlib")
tarball=$(ls /usr/src/newlib/newlib-*.tar.* 2>/dev/null | head -1)
[ -n "$tarball" ] || { echo "newlib-source is not installed (apt-get install newlib-source)"; exit 1; }
rm -rf "$out/src" "$out/obj" "$out/install"
mkdir -p "$out/src" "$out/obj"
tar -xf "$tarball" -C "$out/src" --strip-components=1
cd "$out/obj"
"$out/src/configure" --target=x86_64-elf --prefix="$out/install" \
	--disable-multilib --disable-newlib-supplied-syscalls \
	--enable-newlib-io-long-long --disable-nls \
	CC_FOR_TARGET="gcc -ffreestanding -fno-stack-protector -fno-pic -fno-pie -mno-red-zone" \
	CFLAGS_FOR_TARGET="-O2 -g" \
	AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld NM_FOR_TARGET=nm \
	RANLIB_FOR_TARGET=ranlib >"$out/configure.log" 2>&1
make -j"$(nproc)" all-target-newlib >"$out/build.log" 2>&1
make install-target-newlib >"$out/install.log" 2>&1
test -f "$out/install/x86_64-elf/lib/libc.a"
echo "newlib: built into $out/install"
