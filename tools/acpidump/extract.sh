#!/bin/sh
# Turn acpidump's serial log into one binary file per table.
# usage: extract.sh LOG DESTDIR
# Writes DESTDIR/<sig>.dat (lower case; a repeated signature gets a number,
# ssdt.dat, ssdt2.dat, ...) and DESTDIR/addresses.txt ("file pa len").
set -eu
log=$1; dest=$2
mkdir -p "$dest"
rm -f "$dest"/*.dat "$dest/addresses.txt"

# The terminal driver adds CRs and may add ANSI escape sequences.
tr -d '\r' < "$log" | sed 's/\x1b\[[0-9;]*[A-Za-z]//g' | awk -v dest="$dest" '
/^AT / { sig = tolower($2); n[sig]++; f = sig (n[sig] > 1 ? n[sig] : "");
	 pa = $3; len = $4 + 0; hex = ""; inside = 1; next }
/^AX / && inside { hex = hex $3; next }
/^AE / && inside {
	if (length(hex) != 2 * len) {
		print "extract: " f " has " length(hex) / 2 " of " len " bytes" > "/dev/stderr"
		exit 1
	}
	print hex > (dest "/" f ".hex"); close(dest "/" f ".hex")
	printf "%s.dat 0x%s %d\n", f, pa, len >> (dest "/addresses.txt")
	inside = 0; next }'

for h in "$dest"/*.hex; do
	xxd -r -p "$h" > "${h%.hex}.dat"
	rm -f "$h"
done
cat "$dest/addresses.txt"
