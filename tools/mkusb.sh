#!/usr/bin/env bash
# Write a bootable USB stick image: GPT with one FAT32 EFI system partition
# holding EFI/BOOT/BOOTX64.EFI and irqvisor.cfg. No root or loop devices.
# Usage: mkusb.sh IRQVISOR.EFI IRQVISOR.CFG OUT.IMG    then: dd if=OUT.IMG of=/dev/sdX
set -euo pipefail
efi=$1 cfg=$2 out=$3
size_mib=64
first=2048				# partition start, sectors (1 MiB aligned)
for tool in sgdisk mkfs.fat mcopy mmd; do
	command -v "$tool" >/dev/null || { echo "mkusb.sh: $tool missing (make deps)" >&2; exit 1; }
done
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
truncate -s "${size_mib}M" "$tmp/disk.img"
sgdisk --clear --new=1:$first:0 --typecode=1:ef00 --change-name=1:"irqvisor ESP" \
	"$tmp/disk.img" >/dev/null
last=$(sgdisk --info=1 "$tmp/disk.img" | sed -n 's/^Last sector: \([0-9]*\).*/\1/p')
sectors=$((last - first + 1))
mkfs.fat -F 32 -n IRQVISOR -C "$tmp/esp.img" $((sectors / 2)) >/dev/null
export MTOOLS_SKIP_CHECK=1
mmd -i "$tmp/esp.img" ::/EFI ::/EFI/BOOT
mcopy -i "$tmp/esp.img" "$efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$tmp/esp.img" "$cfg" ::/irqvisor.cfg
dd if="$tmp/esp.img" of="$tmp/disk.img" bs=512 seek=$first conv=notrunc status=none
mv "$tmp/disk.img" "$out"
echo "mkusb.sh: $out ready (GPT, FAT32 ESP from sector $first); write it with dd"
