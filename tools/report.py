#!/usr/bin/env python3
"""Turn an irqvisor console log into a report; compare two logs.

Usage: report.py [--out DIR] [--base BASELOG [--force]] LOG
       report.py --table LOG      (only the Markdown table, on stdout)

From LOG, DIR (default build/report) gets:
  report.md     the provenance (PLATFORM line), a table of every RESULT,
                the FAIL lines and every line that was skipped, and why
  results.csv   one row per RESULT, columns CSV_COLUMNS
  hist-*.png    one latency histogram per RESULT followed by a HIST line
  modes.png     irq-latency p50 (min, p90, p99 marked) per mode combination,
                when the log has irq-latency in more than one mode
With --base, also compare.md: each RESULT of LOG against the same benchmark,
mode and source in BASELOG, flagging changes beyond the runs' spread (the
rule is SPREAD_RULE). Runs whose provenance (build, cpu, firmware, emulator
of their PLATFORM lines) differs, or is unknown, are not compared unless
--force: exit status 2.

Exit status: 0 written, 1 bad input (no such file, no RESULT line) or
gnuplot missing, 2 comparison refused. Pictures need gnuplot (Debian's
gnuplot-nox; `make deps`).
Line formats: README, Output formats and Reports."""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys

RESULT_FIELDS = {"bench": str, "mode": dict, "unit": str, "count": int, "min": int, "p50": int,
                 "p90": int, "p99": int, "max": int, "mean": (int, float),
                 "exits_per_iter": dict}
CSV_COLUMNS = ["line", "run", "build", "bench", "mode", "source", "unit", "count", "min", "p50",
               "p90", "p99", "max", "mean", "smi", "exits_per_iter", "iters", "warmup", "opts",
               "hist"]
PROVENANCE_FIELDS = ["build", "cpu", "firmware", "emulator"]
SPREAD_RULE = ("a p50 is flagged when it moved by more than the spread: the larger of the two "
               "runs' p90 - min (the range that holds the lowest 90% of each run's samples); "
               "exits per iteration are flagged on any difference. Each side is one run: "
               "its percentiles are not a confidence interval.")
GENERATED = ("report.md", "results.csv", "compare.md", "modes.png")
HIST_SIZE = (800, 500)
MODES_SIZE = (900, 500)


class InputError(Exception):
    """Bad input the user must fix: the message says what and where."""


class Refused(Exception):
    """A comparison refused: the message names the differing fields."""


class Result:
    def __init__(self, line, data):
        self.line = line
        self.data = data
        self.hist = None
        self.picture = None

    def __getitem__(self, key):
        return self.data[key]

    def get(self, key, default=None):
        return self.data.get(key, default)

    def mode_text(self):
        return " ".join(f"{k}={v}" for k, v in self.data["mode"].items())

    def key(self):
        return (self.data["bench"], tuple(self.data["mode"].items()),
                self.data.get("source", ""))


class Log:
    def __init__(self, path):
        self.path = path
        self.results = []
        self.platforms = []     # (line number, PLATFORM object)
        self.fails = []         # (line number, text)
        self.skipped = []       # (line number, why)
        self.repeats = []       # (first line, last line) of `results` dumps


# ---- parsing ------------------------------------------------------------------

def bucket_width(lo):
    """Width of the HIST bucket starting at lo, or None if no bucket starts
    there: 0..7 one value each; from 8, each power of two 2^e in 4 buckets."""
    if lo < 0:
        return None
    if lo < 8:
        return 1
    e = lo.bit_length() - 1
    quarter = 1 << (e - 2)
    return quarter if (lo - (1 << e)) % quarter == 0 else None


def check_result(obj):
    """Why a RESULT object is unusable, or None."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    for name, kind in RESULT_FIELDS.items():
        if name not in obj:
            return f'no "{name}" field'
        if not isinstance(obj[name], kind) or isinstance(obj[name], bool):
            return f'"{name}" is {json.dumps(obj[name])}, not a {_kind_name(kind)}'
    return None


def _kind_name(kind):
    names = {str: "string", dict: "object", int: "whole number", (int, float): "number"}
    return names[kind]


def check_hist(obj):
    """Why a HIST object is unusable, or None."""
    if not isinstance(obj, dict):
        return "not a JSON object"
    for name in ("bench", "count", "buckets"):
        if name not in obj:
            return f'no "{name}" field'
    buckets = obj["buckets"]
    if not isinstance(buckets, list) or not buckets:
        return '"buckets" is not a non-empty list'
    last = -1
    for b in buckets:
        if (not isinstance(b, list) or len(b) != 2 or
                not all(isinstance(v, int) and not isinstance(v, bool) for v in b)):
            return f"bucket {json.dumps(b)} is not [lo, n] with whole numbers"
        lo, n = b
        if bucket_width(lo) is None:
            return f"bucket lo {lo} is not a bucket boundary (0..7, then 2^e + k*2^(e-2))"
        if lo <= last:
            return f"bucket lo {lo} is not above the previous one ({last})"
        if n <= 0:
            return f"bucket [{lo}, {n}] is empty (only non-empty buckets are printed)"
        last = lo
    total = sum(n for _, n in buckets)
    if total != obj["count"]:
        return f'the buckets add up to {total}, "count" says {obj["count"]}'
    return None


def parse_json_line(text, prefix):
    """(object, None), or (None, why) where why starts with "truncated" when
    the text ends inside its JSON value (cut off, not garbled)."""
    body = text[len(prefix):]
    try:
        return json.loads(body), None
    except json.JSONDecodeError as e:
        if e.pos >= len(body.rstrip()):
            return None, "truncated: it ends inside its JSON object"
        return None, f"not valid JSON ({e.msg} at column {e.colno + len(prefix)})"


def read_lines(path):
    """The log's lines and whether its last line ends with a newline."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise InputError(f"cannot read the log {path}: {e.strerror}") from e
    text = raw.decode("utf-8", errors="replace")
    return [ln.rstrip("\r") for ln in text.split("\n")], text.endswith("\n")


# What the hv prints right after a RESULT line of a benchmark it just ran:
# the SMI warning, the HIST line or the table line for people. The `results`
# command prints the stored RESULT lines alone.
BENCH_FOLLOWUP = re.compile(r"^(bench: WARNING: |HIST |  \S+ +\d+ samples )")


def dump_length(lines, i, boot_results):
    """If lines[i:] starts a `results` dump (this boot's RESULT lines again,
    in order, one after another, none followed by a benchmark's own next
    line), its length in lines; else 0."""
    n = len(boot_results)
    if n == 0 or lines[i:i + n] != boot_results:
        return 0
    if i + n < len(lines) and BENCH_FOLLOWUP.match(lines[i + n]):
        return 0
    return n


def parse_log(path):
    lines, ended = read_lines(path)
    if not ended and lines and lines[-1] == "":
        ended = True
    if ended and lines and lines[-1] == "":
        lines.pop()
    log = Log(path)
    boot_results = []   # raw RESULT lines since the last PLATFORM line
    i = 0
    while i < len(lines):
        text = lines[i]
        number = i + 1
        unterminated = not ended and i == len(lines) - 1
        if text.startswith("RESULT ") and (i == 0 or not lines[i - 1].startswith("RESULT ")):
            n = dump_length(lines, i, boot_results)
            if n:
                log.repeats.append((number, number + n - 1))
                i += n
                continue
        if text.startswith("RESULT "):
            if _parse_result(log, text, number, unterminated):
                boot_results.append(text)
        elif text.startswith("HIST "):
            _parse_hist(log, text, number, unterminated)
        elif text.startswith("PLATFORM "):
            obj = _parse_checked(log, text, number, unterminated, "PLATFORM",
                                 _check_platform)
            if obj is not None:
                log.platforms.append((number, obj))
                boot_results = []
        elif text.startswith("FAIL:"):
            log.fails.append((number, text))
        i += 1
    if not log.results:
        raise InputError(f"no RESULT lines in {path}" + _skipped_summary(log) +
                         ": give the console log of a boot that ran `bench`")
    return log


def _skipped_summary(log):
    if not log.skipped:
        return ""
    line, why = log.skipped[0]
    return f" (line {line} skipped: {why})"


def _skip_reason(kind, why, unterminated):
    if unterminated:
        return f"truncated {kind} line (the log ends inside it)"
    if why.startswith("truncated"):
        return f"truncated {kind} line ({why[len('truncated: '):]})"
    return f"bad {kind} line: {why}"


def _check_platform(obj):
    return None if isinstance(obj, dict) else "not a JSON object"


def _parse_checked(log, text, number, unterminated, kind, check):
    """The object of a KIND line that parses and passes check, else None
    with the line added to log.skipped."""
    obj, why = parse_json_line(text, kind + " ")
    if why is None:
        why = check(obj)
    if why:
        log.skipped.append((number, _skip_reason(kind, why, unterminated)))
        return None
    return obj


def _parse_result(log, text, number, unterminated):
    """Add the RESULT line to log.results (True) or log.skipped (False)."""
    obj = _parse_checked(log, text, number, unterminated, "RESULT", check_result)
    if obj is None:
        return False
    log.results.append(Result(number, obj))
    return True


def _parse_hist(log, text, number, unterminated):
    obj = _parse_checked(log, text, number, unterminated, "HIST", check_hist)
    if obj is None:
        return
    why = None
    owner = next((r for r in reversed(log.results) if r["bench"] == obj["bench"]), None)
    if owner is None:
        why = f'no RESULT line of "{obj["bench"]}" before it'
    elif owner.hist is not None:
        why = f'the RESULT on line {owner.line} has its HIST already'
    elif obj.get("run") is not None and owner.get("run") not in (None, obj["run"]):
        why = f'run "{obj["run"]}" is not the run of the RESULT on line {owner.line}'
    elif obj["count"] != owner["count"]:
        why = f'count {obj["count"]} is not the count {owner["count"]} of the RESULT on line {owner.line}'
    if why:
        log.skipped.append((number, f"HIST line not used: {why}"))
    else:
        owner.hist = obj


# ---- provenance ---------------------------------------------------------------

def provenance(log):
    """The compared fields of the log's PLATFORM lines: one dict, or None
    when there is none, or the string "mixed" when boots disagree."""
    seen = []
    for _, p in log.platforms:
        fields = {k: p.get(k) for k in PROVENANCE_FIELDS}
        if fields not in seen:
            seen.append(fields)
    if not seen:
        return None
    return seen[0] if len(seen) == 1 else "mixed"


def flat_diff(a, b, prefix=""):
    """Dotted names of the fields that differ between a and b, with both values."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for k in list(a) + [k for k in b if k not in a]:
            out += flat_diff(a.get(k), b.get(k), f"{prefix}{k}.")
        return out
    if a != b:
        return [(prefix.rstrip("."), a, b)]
    return []


def provenance_problems(base, new):
    """Why the two logs' runs cannot be compared: [] when they can."""
    pb, pn = provenance(base), provenance(new)
    out = []
    for name, p, log in (("BASE", pb, base), ("LOG", pn, new)):
        if p is None:
            out.append(f"{name} {log.path}: provenance unknown (no PLATFORM line: the hv "
                       "that wrote it predates provenance lines)")
        elif p == "mixed":
            out.append(f"{name} {log.path}: its PLATFORM lines disagree (boots of different "
                       "builds or machines in one log)")
    if out:
        return out
    return [f"{field}: {json.dumps(a)} in BASE, {json.dumps(b)} in LOG"
            for field, a, b in flat_diff(pb, pn)]


# ---- report.md and results.csv ------------------------------------------------

def fmt_mean(v):
    return f"{v:.3f}"


def exits_text(r, sep=", "):
    return sep.join(f"{k} {v:.3f}" for k, v in r["exits_per_iter"].items()) or "none"


def table(results):
    out = ["| bench | mode | source | unit | count | min | p50 | p90 | p99 | max | mean | SMIs "
           "| exits/iter |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        smi = "n/a" if r.get("smi") is None else r["smi"]
        out.append(f"| {r['bench']} | {r.mode_text()} | {r.get('source', 'n/a')} | {r['unit']} "
                   f"| {r['count']} | {r['min']} | {r['p50']} | {r['p90']} | {r['p99']} "
                   f"| {r['max']} | {fmt_mean(r['mean'])} | {smi} | {exits_text(r)} |")
    return out


def provenance_lines(log):
    if not log.platforms:
        return ["Provenance: unknown (the log has no PLATFORM line: the hv that wrote it "
                "predates provenance lines).", ""]
    out = []
    for line, p in log.platforms:
        cpu = p.get("cpu") or {}
        fw = p.get("firmware")
        vtd = p.get("vtd")
        out += [f"Provenance (PLATFORM, line {line}):", "",
                f"- run: {p.get('run')}",
                f"- build: {p.get('build')}" + (" (dirty tree)" if p.get("dirty") else ""),
                f"- cpu: {cpu.get('vendor')} {cpu.get('brand')}, family {cpu.get('family')} "
                f"model {cpu.get('model')} stepping {cpu.get('stepping')}, microcode "
                f"{cpu.get('microcode') or 'unknown'}",
                "- firmware: " + ("unknown" if not fw else
                                  f"{fw.get('vendor')} {fw.get('version')} ({fw.get('date')}), "
                                  f"SMBIOS {fw.get('smbios')}"),
                "- VT-d: " + ("none found" if not vtd else
                              f"version {vtd.get('version')}, {vtd.get('units')} unit(s)"),
                f"- emulator: {p.get('emulator') or 'none (bare metal)'}; backend "
                f"{p.get('backend')}", ""]
    return out


def build_mismatches(log):
    """RESULT lines whose build is not their boot's PLATFORM build."""
    builds = {p.get("run"): p.get("build") for _, p in log.platforms}
    return [(r.line, f'RESULT build "{r["build"]}" is not the PLATFORM build '
             f'"{builds[r["run"]]}" of run {r["run"]}')
            for r in log.results
            if "build" in r.data and r.get("run") in builds and builds[r["run"]] != r["build"]]


def report_md(log, notes):
    out = [f"# irqvisor report: {log.path}", ""]
    out += provenance_lines(log)
    out += [f"## Results ({len(log.results)})", "",
            "Figures in the RESULT's unit (tsc_ticks: under QEMU with -icount shift=0, "
            "instructions). exits/iter: exits per measured iteration, by reason.", ""]
    out += table(log.results) + [""]
    pictures = [r for r in log.results if r.picture]
    if pictures:
        out += ["## Histograms", ""]
        out += [f"- {r.picture}: {r['bench']} ({r.mode_text()}), {r.hist['count']} samples "
                f"(RESULT line {r.line})" for r in pictures] + [""]
    if notes.get("modes"):
        out += ["## Modes", "", f"- modes.png: irq-latency p50 per mode combination "
                f"({notes['modes']} combinations; min, p90 and p99 marked)", ""]
    out += [f"## FAIL lines ({len(log.fails)})", ""]
    out += [f"- line {n}: {t}" for n, t in log.fails] or ["none"]
    out += [""]
    skipped = log.skipped + build_mismatches(log)
    if skipped or log.repeats:
        out += ["## Lines not used", ""]
        out += [f"- line {n}: {why}" for n, why in sorted(skipped)]
        out += [f"- lines {a}-{b}: the boot's RESULT lines again (the `results` command): "
                "counted once" for a, b in log.repeats]
        out += [""]
    return "\n".join(out) + "\n"


def csv_row(r):
    opts = r.get("opts") or {}
    hist = ";".join(f"{lo}:{n}" for lo, n in r.hist["buckets"]) if r.hist else ""
    return {"line": r.line, "run": r.get("run", ""), "build": r.get("build", ""),
            "bench": r["bench"], "mode": r.mode_text(), "source": r.get("source", ""),
            "unit": r["unit"], "count": r["count"], "min": r["min"], "p50": r["p50"],
            "p90": r["p90"], "p99": r["p99"], "max": r["max"], "mean": fmt_mean(r["mean"]),
            "smi": "" if r.get("smi") is None else r["smi"],
            "exits_per_iter": ";".join(f"{k}={v:.3f}" for k, v in r["exits_per_iter"].items()),
            "iters": opts.get("iters", ""), "warmup": opts.get("warmup", ""),
            "opts": json.dumps(opts, separators=(",", ":")) if opts else "", "hist": hist}


def write_csv(path, results):
    with open(path, "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        w.writeheader()
        for r in results:
            w.writerow(csv_row(r))


# ---- pictures (gnuplot) -------------------------------------------------------

def gp_str(s):
    return "'" + str(s).replace("'", "''") + "'"


def varying_keys(results):
    keys = []
    for r in results:
        keys += [k for k in r["mode"] if k not in keys]
    return [k for k in keys if len({r["mode"].get(k) for r in results}) > 1]


def picture_names(results):
    """hist-BENCH.png, with the mode values that tell the same bench's
    RESULTs apart (and a number where even those are the same)."""
    by_bench = {}
    for r in results:
        if r.hist:
            by_bench.setdefault(r["bench"], []).append(r)
    used = set()
    for bench, rs in by_bench.items():
        keys = varying_keys(rs)
        for r in rs:
            name = "hist-" + bench + "".join(f"_{k}-{r['mode'][k]}" for k in keys
                                             if k in r["mode"])
            candidate, n = name, 1
            while candidate in used:
                n += 1
                candidate = f"{name}_{n}"
            used.add(candidate)
            r.picture = candidate + ".png"


def hist_script(r, path):
    buckets = r.hist["buckets"]
    rows = [f"{lo} {lo + bucket_width(lo)} {n}" for lo, n in buckets]
    lo_min = max(buckets[0][0], 1)
    hi_max = buckets[-1][0] + bucket_width(buckets[-1][0])
    top = max(n for _, n in buckets)
    title = (f"{r['bench']} ({r.mode_text()}), {r.hist['count']} samples"
             + (f", run {r['run']}" if r.get("run") else ""))
    out = [f"set output {gp_str(path)}",
           "$hist << EOD", *rows, "EOD",
           f"set title {gp_str(title)}",
           f"set xlabel {gp_str(r['unit'] + ' (log scale; bars are the HIST buckets)')}",
           "set ylabel 'samples (log scale)'",
           "set logscale xy", "set grid",
           f"set xrange [{lo_min / 1.5}:{hi_max * 1.5}]",
           f"set yrange [0.5:{top * 2}]",
           "unset arrow", "unset label"]
    for i, (name, colour) in enumerate((("p50", "#1a9850"), ("p90", "#fdae61"),
                                        ("p99", "#d73027"))):
        v = max(r[name], 1)
        out += [f"set arrow from {v}, graph 0 to {v}, graph 1 nohead front dt 2 lw 2 lc rgb '{colour}'",
                f"set label {gp_str(f'{name} {r[name]}')} at {v}, graph {0.95 - 0.06 * i} "
                f"offset 0.5,0 tc rgb '{colour}'"]
    out += ["plot $hist using (sqrt($1*$2)):3:1:2:(0.5):3 with boxxyerror "
            "fs solid 0.6 lc rgb '#4575b4' notitle"]
    return out


def modes_script(rows, native, path):
    """rows: (label, min, p50, p90, p99) per mode combination; the labels
    are mode values (A-Z a-z 0-9 . _ -, spaces), safe in double quotes."""
    data = [f'{i} "{label}" {mn} {p50} {p90} {p99}'
            for i, (label, mn, p50, p90, p99) in enumerate(rows)]
    low = max(min([r[1] for r in rows] + ([native] if native is not None else [])) / 2, 0.5)
    high = max(r[4] for r in rows) * 2
    out = [f"set output {gp_str(path)}",
           "$modes << EOD", *data, "EOD",
           "set title 'irq-latency per mode combination: bar p50; marks min, p90, p99'",
           "unset xlabel", "set ylabel 'tsc_ticks (log scale)'",
           "set logscale y", "unset logscale x", "set grid ytics",
           f"set yrange [{low}:{high}]", f"set xrange [-0.6:{len(rows) - 0.4}]",
           "set xtics rotate by 30 right", "set key outside right top Left reverse samplen 2",
           "unset arrow", "unset label"]
    floor = ""
    if native is not None:
        out += [f"set arrow from graph 0, first {native} to graph 1, first {native} nohead "
                "dt 2 lc rgb '#555555'"]
        floor = f", NaN with lines dt 2 lc rgb '#555555' title {gp_str(f'native-irq p50 {native}')}"
    out += [f"plot $modes using 1:4:($1-0.35):($1+0.35):({low}):4:xtic(2) with boxxyerror "
            "fs solid 0.6 lc rgb '#4575b4' title 'p50', "
            "'' using 1:4:4 with labels offset 0,-0.8 notitle, "
            "'' using 1:3 with points pt 2 ps 1.5 lc rgb '#1a9850' title 'min', "
            "'' using 1:5 with points pt 9 ps 1.5 lc rgb '#fdae61' title 'p90', "
            "'' using 1:6 with points pt 7 ps 1.5 lc rgb '#d73027' title 'p99'" + floor]
    return out


def mode_rows(log):
    lat = [r for r in log.results if r["bench"] == "irq-latency"]
    keys = varying_keys(lat)
    if not keys:
        return []
    return [(" ".join(f"{k}={r['mode'].get(k, '-')}" for k in keys), r["min"], r["p50"],
             r["p90"], r["p99"]) for r in lat]


def draw(script, out_dir):
    """Run gnuplot on the script; why it could not draw, or None."""
    gnuplot = shutil.which("gnuplot")
    if gnuplot is None:
        return ("gnuplot is not installed: the pictures need it (Debian package gnuplot-nox; "
                f"`make deps` installs it). report.md and results.csv are in {out_dir}")
    p = subprocess.run([gnuplot], input="\n".join(script) + "\n", text=True,
                       capture_output=True, check=False)
    if p.returncode != 0:
        return f"gnuplot failed (status {p.returncode}): {p.stderr.strip()}"
    return None


def pictures(log, out_dir):
    """Draw every picture; how many irq-latency modes modes.png shows (0: none)."""
    picture_names(log.results)
    with_hist = [r for r in log.results if r.picture]
    rows = mode_rows(log)
    if not with_hist and not rows:
        return 0
    script = ["set terminal pngcairo noenhanced size %d,%d" % HIST_SIZE]
    for r in with_hist:
        script += hist_script(r, os.path.join(out_dir, r.picture))
    if rows:
        native = next((r["p50"] for r in log.results if r["bench"] == "native-irq"), None)
        script += ["set terminal pngcairo noenhanced size %d,%d" % MODES_SIZE]
        script += modes_script(rows, native, os.path.join(out_dir, "modes.png"))
    why = draw(script, out_dir)
    if why:
        for r in with_hist:
            r.picture = None
        raise InputError(why)
    return len(rows)


# ---- compare.md ---------------------------------------------------------------

def pair_results(base, new):
    """(base result or None, new result or None) by bench, mode and source;
    a key repeated in one log pairs by order of appearance."""
    def indexed(results):
        seen, out = {}, {}
        for r in results:
            k = r.key()
            seen[k] = seen.get(k, 0) + 1
            out[(k, seen[k])] = r
        return out
    b, n = indexed(base.results), indexed(new.results)
    keys = list(b) + [k for k in n if k not in b]
    return [(b.get(k), n.get(k)) for k in keys]


def spread(a, b):
    return max(a["p90"] - a["min"], b["p90"] - b["min"])


def verdict(a, b):
    """The comparison of one pair: (flagged, text)."""
    if a["unit"] != b["unit"]:
        return True, f"units differ ({a['unit']}, {b['unit']}): not compared"
    notes = []
    delta = b["p50"] - a["p50"]
    s = spread(a, b)
    if abs(delta) > s:
        notes.append("**slower**" if delta > 0 else "**faster**")
    if a["exits_per_iter"] != b["exits_per_iter"]:
        notes.append("**exits changed**")
    return bool(notes), ", ".join(notes) or "within spread"


def pct(a, b):
    return "n/a" if a == 0 else f"{(b - a) * 100.0 / a:+.1f}%"


def compare_md(base, new, problems):
    pairs = pair_results(base, new)
    both = [(a, b) for a, b in pairs if a and b]
    rows, flagged = [], 0
    for a, b in both:
        hit, text = verdict(a, b)
        flagged += hit
        exits = ("same" if a["exits_per_iter"] == b["exits_per_iter"] else
                 f"{exits_text(a, '; ')} → {exits_text(b, '; ')}")
        rows.append(f"| {a['bench']} | {a.mode_text()} | {a.get('source', 'n/a')} "
                    f"| {a['p50']} | {b['p50']} | {b['p50'] - a['p50']:+d} | "
                    f"{pct(a['p50'], b['p50'])} | {spread(a, b)} | {a['min']} | {b['min']} "
                    f"| {exits} | {text} |")
    out = ["# irqvisor comparison", "",
           f"- BASE: {base.path} ({_run_names(base)})",
           f"- LOG: {new.path} ({_run_names(new)})", ""]
    if problems:
        out += ["**Compared with FORCE=1 although the provenance differs:**", ""]
        out += [f"- {p}" for p in problems] + [""]
    else:
        out += ["Provenance: the same build, cpu, firmware and emulator.", ""]
    out += [f"Rule: {SPREAD_RULE}", "",
            f"{len(both)} RESULTs compared, {flagged} flagged.", "",
            "| bench | mode | source | BASE p50 | LOG p50 | Δ p50 | Δ% | spread | BASE min "
            "| LOG min | exits/iter | verdict |",
            "|---|---|---|---|---|---|---|---|---|---|---|---|"] + rows + [""]
    only = [(name, r) for a, b in pairs for name, r in (("BASE", a), ("LOG", b))
            if (a is None or b is None) and r]
    if only:
        out += ["Only in one log:", ""]
        out += [f"- only in {name}: {r['bench']} ({r.mode_text()}, source "
                f"{r.get('source', 'n/a')}), line {r.line}" for name, r in only] + [""]
    for name, log in (("BASE", base), ("LOG", new)):
        if log.fails:
            out += [f"FAIL lines in {name} ({len(log.fails)}):", ""]
            out += [f"- line {n}: {t}" for n, t in log.fails] + [""]
    return "\n".join(out) + "\n", len(both), flagged


def _run_names(log):
    runs = [p.get("run") for _, p in log.platforms]
    builds = [p.get("build") for _, p in log.platforms]
    if not runs:
        return "provenance unknown"
    return ", ".join(f"run {r}, build {b}" for r, b in zip(runs, builds))


# ---- main ---------------------------------------------------------------------

def clear_generated(out_dir):
    for name in os.listdir(out_dir):
        if name in GENERATED or (name.startswith("hist-") and name.endswith(".png")):
            os.remove(os.path.join(out_dir, name))


def warn(log):
    for n, t in log.fails:
        print(f"report: {log.path}:{n}: {t}", file=sys.stderr)
    for n, why in log.skipped:
        print(f"report: {log.path}:{n}: skipped: {why}", file=sys.stderr)


def run(args):
    log = parse_log(args.log)
    if args.table:
        print("\n".join(table(log.results)))
        warn(log)
        return 0
    base = problems = None
    if args.base:
        base = parse_log(args.base)
        problems = provenance_problems(base, log)
        if problems and not args.force:
            raise Refused("refusing to compare runs whose provenance differs or is unknown:\n  "
                          + "\n  ".join(problems) +
                          "\n  FORCE=1 (--force) compares them anyway")
    os.makedirs(args.out, exist_ok=True)
    clear_generated(args.out)
    warn(log)
    write_csv(os.path.join(args.out, "results.csv"), log.results)
    notes = {}
    try:
        notes["modes"] = pictures(log, args.out)
    finally:
        with open(os.path.join(args.out, "report.md"), "w") as f:
            f.write(report_md(log, notes))
    made = ["report.md", "results.csv"] + [r.picture for r in log.results if r.picture]
    if notes["modes"]:
        made.append("modes.png")
    print(f"report: {len(log.results)} RESULT(s), {len(log.fails)} FAIL line(s), "
          f"{len(log.skipped)} line(s) skipped; wrote in {args.out}/: {', '.join(made)}")
    if base:
        warn(base)
        text, compared, flagged = compare_md(base, log, problems)
        with open(os.path.join(args.out, "compare.md"), "w") as f:
            f.write(text)
        print(f"report: compared {compared} RESULT(s) with {args.base}: {flagged} flagged; "
              f"wrote {args.out}/compare.md")
    return 0


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                 epilog="make report LOG=... [BASE=...] [OUT=...] [FORCE=1]")
    ap.add_argument("log", metavar="LOG", help="console log (e.g. build/bench.log)")
    ap.add_argument("--out", default="build/report", help="output folder (default build/report)")
    ap.add_argument("--base", metavar="BASELOG", help="compare LOG against this log")
    ap.add_argument("--force", action="store_true",
                    help="compare even when the provenance differs or is unknown")
    ap.add_argument("--table", action="store_true",
                    help="print only the Markdown table of the RESULT lines")
    args = ap.parse_args(argv)
    try:
        return run(args)
    except InputError as e:
        print(f"report: {e}", file=sys.stderr)
        return 1
    except Refused as e:
        print(f"report: {e}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
