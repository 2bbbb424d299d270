#!/usr/bin/env bash
# `make test`: host unit tests, then the emulator scenarios; one closing
# line "N passed, N failed, N skipped" over both. Exit 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
unit_out=$(tests/run-unit.sh "$@" | tee /dev/stderr)
scen_out=$(python3 tests/scenarios.py | tee /dev/stderr)
count() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed.*/\\$2/p" <<<"$3" | tail -1; }
up=$(count unit 1 "$unit_out") uf=$(count unit 2 "$unit_out")
us=$(sed -n 's/^unit: .* \([0-9]*\) skipped/\1/p' <<<"$unit_out" | tail -1)
sp=$(count scenarios 1 "$scen_out") sf=$(count scenarios 2 "$scen_out")
up=${up:-0} uf=${uf:-1} us=${us:-0} sp=${sp:-0} sf=${sf:-1}
echo "$((up + sp)) passed, $((uf + sf)) failed, $us skipped"
[ $((uf + sf)) -eq 0 ]
