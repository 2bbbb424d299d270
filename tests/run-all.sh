#!/usr/bin/env bash
# `make test`: host unit tests, the fuzz harnesses' corpus replay and short
# runs (FUZZ_BINS, tests/run-fuzz.sh --ci), then the emulator scenarios; one
# closing line "N passed, N failed, N skipped" over all three: unit test cases skipped
# plus the self-test SKIP: lines in the scenarios' logs (each declared by
# its scenario, see tests/scenarios.cfg). Exit 1 when any failed.
set -uo pipefail
cd "$(dirname "$0")/.."
out=$(mktemp)
trap 'rm -f "$out"' EXIT
tests/run-unit.sh "$@" | tee "$out"
# shellcheck disable=SC2086 # FUZZ_BINS is a list of paths
[ -n "${FUZZ_BINS:-}" ] && tests/run-fuzz.sh --ci $FUZZ_BINS | tee -a "$out"
# SCENARIOS="a b" runs only those (to check this script itself).
python3 tests/scenarios.py ${SCENARIOS:-} | tee -a "$out"
# field N of the last "WHO: N passed, N failed, N skipped" line
count() { sed -n "s/^$1: \([0-9]*\) passed, \([0-9]*\) failed, \([0-9]*\) skipped$/\\$2/p" "$out" | tail -1; }
up=$(count unit 1) uf=$(count unit 2) us=$(count unit 3)
sp=$(count scenarios 1) sf=$(count scenarios 2) ss=$(count scenarios 3)
fp=$(count fuzz 1) ff=$(count fuzz 2) fs=$(count fuzz 3)
# A runner that printed no closing line counts as one failure.
up=${up:-0} uf=${uf:-1} us=${us:-0} sp=${sp:-0} sf=${sf:-1} ss=${ss:-0}
if [ -n "${FUZZ_BINS:-}" ]; then fp=${fp:-0} ff=${ff:-1} fs=${fs:-0}; else fp=0 ff=0 fs=0; fi
echo "$((up + fp + sp)) passed, $((uf + ff + sf)) failed, $((us + fs + ss)) skipped"
[ $((uf + ff + sf)) -eq 0 ]
