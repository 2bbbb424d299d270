#!/usr/bin/env python3
"""Boot irqvisor in Bochs: the one place that knows the Bochs configuration.

The Bochs counterpart of tests/qemu.py, with the same Machine interface for
the scenario runner (tests/scenarios.py, `machine = bochs`). Bochs 2.7 runs
Debian's combined OVMF.fd as its ROM, boots a partitionless FAT16 image
holding EFI/BOOT/BOOTX64.EFI (and irqvisor.cfg), and writes COM1 to a file.
It has no isa-debug-exit: the hv ends Bochs through its shutdown port and
says first whether failures were reported; the status comes from the log.
Exit status of `run`: 0 no failure, 1 failures (a FAIL: line, a SUMMARY
with failures, or the hv's "power: ending Bochs, failures reported"), 2 when
Bochs ended without the hv ending it, 124 on timeout.
"""
import argparse
import os
import re
import subprocess
import sys

import boot

OVMF_ROM = "/usr/share/ovmf/OVMF.fd"	# combined 2 MiB image: CODE*.fd are too large
VGA_ROM = "/usr/share/vgabios/vgabios.bin"
ESP_KIB = 32768			# FAT16 needs at least about 16 MiB
CPU_MODEL = "corei7_skylake_x"		# VT-x with EPT, VPID, x2APIC

# The hv's last words under Bochs (drivers/power.c), then the self-test
# verdicts hv/report.c prints.
END_LINE = re.compile(r"^power: ending Bochs, (no failures|failures reported)", re.MULTILINE)
FAIL_LINE = re.compile(r"^FAIL: ", re.MULTILINE)
SUMMARY_FAILED = re.compile(r"^SUMMARY: \d+ passed, (\d+) failed", re.MULTILINE)

BOCHSRC = """\
megs: {memory}
romimage: file={rom}, address=0xffe00000
vgaromimage: file={vga}
cpu: model={cpu}, ips=100000000
pci: enabled=1, chipset=i440fx
display_library: rfb, options="timeout=0"
com1: enabled=1, mode=file, dev={log}
ata0-master: type=disk, mode=flat, path={esp}
boot: disk
sound: waveoutdrv=dummy, waveindrv=dummy, midioutdrv=dummy
speaker: enabled=0, mode=system
port_e9_hack: enabled=1
log: {bochs_log}
"""


def status_from_log(text):
    """0, 1 or 2 from the serial log of a Bochs run that ended by itself."""
    failed = FAIL_LINE.search(text) or any(int(n) for n in SUMMARY_FAILED.findall(text))
    end = END_LINE.search(text)
    if failed or (end and end.group(1) == "failures reported"):
        return 1
    return 0 if end else 2


class Machine(boot.Boot):
    """One Bochs boot with its own ESP image, bochsrc and logs."""

    def __init__(self, efi=None, cfg_text=None, memory=512, cpu=CPU_MODEL):
        super().__init__(efi, "irqvisor-bochs-", "bochs.log")
        esp = os.path.join(self.work, "esp.img")
        make_esp(esp, self.efi, cfg_text, self.work)
        self.rc = os.path.join(self.work, "bochsrc")
        with open(self.rc, "w") as f:
            f.write(BOCHSRC.format(memory=memory, rom=OVMF_ROM, vga=VGA_ROM, cpu=cpu,
                                   log=self.log_path, esp=esp,
                                   bochs_log=self.stderr_path))
        # The debugger is compiled into Debian's Bochs: "c" continues.
        self.cont = os.path.join(self.work, "cont")
        with open(self.cont, "w") as f:
            f.write("c\n")
        self.args = ["bochs", "-unlock", "-q", "-f", self.rc, "-rc", self.cont]

    def run(self, timeout, follow=None, inputs=()):
        """Run to the hv's shutdown. Returns (status, serial log text). The
        serial port is a file, so nothing can be typed (inputs must be empty)."""
        if inputs:
            raise ValueError("bochs: console input is not supported (COM1 is a file)")
        status = None
        with open(os.path.join(self.work, "bochs.out"), "wb") as out:
            proc = subprocess.Popen(self.args, cwd=self.work, stdin=subprocess.DEVNULL,
                                    stdout=out, stderr=subprocess.STDOUT)
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
                status = 124
        try:
            with open(self.log_path, "rb") as f:
                text = f.read().decode(errors="replace")
        except FileNotFoundError:
            text = ""
        if follow:
            follow.write(text)
            follow.flush()
        if status is None:
            status = status_from_log(text)
        if status == 2:
            text += f"\n[bochs exited with {proc.returncode} before the hv ended it]"
        return status, text


def make_esp(img, efi, cfg_text, work):
    """A partitionless FAT16 image with the loader and irqvisor.cfg."""
    env = dict(os.environ, MTOOLS_SKIP_CHECK="1")
    subprocess.run(["mkfs.fat", "-F", "16", "-C", img, str(ESP_KIB)],
                   check=True, stdout=subprocess.DEVNULL, env=env)
    subprocess.run(["mmd", "-i", img, "::/EFI", "::/EFI/BOOT"], check=True, env=env)
    subprocess.run(["mcopy", "-i", img, efi, "::/EFI/BOOT/BOOTX64.EFI"], check=True, env=env)
    if cfg_text is not None:
        cfg = os.path.join(work, "irqvisor.cfg")
        with open(cfg, "w") as f:
            f.write(cfg_text)
        subprocess.run(["mcopy", "-i", img, cfg, "::/irqvisor.cfg"], check=True, env=env)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--autorun", help="commands run at boot, e.g. 'info; poweroff'")
    ap.add_argument("--cfg", help="irqvisor.cfg to put on the ESP")
    ap.add_argument("--log", help="copy the serial log here")
    ap.add_argument("--timeout", type=int, default=600)
    a = ap.parse_args()

    m = Machine(cfg_text=boot.cfg_text(a.cfg, a.autorun))
    try:
        status, text = m.run(a.timeout, follow=sys.stdout)
        if a.log:
            with open(a.log, "w") as f:
                f.write(text)
    finally:
        m.cleanup()
    if status == 124:
        print(f"\nbochs.py: timed out after {a.timeout}s", file=sys.stderr)
    elif status == 2:
        print("\nbochs.py: Bochs ended without the hv ending it", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
