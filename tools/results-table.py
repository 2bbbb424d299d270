#!/usr/bin/env python3
"""Turn the RESULT lines of a console log into a Markdown table.
The SMIs column is the run's SMI count ("n/a" where the CPU cannot count
them: "smi" is null, or absent in logs older than the field).
Usage: results-table.py LOG"""
import json
import sys


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    rows = []
    with open(sys.argv[1], errors="replace") as f:
        for line in f:
            line = line.strip()
            if line.startswith("RESULT "):
                try:
                    rows.append(json.loads(line[len("RESULT "):]))
                except json.JSONDecodeError as e:
                    sys.exit(f"results-table: bad RESULT line ({e}): {line}")
    if not rows:
        sys.exit("results-table: no RESULT lines in " + sys.argv[1])
    print("| bench | mode | unit | count | min | p50 | p90 | p99 | max | mean | SMIs | exits/iter |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        mode = " ".join(f"{k}={v}" for k, v in r["mode"].items())
        exits = ", ".join(f"{k} {v:.3f}" for k, v in r["exits_per_iter"].items()) or "none"
        smi = "n/a" if r.get("smi") is None else r["smi"]
        print(f"| {r['bench']} | {mode} | {r['unit']} | {r['count']} | {r['min']} | "
              f"{r['p50']} | {r['p90']} | {r['p99']} | {r['max']} | {r['mean']:.3f} | "
              f"{smi} | {exits} |")


if __name__ == "__main__":
    main()
