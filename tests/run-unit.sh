#!/usr/bin/env bash
# Run the host unit tests (cmocka, TAP output; and the Python unittest files
# tests/unit/test_*.py, verbose output) and count their cases.
# Prints "PASS: unit/BIN/case" lines for failures only (all lines with -v),
# then "unit: N passed, N failed, N skipped". Exit 1 when any failed.
set -uo pipefail
verbose=0
[ "${1:-}" = -v ] && { verbose=1; shift; }
passed=0 failed=0 skipped=0
for bin in "$@"; do
	name=$(basename "$bin")
	out=$(CMOCKA_MESSAGE_OUTPUT=TAP "$bin" 2>&1)
	rc=$?
	p=$(grep -E '^ok [0-9]+ ' <<<"$out" | grep -vc '# SKIP')
	s=$(grep -E '^ok [0-9]+ ' <<<"$out" | grep -c '# SKIP')
	f=$(grep -cE '^not ok [0-9]+ ' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1	# crashed or died before reporting: count it, show it
		echo "FAIL: unit/$name: exited with status $rc"
	fi
	grep -E '^not ok ' <<<"$out" | sed "s|^not ok [0-9]* - |FAIL: unit/$name/|"
	[ "$f" -gt 0 ] && grep -vE '^(ok|not ok|1\.\.)' <<<"$out" | head -40
	[ "$verbose" = 1 ] && grep -E '^ok ' <<<"$out" | sed "s|^ok [0-9]* - |PASS: unit/$name/|"
	echo "unit/$name: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
for py in tests/unit/test_*.py; do
	[ -e "$py" ] || continue
	name=$(basename "$py" .py)
	out=$(python3 "$py" 2>&1)
	rc=$?
	p=$(grep -cE ' \.\.\. ok$' <<<"$out")
	s=$(grep -cE ' \.\.\. skipped' <<<"$out")
	f=$(grep -cE ' \.\.\. (FAIL|ERROR)$' <<<"$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "FAIL: unit/$name: exited with status $rc"
	fi
	grep -E ' \.\.\. (FAIL|ERROR)$' <<<"$out" | sed "s|^\([a-z_0-9]*\) .*|FAIL: unit/$name/\1|"
	[ "$f" -gt 0 ] && grep -vE ' \.\.\. ok$' <<<"$out" | head -40
	[ "$verbose" = 1 ] && grep -E ' \.\.\. ok$' <<<"$out" | sed "s|^\([a-z_0-9]*\) .*|PASS: unit/$name/\1|"
	echo "unit/$name: $p passed, $f failed, $s skipped"
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done
echo "unit: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
