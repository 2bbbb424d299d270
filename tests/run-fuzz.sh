#!/usr/bin/env bash
# Run libFuzzer harnesses (build/fuzz/NAME, built from tests/fuzz/fuzz_NAME.c)
# on a copy of their checked-in corpus tests/fuzz/corpus/NAME/, so the
# corpus in the tree never changes behind the user's back.
#
#   run-fuzz.sh --seconds S BIN...   fuzz each harness S seconds (make fuzz)
#   run-fuzz.sh --ci BIN...          replay every corpus file, then fuzz
#                                    FUZZ_CI_SECONDS (default 5) each (make fuzz-ci)
#
# One line per harness ("PASS: fuzz/NAME: ..." or "FAIL: fuzz/NAME: why"),
# then "fuzz: N passed, N failed, N skipped". Exit 1 when any failed. The
# work directory build/fuzz/work/NAME/ keeps the log, the grown corpus and
# any crashing input (artifacts/), which `build/fuzz/NAME FILE` replays.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=60 ci=0
case "${1:-}" in
--ci) ci=1 seconds=${FUZZ_CI_SECONDS:-5}; shift ;;
--seconds) seconds=$2; shift 2 ;;
esac
work=${FUZZ_WORK:-build/fuzz/work}
passed=0 failed=0

# Print why the run in $1 (a libFuzzer log) failed, in one line: a broken
# invariant, else UBSan's or the sanitizer's summary, else the first error.
why() {
	local pat line
	for pat in '^INVARIANT ' 'runtime error:' '^SUMMARY: ' 'ERROR'; do
		line=$(grep -m1 -E "$pat" "$1") && break
	done
	echo "${line:-exited with an error, see $1}"
}

fail() {	# name reason log
	echo "FAIL: fuzz/$1: $2"
	[ -n "${3:-}" ] && sed -n '/ERROR\|INVARIANT\|runtime error/,+12p' "$3" | head -20 | sed 's/^/    /'
	failed=$((failed + 1))
}

for bin in "$@"; do
	name=$(basename "$bin")
	seeds=tests/fuzz/corpus/$name
	dir=$work/$name
	if [ ! -x "$bin" ]; then
		fail "$name" "$bin is not built"
		continue
	fi
	if [ -z "$(ls -A "$seeds" 2>/dev/null)" ]; then
		fail "$name" "no seed corpus in $seeds"
		continue
	fi
	rm -rf "$dir"
	mkdir -p "$dir/corpus" "$dir/artifacts"
	cp "$seeds"/* "$dir/corpus/"
	nseeds=$(ls "$seeds" | wc -l)
	if [ "$ci" = 1 ] && ! "$bin" "$seeds"/* >"$dir/replay.log" 2>&1; then
		input=$(sed -n 's/^Running: //p' "$dir/replay.log" | tail -1)
		fail "$name" "$(why "$dir/replay.log") (input: $input)" "$dir/replay.log"
		continue
	fi
	if ! "$bin" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
		-artifact_prefix="$dir/artifacts/" "$dir/corpus" >"$dir/log" 2>&1; then
		art=$(ls "$dir/artifacts" | head -1)
		fail "$name" "$(why "$dir/log")${art:+ (input: $dir/artifacts/$art)}" "$dir/log"
		continue
	fi
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/log")
	grown=$(ls "$dir/corpus" | wc -l)
	echo "PASS: fuzz/$name: ${runs:-?} runs in ${seconds} s, corpus $nseeds -> $grown"
	passed=$((passed + 1))
done
echo "fuzz: $passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
