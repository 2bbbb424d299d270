#!/bin/sh
# Boot acpidump in QEMU 7.2 q35 and extract the tables it prints.
# usage: capture.sh OUTDIR NAME [extra qemu args...]
#   OUTDIR holds esp/EFI/BOOT/BOOTX64.EFI (from make); tables go to
#   ../../tests/data/acpi/NAME/ (relative to this folder).
set -eu
out=$1; name=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
dest=$here/../../tests/data/acpi/$name
vars=$out/vars-$name.fd
log=$out/$name.log

cp /usr/share/OVMF/OVMF_VARS_4M.fd "$vars"
rm -f "$log"
timeout 60 qemu-system-x86_64 -nodefaults -machine q35 -accel tcg \
	-cpu qemu64,+svm,+npt -m 512 -display none -no-reboot -monitor none \
	-serial file:"$log" \
	-drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
	-drive if=pflash,format=raw,unit=1,file="$vars" \
	-drive format=raw,file=fat:rw:"$out/esp" \
	-device intel-iommu,intremap=on -device e1000e,romfile= \
	"$@" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 || true
grep -q '^AD done' "$log" || { echo "capture.sh: no 'AD done' in $log" >&2; exit 1; }
"$here/extract.sh" "$log" "$dest"
