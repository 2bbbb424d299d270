#!/usr/bin/env bash
# `make bench`: the whole benchmark suite under QEMU with -icount shift=0
# (one TSC tick per guest instruction: deterministic path lengths), writing
# the raw console log and a Markdown table of the RESULT lines to build/.
set -euo pipefail
cd "$(dirname "$0")/.."
log=build/bench.log
md=build/bench.md
devices=${RUN_DEVICES:?run it as `make bench`, which names the device in RUN_DEVICES}
python3 tests/qemu.py --icount --quiet --log "$log" --timeout 3600 --devices "$devices" \
	--cmdline "${RUN_OPTIONS:-guestnvme=yes}" \
	--autorun "info; bench all; poweroff"
python3 tools/results-table.py "$log" > "$md"
cat "$md"
echo "bench: raw log in $log, table in $md"
