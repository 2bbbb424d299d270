#!/usr/bin/env python3
"""Host unit tests of tools/report.py on the console logs in
tests/data/report/ (README.md there says where each comes from): parsing
(RESULT, HIST, PLATFORM, FAIL, truncated and repeated lines), report.md,
results.csv, the pictures, and the comparison of two logs with its
provenance check. Run from the repository root (tests/run-unit.sh runs every
tests/unit/test_*.py). The picture tests need gnuplot (gnuplot-nox)."""
import contextlib
import csv
import importlib.util
import io
import os
import shutil
import struct
import tempfile
import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
SPEC = importlib.util.spec_from_file_location("irqvisor_report",
                                              os.path.join(ROOT, "tools", "report.py"))
R = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(R)
DATA = os.path.join(ROOT, "tests", "data", "report")
HAVE_GNUPLOT = shutil.which("gnuplot") is not None


def data(name):
    return os.path.join(DATA, name)


def text(name):
    with open(data(name)) as f:
        return f.read()


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path}: not a PNG"
    assert head[12:16] == b"IHDR", f"{path}: first chunk not IHDR"
    return struct.unpack(">II", head[16:24])


def run_tool(*argv):
    """(exit status, stdout, stderr) of report.py's main."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = R.main(list(argv))
    return status, out.getvalue(), err.getvalue()


class TempDir(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="test_report-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write(self, name, text):
        path = os.path.join(self.tmp, name)
        with open(path, "w") as f:
            f.write(text)
        return path

    def read(self, name):
        with open(os.path.join(self.tmp, name)) as f:
            return f.read()


class Parsing(unittest.TestCase):
    def test_results_counted_once_though_dumped_again(self):
        log = R.parse_log(data("modes.log"))
        self.assertEqual([r["bench"] for r in log.results],
                         ["native-irq", "vmexit.baseline", "vmexit.hypercall", "vmexit.cpuid",
                          "vmexit.io", "irq-latency", "irq-latency"])
        self.assertEqual(len(log.repeats), 1)
        self.assertEqual(log.fails, [])
        self.assertEqual(log.skipped, [])

    def test_same_result_twice_from_two_runs_is_kept(self):
        # vmexit.baseline is 9 ticks in every run: a second run's line equals
        # the first, but is followed by its table line: not a `results` dump.
        lines = text("modes.log").splitlines()
        i = next(n for n, t in enumerate(lines) if '"vmexit.baseline"' in t)
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "twice.log")
            with open(path, "w") as f:
                f.write("\n".join(lines[i:i + 2] * 2 + lines[i:i + 1] * 2) + "\n")
            log = R.parse_log(path)
        self.assertEqual(len(log.results), 2)
        self.assertEqual(log.repeats, [(5, 6)])

    def test_truncated_last_line_reported_and_skipped(self):
        log = R.parse_log(data("truncated.log"))
        self.assertEqual(len(log.results), 5)
        self.assertEqual(len(log.skipped), 1)
        line, why = log.skipped[0]
        self.assertEqual(line, len(text("truncated.log").split("\n")))
        self.assertEqual("truncated RESULT line (the log ends inside it)", why)

    def test_bad_lines_in_the_middle(self):
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "bad.log")
            with open(path, "w") as f:
                f.write('RESULT {"bench":"x",,}\nRESULT {"bench":"x"}\nRESULT {"bench":"x",\n')
                f.write(text("modes.log"))
            log = R.parse_log(path)
        self.assertEqual(len(log.results), 7)
        self.assertEqual([n for n, _ in log.skipped], [1, 2, 3])
        self.assertTrue(log.skipped[0][1].startswith("bad RESULT line: not valid JSON"))
        self.assertEqual(log.skipped[1][1], 'bad RESULT line: no "mode" field')
        self.assertEqual(log.skipped[2][1],
                         "truncated RESULT line (it ends inside its JSON object)")

    def test_fail_lines_listed(self):
        log = R.parse_log(data("fail.log"))
        self.assertEqual(len(log.fails), 1)
        line, fail = log.fails[0]
        self.assertEqual(fail, "FAIL: vmexit: the guest stopped during the benchmark")
        self.assertEqual(text("fail.log").split("\n")[line - 1], fail)

    def test_missing_file_and_no_results_are_clear_errors(self):
        status, _, err = run_tool("--table", data("no-such.log"))
        self.assertEqual(status, 1)
        self.assertIn("cannot read the log " + data("no-such.log"), err)
        status, _, err = run_tool("--table", data("platform-no-results.log"))
        self.assertEqual(status, 1)
        self.assertIn("no RESULT lines in " + data("platform-no-results.log"), err)

    def test_platform_line(self):
        log = R.parse_log(data("platform-a.log"))
        self.assertEqual(len(log.platforms), 1)
        p = R.provenance(log)
        self.assertEqual(sorted(p), sorted(R.PROVENANCE_FIELDS))
        self.assertEqual(p["emulator"], "qemu")
        self.assertIsNone(R.provenance(R.parse_log(data("modes.log"))))


class Buckets(unittest.TestCase):
    def test_widths_follow_the_contract(self):
        # 0..7 one value each; 8..15 in 2s; 16..31 in 4s; 1024.. in 256s.
        self.assertEqual([R.bucket_width(v) for v in range(8)], [1] * 8)
        self.assertEqual([R.bucket_width(v) for v in (8, 10, 12, 14)], [2] * 4)
        self.assertEqual([R.bucket_width(v) for v in (16, 20, 24, 28)], [4] * 4)
        self.assertEqual([R.bucket_width(v) for v in (1024, 1280, 1536, 1792)], [256] * 4)

    def test_non_boundaries_refused(self):
        for v in (9, 18, 1025, 1300, -1):
            self.assertIsNone(R.bucket_width(v), v)

    def test_hist_checks(self):
        ok = {"bench": "b", "count": 3, "buckets": [[7, 1], [640, 2]]}
        self.assertIsNone(R.check_hist(ok))
        self.assertIn("add up to 3", R.check_hist(dict(ok, count=4)))
        self.assertIn("not above", R.check_hist(dict(ok, buckets=[[640, 2], [7, 1]])))
        self.assertIn("not a bucket boundary", R.check_hist(dict(ok, buckets=[[9, 3]])))
        self.assertIn("is empty", R.check_hist(dict(ok, buckets=[[7, 3], [8, 0]])))
        self.assertIn('no "buckets"', R.check_hist({"bench": "b", "count": 3}))


class Outputs(TempDir):
    def test_csv_one_row_per_result_with_stable_columns(self):
        status, out, _ = run_tool("--out", self.tmp, data("modes.log"))
        self.assertEqual(status, 0, out)
        with open(os.path.join(self.tmp, "results.csv"), newline="") as f:
            reader = csv.DictReader(f)
            rows = list(reader)
        self.assertEqual(reader.fieldnames, R.CSV_COLUMNS)
        log = R.parse_log(data("modes.log"))
        self.assertEqual([(r["bench"], int(r["p50"]), int(r["line"])) for r in rows],
                         [(r["bench"], r["p50"], r.line) for r in log.results])
        self.assertEqual(rows[0]["smi"], "")
        self.assertEqual(rows[0]["run"], "")

    def test_report_md(self):
        run_tool("--out", self.tmp, data("fail.log"))
        md = self.read("report.md")
        self.assertIn("Provenance: unknown", md)
        self.assertIn("## FAIL lines (1)", md)
        self.assertIn("FAIL: vmexit: the guest stopped during the benchmark", md)
        rows = [ln for ln in md.splitlines() if ln.startswith("| vmexit.")]
        self.assertEqual(len(rows), 1)
        self.assertIn("| vmexit.baseline | cpu=svm msix=trap delivery=inject eoi=trap | none |",
                      rows[0])

    def test_report_md_names_skipped_and_repeated_lines(self):
        run_tool("--out", self.tmp, data("truncated.log"))
        self.assertIn("truncated RESULT line (the log ends inside it)", self.read("report.md"))
        run_tool("--out", self.tmp, data("modes.log"))
        self.assertIn("the boot's RESULT lines again (the `results` command): counted once",
                      self.read("report.md"))

    def test_provenance_shown(self):
        run_tool("--out", self.tmp, data("platform-a.log"))
        md = self.read("report.md")
        self.assertIn("- build: 4ae1cad", md)
        self.assertIn("- cpu: AuthenticAMD QEMU Virtual CPU version 2.5+, family 15 model 107 "
                      "stepping 1, microcode unknown", md)
        self.assertIn("- emulator: qemu; backend svm", md)

    def test_table_only(self):
        status, out, _ = run_tool("--table", data("modes.log"))
        self.assertEqual(status, 0)
        self.assertEqual(len(out.splitlines()), 2 + 7)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_old_outputs_removed(self):
        self.write("hist-gone.png", "x")
        self.write("compare.md", "x")
        self.write("notes.txt", "mine")
        run_tool("--out", self.tmp, data("fail.log"))
        self.assertEqual(sorted(os.listdir(self.tmp)), ["notes.txt", "report.md", "results.csv"])


# A HIST line as the contract (README, Output formats) writes it.
HIST = ('HIST {{"bench":"vmexit.hypercall","run":"r1","unit":"tsc_ticks","count":{count},'
        '"buckets":[[448,{n}],[1024,1]]}}')


@unittest.skipUnless(HAVE_GNUPLOT, "gnuplot is not installed (make deps)")
class Pictures(TempDir):
    def hist_log(self, extra=0):
        """modes.log with a HIST line after its vmexit.hypercall RESULT, of
        that RESULT's count plus extra."""
        lines = text("modes.log").splitlines()
        i = next(n for n, t in enumerate(lines) if t.startswith('RESULT {"bench":"vmexit.hyperc'))
        count = R.parse_log(data("modes.log")).results[2]["count"] + extra
        hist = HIST.format(count=count, n=count - 1)
        return self.write("hist.log", "\n".join(lines[:i + 1] + [hist] + lines[i + 1:]) + "\n")

    def test_histogram_png(self):
        status, out, err = run_tool("--out", os.path.join(self.tmp, "out"), self.hist_log())
        self.assertEqual(status, 0, err)
        path = os.path.join(self.tmp, "out", "hist-vmexit.hypercall.png")
        self.assertEqual(png_size(path), (800, 500))
        self.assertIn("hist-vmexit.hypercall.png", out)
        self.assertIn("- hist-vmexit.hypercall.png: vmexit.hypercall", self.read("out/report.md"))
        with open(os.path.join(self.tmp, "out", "results.csv"), newline="") as f:
            rows = list(csv.DictReader(f))
        self.assertTrue(rows[2]["hist"].startswith("448:"))

    def test_hist_of_another_count_is_not_used(self):
        log = R.parse_log(self.hist_log(extra=1))
        self.assertTrue(all(r.hist is None for r in log.results))
        self.assertEqual(len(log.skipped), 1)
        self.assertIn("HIST line not used: count", log.skipped[0][1])

    def test_modes_png_for_two_irq_latency_modes(self):
        run_tool("--out", self.tmp, data("modes.log"))
        self.assertEqual(png_size(os.path.join(self.tmp, "modes.png")), (900, 500))
        self.assertIn("modes.png: irq-latency p50 per mode combination (2 combinations",
                      self.read("report.md"))
        rows = R.mode_rows(R.parse_log(data("modes.log")))
        self.assertEqual([r[0] for r in rows], ["eoi=trap", "eoi=pv"])

    def test_no_modes_png_for_one_mode(self):
        run_tool("--out", self.tmp, data("old-build.log"))
        self.assertNotIn("modes.png", os.listdir(self.tmp))

    def test_picture_names_tell_modes_apart(self):
        log = R.parse_log(data("modes.log"))
        for r in log.results:
            r.hist = {"buckets": [[1, 1]], "count": 1}
        R.picture_names(log.results)
        names = [r.picture for r in log.results]
        self.assertIn("hist-irq-latency_eoi-trap.png", names)
        self.assertIn("hist-irq-latency_eoi-pv.png", names)
        self.assertEqual(len(set(names)), len(names))


class Compare(TempDir):
    def test_spread_rule(self):
        a = {"unit": "t", "min": 100, "p50": 110, "p90": 130, "exits_per_iter": {"npf": 1.0}}
        self.assertEqual(R.spread(a, dict(a, p90=150)), 50)
        self.assertEqual(R.verdict(a, dict(a, p50=140)), (False, "within spread"))
        self.assertEqual(R.verdict(a, dict(a, p50=141)), (True, "**slower**"))
        self.assertEqual(R.verdict(a, dict(a, p50=79)), (True, "**faster**"))
        self.assertEqual(R.verdict(a, dict(a, exits_per_iter={"npf": 2.0})),
                         (True, "**exits changed**"))
        self.assertTrue(R.verdict(a, dict(a, unit="ns"))[0])

    def test_same_provenance_compares(self):
        status, out, err = run_tool("--out", self.tmp, "--base", data("platform-a.log"),
                                    data("platform-a2.log"))
        self.assertEqual(status, 0, err)
        md = self.read("compare.md")
        self.assertIn("Provenance: the same build, cpu, firmware and emulator.", md)
        self.assertIn("Rule: " + R.SPREAD_RULE, md)
        self.assertIn("7 RESULTs compared, 0 flagged.", md)

    def test_different_build_refused_naming_the_field(self):
        status, _, err = run_tool("--out", self.tmp, "--base", data("platform-a.log"),
                                  data("platform-b.log"))
        self.assertEqual(status, 2)
        self.assertIn('build: "4ae1cad" in BASE, "38ddf03" in LOG', err)
        self.assertNotIn("firmware", err)
        self.assertIn("FORCE=1", err)
        self.assertEqual(os.listdir(self.tmp), [])

    def test_unknown_provenance_refused(self):
        status, _, err = run_tool("--out", self.tmp, "--base", data("old-build.log"),
                                  data("platform-a.log"))
        self.assertEqual(status, 2)
        self.assertIn("BASE " + data("old-build.log") + ": provenance unknown", err)

    def test_provenance_diff_names_nested_fields(self):
        a = {"build": "x", "cpu": {"model": 1, "microcode": None}, "firmware": None,
             "emulator": "qemu"}
        b = dict(a, cpu={"model": 1, "microcode": "0x10"}, emulator=None)
        self.assertEqual(R.flat_diff(a, b), [("cpu.microcode", None, "0x10"),
                                             ("emulator", "qemu", None)])

    def test_forced_comparison_of_two_builds_flags_the_changes(self):
        status, out, err = run_tool("--out", self.tmp, "--base", data("old-build.log"),
                                    "--force", data("platform-b.log"))
        self.assertEqual(status, 0, err)
        md = self.read("compare.md")
        self.assertIn("**Compared with FORCE=1 although the provenance differs:**", md)
        rows = {ln.split("|")[1].strip() + " " + ln.split("|")[2].strip(): ln
                for ln in md.splitlines() if ln.startswith("| ") and "---" not in ln}
        vmexit = "cpu=svm msix=trap delivery=inject eoi=trap"
        self.assertIn("| 9 | 9 | +0 |", rows["vmexit.baseline " + vmexit])
        self.assertIn("within spread", rows["vmexit.baseline " + vmexit])
        self.assertIn("| 275 | 258 | -17 | -6.2% | 0 |", rows["vmexit.hypercall " + vmexit])
        flagged = [k for k, ln in rows.items() if "**faster**" in ln]
        self.assertEqual(flagged, [f"vmexit.{b} {vmexit}" for b in ("hypercall", "cpuid", "io")])
        self.assertIn(f"{len(flagged)} flagged", out)
        self.assertIn("only in LOG: irq-latency", md)


if __name__ == "__main__":
    unittest.main(verbosity=2)
