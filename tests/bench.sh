#!/usr/bin/env bash
# `make bench`: the benchmark suite under QEMU with -icount shift=0 (one TSC
# tick per guest instruction: deterministic path lengths), with histograms
# (hist=on), writing the raw console log and its report (tools/report.py:
# report.md, results.csv, PNG pictures).
#   BENCH_AUTORUN  the console commands to run (default `bench all`)
#   ITERS          iterations per benchmark (default: the hv's own, 10000)
#   BENCH_LOG      the log (default build/bench.log)
#   OUT            the report's folder (default build/report)
# Exit status: the boot's (tests/qemu.py), else the report's.
set -euo pipefail
cd "$(dirname "$0")/.."
log=${BENCH_LOG:-build/bench.log}
out=${OUT:-build/report}
cmds=${BENCH_AUTORUN:-bench all}
devices=${RUN_DEVICES:?run it as `make bench`, which names the device in RUN_DEVICES}
iters=
if [ -n "${ITERS:-}" ]; then
	if ! [[ $ITERS =~ ^[1-9][0-9]*$ ]]; then
		echo "bench: ITERS=$ITERS: expected a whole number of iterations above 0" >&2
		exit 2
	fi
	iters="set iters=$ITERS; "
fi
mkdir -p "$(dirname "$log")"
status=0
python3 tests/qemu.py --icount --quiet --log "$log" --timeout 3600 --devices "$devices" \
	--cmdline "${RUN_OPTIONS:-guestnvme=yes}" \
	--autorun "info; set hist=on; ${iters}${cmds}; poweroff" || status=$?
[ "$status" -ne 0 ] && echo "bench: the boot ended with status $status (failures are listed in the report)"
python3 tools/report.py --out "$out" "$log" || exit $?
cat "$out/report.md"
echo "bench: raw log in $log; report in $out/ (report.md, results.csv, PNG pictures)"
exit "$status"
