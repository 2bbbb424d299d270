#!/usr/bin/env bash
# Build newlib once from Debian's newlib-source as the C library of the hv
# and guest images (and of the UEFI stage). One build serves all three: it is
# position-independent (-fpic), so it links into the PE of the UEFI stage,
# into the self-relocating hv image and into the fixed-address guest image.
# Usage: build-newlib.sh BUILD_DIR   -> BUILD_DIR/newlib/{include,lib/libc.a}
set -euo pipefail
out=$(realpath -m "$1/newlib")
src=/usr/src/newlib/newlib-3.3.0.tar.xz
[ -f "$out/lib/libc.a" ] && exit 0
[ -f "$src" ] || { echo "build-newlib: $src missing (apt-get install newlib-source)" >&2; exit 1; }
work="$out.work"
rm -rf "$work" && mkdir -p "$work"
tar -C "$work" -xf "$src"
mkdir -p "$work/obj"
cd "$work/obj"
cflags="-O2 -g -ffreestanding -mno-red-zone -fno-stack-protector -fpic -fno-tree-loop-distribute-patterns -Wno-implicit-function-declaration -Wno-int-conversion"
"$work"/newlib-*/configure --target=x86_64-elf --prefix="$out.inst" \
    --disable-newlib-supplied-syscalls --enable-newlib-io-long-long \
    --enable-newlib-io-c99-formats --disable-newlib-multithread \
    --disable-multilib --disable-nls \
    CC_FOR_TARGET=gcc AR_FOR_TARGET=ar AS_FOR_TARGET=as LD_FOR_TARGET=ld \
    RANLIB_FOR_TARGET=ranlib NM_FOR_TARGET=nm OBJCOPY_FOR_TARGET=objcopy \
    CFLAGS_FOR_TARGET="$cflags" >"$work/configure.log" 2>&1
make -j"$(nproc)" all-target-newlib >"$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
make install-target-newlib >>"$work/build.log" 2>&1
rm -rf "$out" && mkdir -p "$out"
cp -r "$out.inst/x86_64-elf/include" "$out/include"
mkdir -p "$out/lib" && cp "$out.inst/x86_64-elf/lib/libc.a" "$out.inst/x86_64-elf/lib/libm.a" "$out/lib/"
rm -rf "$work" "$out.inst"
