#!/usr/bin/env bash
# Install the Debian packages irqvisor needs to build, run and test, if any
# is missing: as root with apt-get; otherwise print the command to run.
# The fuzzers (make fuzz) need clang with libFuzzer, whose runtime is in
# libclang-rt-14-dev (only recommended by clang, and recommends are skipped).
# The Bochs scenarios need bochs (its rfb display is built in; it pulls in a
# BIOS package, unused since the ROM is OVMF.fd) and vgabios for
# /usr/share/vgabios/vgabios.bin. swtpm gives icount boots a TPM, so OVMF's
# probe for one does not wait out its timeouts (tests/qemu.py start_tpm).
# The report's pictures (tools/report.py, make report) are drawn by
# gnuplot-nox: 4 packages, about 3 MB, where python3-matplotlib pulls in
# about 50 (numpy, scipy, fonttools, Tk, ...).
set -euo pipefail
pkgs=(build-essential nasm gnu-efi newlib-source qemu-system-x86 ovmf
      libcmocka-dev mtools dosfstools gdisk python3 xz-utils
      clang libclang-rt-14-dev libcapstone-dev bochs vgabios swtpm gnuplot-nox)
missing=()
for p in "${pkgs[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-deps: missing Debian packages: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: run as root:  apt-get update && apt-get install -y ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
