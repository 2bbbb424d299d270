#!/usr/bin/env python3
"""Run the emulator scenarios of tests/scenarios.cfg.

Prints PASS:/FAIL: per scenario and a closing "N passed, N failed" line;
exits non-zero when any failed. Logs of failed scenarios go to
build/scenarios/NAME.log. Usage: scenarios.py [NAME ...]
"""
import configparser
import concurrent.futures
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

DEFAULT_TIMEOUT = 300


def unescape(text):
    text = re.sub(r"\\x([0-9a-fA-F]{2})", lambda m: chr(int(m.group(1), 16)), text)
    return text.replace("\\r", "\r").replace("\\b", "\b").replace("\\n", "\n")


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
    return None


def run(name, sc, logdir):
    inputs = []
    for line in sc.get("input", "").splitlines():
        if "=>" in line:
            wait, text = line.split("=>", 1)
            inputs.append((wait.strip() + (" " if wait.endswith(" ") else ""), unescape(text.strip())))
    cfg = sc.get("config")
    m = qemu.Machine(cfg_text=cfg + "\n" if cfg is not None else None,
                     devices=sc.get("devices", qemu.DEFAULT_DEVICES),
                     usb=os.path.join(qemu.ROOT, sc["usb"]) if "usb" in sc else None,
                     cmdline=sc.get("cmdline"),
                     icount=sc.getboolean("icount", False),
                     memory=int(sc.get("memory", "512")))
    try:
        status, log = m.run(int(sc.get("timeout", DEFAULT_TIMEOUT)), inputs=inputs)
    finally:
        m.cleanup()
    why = check(sc, status, log)
    path = os.path.join(logdir, name + ".log")
    with open(path, "w") as f:
        f.write(log)
    return name, why, path


def main():
    cfg = configparser.ConfigParser(interpolation=None)
    cfg.read(os.path.join(qemu.HERE, "scenarios.cfg"))
    names = sys.argv[1:] or cfg.sections()
    unknown = [n for n in names if n not in cfg]
    if unknown:
        print(f"scenarios.py: unknown scenario(s) {unknown} (have: {cfg.sections()})")
        return 2
    logdir = os.path.join(qemu.ROOT, "build", "scenarios")
    os.makedirs(logdir, exist_ok=True)
    jobs = int(os.environ.get("SCENARIO_JOBS", os.cpu_count() or 1))
    passed = failed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(run, n, cfg[n], logdir) for n in names]
        for fut in futures:
            name, why, path = fut.result()
            if why:
                failed += 1
                print(f"FAIL: scenario {name}: {why} (log: {os.path.relpath(path, qemu.ROOT)})")
            else:
                passed += 1
                print(f"PASS: scenario {name}")
            sys.stdout.flush()
    print(f"scenarios: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
