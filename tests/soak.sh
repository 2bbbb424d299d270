#!/usr/bin/env bash
# `make soak`: boot plain QEMU (no -icount: the emulated devices' timers run
# on the host clock) N times with the devices of `make run` and `make shell`
# and run `selftest`; every boot must pass, the device's VT-d and interrupt
# tests included (not SKIPped). Logs: build/soak/boot-K.log.
#   tests/soak.sh [N] [QEMU device arguments]
set -uo pipefail
cd "$(dirname "$0")/.."
n=${1:-10}
devices=${2:-${RUN_DEVICES:?RUN_DEVICES or a second argument names the devices}}
mkdir -p build/soak
passed=0
for k in $(seq 1 "$n"); do
	log=build/soak/boot-$k.log
	if python3 tests/qemu.py --quiet --devices "$devices" --cmdline "${RUN_OPTIONS:-guestnvme=yes}" \
		--log "$log" --timeout 900 \
		--autorun "selftest; poweroff" &&
		grep -a -q 'PASS: vtd.remap' "$log" && grep -a -q 'PASS: irq.deliver' "$log"; then
		passed=$((passed + 1))
		echo "soak: boot $k: $(grep -a -o 'SUMMARY: .*' "$log" | tail -1 | tr -d '\r')"
	else
		echo "soak: boot $k FAILED: $(grep -a 'FAIL:' "$log" | head -3 | tr -d '\r')"
	fi
done
echo "soak: $passed of $n boots passed (plain QEMU, no -icount; logs in build/soak/)"
[ "$passed" -eq "$n" ]
