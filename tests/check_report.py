#!/usr/bin/env python3
"""Check the files tools/report.py promises, against the console log they
came from, without using the tool's own code (the scenario report-bench).

Usage: check_report.py LOG DIR [--compare DIR2]
  DIR    made by `make bench` or `make report LOG=LOG`: report.md has one
         table row per RESULT line of LOG, results.csv one row per RESULT
         (its bench and p50 in the log's order), one real PNG per HIST line
         and modes.png when irq-latency ran in more than one mode; every PNG
         is named in report.md
  DIR2   made by `make report LOG=LOG BASE=LOG`: compare.md states its rule
         and compares every RESULT, none flagged (a run against itself)
Prints one line per check and "check-report: N checks passed"; a failed
check prints "check-report: MISMATCH: ..." and the exit status is 1."""
import csv
import json
import os
import re
import struct
import sys

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


class Mismatch(Exception):
    pass


def log_lines(path):
    results, hists = [], 0
    with open(path, errors="replace") as f:
        for line in f:
            line = line.rstrip("\r\n")
            if line.startswith("RESULT "):
                results.append(json.loads(line[len("RESULT "):]))
            elif line.startswith("HIST "):
                hists += 1
    return results, hists


def png_size(path):
    """(width, height) from the IHDR chunk, which must come first."""
    with open(path, "rb") as f:
        head = f.read(33)
    if head[:8] != PNG_SIGNATURE:
        raise Mismatch(f"{path}: no PNG signature (starts {head[:8]!r})")
    length, kind = struct.unpack(">I4s", head[8:16])
    if kind != b"IHDR" or length != 13:
        raise Mismatch(f"{path}: first chunk is {kind!r} of {length} bytes, not a 13-byte IHDR")
    width, height = struct.unpack(">II", head[16:24])
    if width == 0 or height == 0:
        raise Mismatch(f"{path}: IHDR size {width}x{height}")
    return width, height


def table_rows(md_path):
    rows = []
    with open(md_path) as f:
        for line in f:
            if line.startswith("| ") and not line.startswith("| bench |"):
                rows.append([c.strip() for c in line.strip().strip("|").split("|")])
    return rows


def check_report(log, out, results, hists):
    done = []
    md = os.path.join(out, "report.md")
    rows = table_rows(md)
    if [r[0] for r in rows] != [r["bench"] for r in results]:
        raise Mismatch(f"{md}: table rows {[r[0] for r in rows]}, log RESULTs "
                       f"{[r['bench'] for r in results]}")
    done.append(f"report.md: {len(rows)} table row(s) for {len(results)} RESULT line(s)")
    path = os.path.join(out, "results.csv")
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    got = [(r["bench"], int(r["p50"])) for r in rows]
    want = [(r["bench"], r["p50"]) for r in results]
    if got != want:
        raise Mismatch(f"{path}: rows (bench, p50) {got}, log {want}")
    done.append(f"results.csv: {len(rows)} row(s) for {len(results)} RESULT line(s)")
    pngs = sorted(n for n in os.listdir(out) if n.endswith(".png"))
    hist_pngs = [n for n in pngs if n.startswith("hist-")]
    if len(hist_pngs) != hists:
        raise Mismatch(f"{out}: {len(hist_pngs)} hist-*.png for {hists} HIST line(s)")
    done.append(f"{hists} HIST line(s), {len(hist_pngs)} histogram PNG(s)")
    modes = {json.dumps(r["mode"], sort_keys=True) for r in results if r["bench"] == "irq-latency"}
    if ("modes.png" in pngs) != (len(modes) > 1):
        raise Mismatch(f"{out}: modes.png {'present' if 'modes.png' in pngs else 'missing'} "
                       f"for {len(modes)} irq-latency mode(s)")
    done.append(f"modes.png {'present' if 'modes.png' in pngs else 'absent'} for "
                f"{len(modes)} irq-latency mode(s)")
    with open(md) as f:
        text = f.read()
    for name in pngs:
        w, h = png_size(os.path.join(out, name))
        if name not in text:
            raise Mismatch(f"{md} does not name {name}")
        done.append(f"{name}: PNG {w}x{h}, named in report.md")
    return done


def check_compare(out, results):
    path = os.path.join(out, "compare.md")
    with open(path) as f:
        text = f.read()
    if "Rule: " not in text:
        raise Mismatch(f"{path}: no Rule: line")
    m = re.search(r"^(\d+) RESULTs compared, (\d+) flagged\.$", text, re.M)
    if not m or int(m.group(1)) != len(results) or m.group(2) != "0":
        raise Mismatch(f"{path}: expected '{len(results)} RESULTs compared, 0 flagged.', "
                       f"found {m.group(0) if m else 'no such line'}")
    return [f"compare.md: {m.group(0)}"]


def main(argv):
    if len(argv) not in (2, 4) or (len(argv) == 4 and argv[2] != "--compare"):
        sys.exit(__doc__)
    log, out = argv[0], argv[1]
    try:
        results, hists = log_lines(log)
        if not results:
            raise Mismatch(f"{log}: no RESULT line")
        done = check_report(log, out, results, hists)
        if len(argv) == 4:
            done += check_compare(argv[3], results)
    except (Mismatch, OSError, ValueError, KeyError) as e:
        print(f"check-report: MISMATCH: {e}")
        return 1
    for d in done:
        print(f"check-report: {d}")
    print(f"check-report: {len(done)} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
