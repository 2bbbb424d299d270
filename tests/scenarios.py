#!/usr/bin/env python3
"""Run the emulator scenarios of tests/scenarios.cfg.

Prints PASS:/FAIL: per scenario, with its wall-clock seconds, and a closing
line "scenarios: N passed, N failed, N skipped", where skipped counts the
SKIP: lines of the self-tests in every scenario's log. Each scenario declares the SKIPs it expects
(`skips`); one more, one fewer or another name fails it. Exits non-zero when
any failed. A scenario runs in QEMU (tests/qemu.py) or, with `machine =
bochs`, in Bochs (tests/bochs.py). Logs go to build/scenarios/NAME.log, the
emulator's stderr (QEMU) or log (Bochs) to NAME.stderr. Usage: scenarios.py [NAME ...]
"""
import collections
import configparser
import concurrent.futures
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bochs  # noqa: E402
import boot  # noqa: E402
import qemu  # noqa: E402

DEFAULT_TIMEOUT = 300
STDERR_SHOWN = 20  # last lines of the emulator's stderr or log shown with a FAIL
MACHINES = ("qemu", "bochs")
# Keys that configure QEMU only: a Bochs scenario naming one is an error.
QEMU_ONLY_KEYS = ("devices", "iommu", "acpitable", "icount", "usb", "cmdline", "input")
# A self-test's SKIP line as hv/report.c prints it: "SKIP: name: why".
SKIP_LINE = re.compile(r"^SKIP: (\S+?): ", re.MULTILINE)


def unescape(text):
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\\r", "\r").replace("\\b", "\b").replace("\\n", "\n")


def lines(sc, key):
    return [line.strip() for line in sc.get(key, "").splitlines() if line.strip()]


def skips_found(log):
    """Names of the SKIP: lines in the log, in order."""
    return SKIP_LINE.findall(log)


def check_skips(sc, log):
    """The log's SKIPs must be exactly those the scenario declares: each
    `skips` line names one SKIP (a name listed twice expects two)."""
    want = collections.Counter(lines(sc, "skips"))
    got = collections.Counter(skips_found(log))
    if want == got:
        return None
    extra = sorted((got - want).elements())
    missing = sorted((want - got).elements())
    parts = []
    if extra:
        parts.append(f"undeclared SKIP(s) {extra}")
    if missing:
        parts.append(f"declared SKIP(s) {missing} did not appear")
    return "; ".join(parts)


def check_same(sc, log):
    """Each `same` regex must match at least twice, every match capturing
    the same values (e.g. a figure before and after a run)."""
    for pattern in lines(sc, "same"):
        found = [m.groups() or (m.group(0),) for m in re.finditer(pattern, log)]
        if len(found) < 2:
            return f"/{pattern}/ matched {len(found)} time(s), needs at least 2"
        for other in found[1:]:
            if other != found[0]:
                return f"/{pattern}/ captured {found[0]} first, then {other}"
    return None


def check(sc, status, log):
    """Return None when the scenario held, else why not."""
    pos = 0
    for pattern in sc.get("expect", "").splitlines():
        if not pattern.strip():
            continue
        m = re.compile(pattern.strip()).search(log, pos)
        if not m:
            return f"expected /{pattern.strip()}/ after offset {pos}"
        pos = m.end()
    for pattern in sc.get("reject", "").splitlines():
        if pattern.strip() and re.search(pattern.strip(), log):
            return f"rejected /{pattern.strip()}/ appeared"
    want = int(sc.get("status", "0"))
    if status != want:
        return f"exit status {status}, expected {want}"
    return check_skips(sc, log) or check_same(sc, log)


def machine_error(sc):
    """Why the scenario's machine and keys do not go together, or None."""
    machine = sc.get("machine", "qemu")
    if machine not in MACHINES:
        return f"machine = {machine}: allowed are {', '.join(MACHINES)}"
    if machine != "bochs" and "cpu" in sc:
        return "cpu names a Bochs CPU model: only machine = bochs takes it"
    if machine == "bochs":
        bad = [k for k in QEMU_ONLY_KEYS if k in sc]
        if bad:
            return (f"machine = bochs takes no {', '.join(bad)} (QEMU-only keys; "
                    f"Bochs has a fixed i440fx machine and a file for COM1)")
    return None


def make_machine(sc):
    cfg = sc.get("config")
    cfg_text = cfg + "\n" if cfg is not None else None
    memory = int(sc.get("memory", "512"))
    if sc.get("machine", "qemu") == "bochs":
        return bochs.Machine(cfg_text=cfg_text, memory=memory,
                             cpu=sc.get("cpu", bochs.CPU_MODEL))
    return qemu.Machine(cfg_text=cfg_text,
                        devices=sc.get("devices", qemu.DEFAULT_DEVICES),
                        usb=os.path.join(boot.ROOT, sc["usb"]) if "usb" in sc else None,
                        cmdline=sc.get("cmdline"),
                        iommu=sc.get("iommu", qemu.DEFAULT_IOMMU),
                        acpitable=(os.path.join(boot.ROOT, sc["acpitable"])
                                   if "acpitable" in sc else None),
                        icount=sc.getboolean("icount", False),
                        memory=memory)


def run_command(sc):
    """A `command` scenario: (status, output) of the command line, run from
    the repository root (it boots its own machine, e.g. tools/profile.py)."""
    timeout = int(sc.get("timeout", DEFAULT_TIMEOUT))
    try:
        p = subprocess.run(sc["command"], shell=True, cwd=boot.ROOT, timeout=timeout,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else e.stdout
        return 124, (out or "") + f"\n[timed out after {timeout}s]"
    return p.returncode, p.stdout


def run(name, sc, logdir):
    start = time.monotonic()
    result = run_one(name, sc, logdir)
    return result + (time.monotonic() - start,)


def run_one(name, sc, logdir):
    if "command" in sc:
        status, log = run_command(sc)
        why = check(sc, status, log)
        with open(os.path.join(logdir, name + ".log"), "w") as f:
            f.write(log)
        return name, why, os.path.join(logdir, name + ".log"), len(skips_found(log)), ""
    inputs = []
    for line in sc.get("input", "").splitlines():
        if "=>" in line:
            wait, text = line.split("=>", 1)
            inputs.append((wait.strip() + (" " if wait.endswith(" ") else ""), unescape(text.strip())))
    m = make_machine(sc)
    try:
        status, log = m.run(int(sc.get("timeout", DEFAULT_TIMEOUT)), inputs=inputs)
        stderr = m.stderr_text()
    finally:
        m.cleanup()
    why = check(sc, status, log)
    path = os.path.join(logdir, name + ".log")
    with open(path, "w") as f:
        f.write(log)
    with open(os.path.join(logdir, name + ".stderr"), "w") as f:
        f.write(stderr)
    return name, why, path, len(skips_found(log)), stderr


def main():
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(os.path.join(boot.HERE, "scenarios.cfg"))
    names = sys.argv[1:] or cfg.sections()
    unknown = [n for n in names if n not in cfg]
    if unknown:
        print(f"scenarios.py: unknown scenario(s) {unknown} (have: {cfg.sections()})")
        return 2
    bad = [(n, machine_error(cfg[n])) for n in names if machine_error(cfg[n])]
    for n, why in bad:
        print(f"scenarios.py: scenario {n}: {why}")
    if bad:
        return 2
    logdir = os.path.join(boot.ROOT, "build", "scenarios")
    os.makedirs(logdir, exist_ok=True)
    jobs = int(os.environ.get("SCENARIO_JOBS", os.cpu_count() or 1))
    passed = failed = skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run, n, cfg[n], logdir) for n in names]
        for fut in futures:
            name, why, path, nskips, stderr, secs = fut.result()
            skipped += nskips
            if why:
                failed += 1
                print(f"FAIL: scenario {name}: {why} (log: {os.path.relpath(path, boot.ROOT)}, {secs:.0f} s)")
                for line in stderr.splitlines()[-STDERR_SHOWN:]:
                    print(f"  emulator log: {line}")
            else:
                passed += 1
                print(f"PASS: scenario {name} ({secs:.0f} s" +
                      (f", {nskips} SKIP(s), as declared)" if nskips else ")"))
            sys.stdout.flush()
    print(f"scenarios: {passed} passed, {failed} failed, {skipped} skipped")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
