#!/usr/bin/env bash
# Boot build/irqvisor.efi in QEMU (TCG, SVM, q35, intel-iommu, e1000e,
# isa-debug-exit) and map the exit status: 0 when the hv powered off with
# no failure, 1 when it reported failures, 2 on a QEMU error, 124 on timeout.
#
#   qemu-run.sh [--autorun "cmds"] [--cfg FILE] [--cmdline "opts"]
#               [--icount] [--interactive] [--log FILE] [--timeout SEC]
#               [--usb IMG] [--devices "qemu -device args"]
set -uo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
efi=${IRQVISOR_EFI:-$here/build/irqvisor.efi}
ovmf_code=/usr/share/OVMF/OVMF_CODE_4M.fd
ovmf_vars=/usr/share/OVMF/OVMF_VARS_4M.fd
autorun="" cfg="" cmdline="" icount=0 interactive=0 log="" timeout=300 usb=""
devices="-device e1000e,romfile="

while [ $# -gt 0 ]; do
	case "$1" in
	--autorun) autorun=$2; shift 2 ;;
	--cfg) cfg=$2; shift 2 ;;
	--cmdline) cmdline=$2; shift 2 ;;
	--icount) icount=1; shift ;;
	--interactive) interactive=1; shift ;;
	--log) log=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--usb) usb=$2; shift 2 ;;
	--devices) devices=$2; shift 2 ;;
	*) echo "qemu-run.sh: unknown argument '$1' (see the header of $0)" >&2; exit 2 ;;
	esac
done

[ -f "$efi" ] || { echo "qemu-run.sh: $efi missing: run make first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$ovmf_vars" "$work/vars.fd"
mkdir -p "$work/esp/EFI/BOOT"
cp "$efi" "$work/esp/EFI/BOOT/BOOTX64.EFI"
[ -n "$cfg" ] && cp "$cfg" "$work/esp/irqvisor.cfg"
[ -n "$autorun" ] && printf 'autorun="%s"\n' "$autorun" >> "$work/esp/irqvisor.cfg"
if [ -n "$cmdline" ]; then
	# The firmware passes no options to a removable-media boot: a UEFI
	# shell script does, as a user at the shell would.
	printf '%s\n' "fs0:" "EFI\\BOOT\\BOOTX64.EFI $cmdline" > "$work/esp/startup.nsh"
fi

args=(-nodefaults -machine q35 -accel tcg -cpu qemu64,+svm,+npt -m 512
      -display none -no-reboot -monitor none
      -drive "if=pflash,format=raw,unit=0,readonly=on,file=$ovmf_code"
      -drive "if=pflash,format=raw,unit=1,file=$work/vars.fd"
      -device intel-iommu,intremap=on)
# shellcheck disable=SC2206
args+=($devices)
args+=(-device isa-debug-exit,iobase=0xf4,iosize=0x04)
if [ -n "$usb" ]; then
	cp "$usb" "$work/usb.img"
	args+=(-device qemu-xhci,id=xhci -drive "if=none,id=stick,format=raw,file=$work/usb.img"
	       -device usb-storage,bus=xhci.0,drive=stick)
else
	args+=(-drive "format=raw,file=fat:rw:$work/esp")
fi
[ "$icount" = 1 ] && args+=(-icount shift=0)

if [ "$interactive" = 1 ]; then
	exec qemu-system-x86_64 "${args[@]}" -serial mon:stdio
fi
log=${log:-$work/serial.log}
timeout "$timeout" qemu-system-x86_64 "${args[@]}" -serial "file:$log" &
qpid=$!
if [ -t 1 ] || [ "${IRQVISOR_FOLLOW:-1}" = 1 ]; then
	tail -n +1 -F "$log" 2>/dev/null --pid=$qpid &
fi
wait $qpid
rc=$?
sleep 0.2
case $rc in
	1) exit 0 ;;		# isa-debug-exit value 0: no failures
	3) exit 1 ;;		# value 1: failures reported
	124) echo "qemu-run.sh: timed out after ${timeout}s" >&2; exit 124 ;;
	*) echo "qemu-run.sh: QEMU exited with status $rc" >&2; exit 2 ;;
esac
