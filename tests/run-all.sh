#!/usr/bin/env bash
# `make test`: host unit tests, then the emulator scenarios; one closing
# line "N passed, N failed, N skipped" over both. Exit 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/run-unit.sh "$@" | tee "$out"
python3 tests/scenarios.py | tee -a "$out"
count() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed.*/\\$2/p" "$out" | tail -1; }
up=$(count unit 1) uf=$(count unit 2)
us=$(sed -n 's/^unit: .* \([0-9]*\) skipped/\1/p' "$out" | tail -1)
sp=$(count scenarios 1) sf=$(count scenarios 2)
up=${up:-0} uf=${uf:-1} us=${us:-0} sp=${sp:-0} sf=${sf:-1}
echo "$((up + sp)) passed, $((uf + sf)) failed, $us skipped"
[ $((uf + sf)) -eq 0 ]
