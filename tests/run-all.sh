#!/usr/bin/env bash
# `make test`: host unit tests, then the emulator scenarios; one closing
# line "N passed, N failed, N skipped" over both: unit test cases skipped
# plus the self-test SKIP: lines in the scenarios' logs (each declared by
# its scenario, see tests/scenarios.cfg). Exit 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/run-unit.sh "$@" | tee "$out"
# SCENARIOS="a b" runs only those (to check this script itself).
python3 tests/scenarios.py ${SCENARIOS:-} | tee -a "$out"
# field N of the last "WHO: N passed, N failed, N skipped" line
count() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\\$2/p" "$out" | tail -1; }
up=$(count unit 1) uf=$(count unit 2) us=$(count unit 3)
sp=$(count scenarios 1) sf=$(count scenarios 2) ss=$(count scenarios 3)
# A runner that printed no closing line counts as one failure.
up=${up:-0} uf=${uf:-1} us=${us:-0} sp=${sp:-0} sf=${sf:-1} ss=${ss:-0}
echo "$((up + sp)) passed, $((uf + sf)) failed, $((us + ss)) skipped"
[ $((uf + sf)) -eq 0 ]
