#!/usr/bin/env python3
"""Boot irqvisor in QEMU: the one place that knows the QEMU command line.

Used by `make run`, `make shell`, `make bench` and the scenario runner
(tests/scenarios.py). Exit status of `run`: 0 when the hv powered off with
no failure (isa-debug-exit value 0), 1 when it reported failures, 2 on a
QEMU or usage error, 124 on timeout. QEMU's stderr goes to a file (a pipe
nobody reads would block QEMU once full) and is shown on failure.

Disks for emulated devices: write {scratch} where a device needs an image
file, e.g. --devices '-drive file={scratch},if=none,id=nvm,format=raw
-device nvme,drive=nvm,serial=irqvisor'. Each boot gets its own zero-filled
1 MiB file in its work folder, deleted afterwards ({scratch2}, ... for more
disks); tests never use a user's file.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import time

import boot

OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"
DEFAULT_DEVICES = "-device e1000e,romfile="
DEFAULT_IOMMU = "intremap=on"
# An Intel host with KVM and nested VMX: the guest runs under the hv's VMX
# backend on the real CPU. The emulated VT-d unit needs the split irqchip
# for interrupt remapping and caching mode for a nested IOMMU user.
KVM_MACHINE = "q35,kernel-irqchip=split"
KVM_IOMMU = "intremap=on,caching-mode=on"
# isa-debug-exit: value v -> status (v << 1) | 1
STATUS = {1: 0, 3: 1}
# What the hv prints just before it writes isa-debug-exit (hv/commands.c
# with drivers/power.c power_method()).
POWEROFF_LINE = "via isa-debug-exit (QEMU)"
# The UEFI shell's "Press ESC in 5 seconds to skip startup.nsh or any
# other key to continue."
SHELL_COUNTDOWN = "seconds to skip"


class Machine(boot.Boot):
    """One QEMU boot with its own ESP folder, firmware variables and log."""

    def __init__(self, efi=None, cfg_text=None, devices=DEFAULT_DEVICES,
                 icount=False, usb=None, memory=512, extra=None, cmdline=None,
                 iommu=DEFAULT_IOMMU, acpitable=None, kvm=False, gdb=None):
        super().__init__(efi, "irqvisor-", "qemu.stderr")
        self.sock_path = os.path.join(self.work, "serial.sock")
        vars_fd = os.path.join(self.work, "vars.fd")
        shutil.copy(OVMF_VARS, vars_fd)
        if kvm:
            cpu = ["-machine", KVM_MACHINE, "-accel", "kvm", "-cpu", "host"]
            iommu = KVM_IOMMU if iommu == DEFAULT_IOMMU else iommu
        else:
            cpu = ["-machine", "q35", "-accel", "tcg", "-cpu", "qemu64,+svm,+npt"]
        args = ["qemu-system-x86_64", "-nodefaults"] + cpu + ["-m", str(memory),
                "-display", "none", "-no-reboot", "-monitor", "none",
                "-drive", f"if=pflash,format=raw,unit=0,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,unit=1,file={vars_fd}"]
        # iommu="none": no emulated VT-d unit (a DMAR from acpitable only).
        if iommu != "none":
            args += ["-device", f"intel-iommu,{iommu}"]
        if acpitable:
            args += ["-acpitable", f"file={acpitable}"]
        args += self.with_scratch(devices).split()
        args += ["-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        self.shell_countdown = False
        if usb:
            img = os.path.join(self.work, "usb.img")
            shutil.copy(usb, img)
            if cfg_text is not None:
                usb_set_config(img, cfg_text, self.work)
            args += ["-device", "qemu-xhci,id=xhci",
                     "-drive", f"if=none,id=stick,format=raw,file={img}",
                     "-device", "usb-storage,bus=xhci.0,drive=stick"]
        else:
            esp = os.path.join(self.work, "esp")
            os.makedirs(os.path.join(esp, "EFI", "BOOT"))
            if cmdline is None:
                shutil.copy(self.efi, os.path.join(esp, "EFI", "BOOT", "BOOTX64.EFI"))
            else:
                # No removable-media loader: OVMF falls back to its UEFI
                # shell, whose startup.nsh types the command line.
                self.shell_countdown = True
                shutil.copy(self.efi, os.path.join(esp, "irqvisor.efi"))
                with open(os.path.join(esp, "startup.nsh"), "w") as f:
                    f.write(f"fs0:\r\nirqvisor.efi {cmdline}\r\n")
            if cfg_text is not None:
                with open(os.path.join(esp, "irqvisor.cfg"), "w") as f:
                    f.write(cfg_text)
            args += ["-drive", f"format=raw,file=fat:rw:{esp}"]
        self.swtpm = None
        if icount:
            args += ["-icount", "shift=0"] + self.start_tpm()
        if gdb:
            # QEMU's gdb stub on this TCP port, the CPU stopped until a
            # client continues it (tools/profile.py).
            args += ["-gdb", f"tcp:127.0.0.1:{gdb}", "-S"]
        self.args = args + (extra or [])

    def start_tpm(self):
        """A TPM 2.0 (swtpm) for an icount boot; its QEMU arguments.

        OVMF probes for a TPM at 0xfed40000 and, finding no chip, waits
        out the TIS timeouts (about 1.5 s) in 30 us stalls that poll the
        ACPI PM timer. Under -icount shift=0 each poll is an I/O exit and
        a virtual second costs a billion instructions: the probe alone
        took 100 s of wall time per boot. With a TPM answering, OVMF boots
        in about 20 s. The hv never touches the TPM."""
        state = os.path.join(self.work, "tpm")
        os.makedirs(state)
        sock = os.path.join(self.work, "tpm.sock")
        self.swtpm = subprocess.Popen(
            ["swtpm", "socket", "--tpm2", "--tpmstate", f"dir={state}",
             "--ctrl", f"type=unixio,path={sock}", "--terminate"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while not os.path.exists(sock):
            if self.swtpm.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"swtpm did not start (status {self.swtpm.poll()})")
            time.sleep(0.02)
        return ["-chardev", f"socket,id=tpmctl,path={sock}",
                "-tpmdev", "emulator,id=tpm0,chardev=tpmctl",
                "-device", "tpm-tis,tpmdev=tpm0"]

    def cleanup(self):
        if self.swtpm:
            self.swtpm.kill()
            self.swtpm.wait()
        super().cleanup()

    def interactive(self):
        """QEMU with the console on this terminal; its exit status."""
        return subprocess.call(self.args + ["-serial", "mon:stdio"])

    def run(self, timeout, follow=None, inputs=()):
        """Run to exit. inputs: (wait_for_text, send_text) pairs typed on
        the serial console in order. Returns (status, log text)."""
        srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        srv.bind(self.sock_path)
        srv.listen(1)
        with open(self.stderr_path, "wb") as err:
            proc = subprocess.Popen(
                self.args + ["-chardev", f"socket,id=ser0,path={self.sock_path}",
                             "-serial", "chardev:ser0"],
                stdout=subprocess.DEVNULL, stderr=err)
        srv.settimeout(30)
        log = bytearray()
        pending = list(inputs)
        # The shell counts 5 s down before startup.nsh, polling the
        # console; a key ends it. Under icount those 5 virtual seconds
        # cost minutes of wall time. Watched apart from the inputs: a
        # firmware that shows no countdown must not hold them back.
        countdown = self.shell_countdown
        search_from = 0
        deadline = time.monotonic() + timeout
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            proc.kill()
            proc.wait()
            return 2, "QEMU never connected its serial port\n" + self.stderr_text()
        conn.settimeout(0.2)
        status = None
        with open(self.log_path, "wb") as logf:
            while True:
                try:
                    chunk = conn.recv(65536)
                except socket.timeout:
                    chunk = None
                if chunk:
                    log += chunk
                    logf.write(chunk)
                    if follow:
                        follow.write(chunk.decode(errors="replace"))
                        follow.flush()
                if countdown and SHELL_COUNTDOWN.encode() in log:
                    countdown = False
                    search_from = len(log)
                    conn.sendall(b"\r")
                while pending and pending[0][0].encode() in log[search_from:]:
                    _, text = pending.pop(0)
                    # The next wait looks only at what comes after this.
                    search_from = len(log)
                    for ch in text:
                        conn.sendall(ch.encode())
                        time.sleep(0.01)
                if chunk == b"":
                    break
                if chunk is None and proc.poll() is not None:
                    break
                if time.monotonic() > deadline:
                    proc.kill()
                    status = 124
                    break
        proc.wait()
        conn.close()
        srv.close()
        with open(self.log_path, "rb") as f:
            text = f.read().decode(errors="replace")
        if status is None:
            status = STATUS.get(proc.returncode, 2)
            # QEMU's own failure exit (1) is also isa-debug-exit's "no
            # failures": only the hv's power-off line tells them apart.
            if status == 0 and POWEROFF_LINE not in text:
                status = 2
        if status == 2:
            text += f"\n[qemu exited with {proc.returncode}: {self.stderr_text()}]"
        return status, text


def usb_set_config(img, cfg_text, work):
    """Replace irqvisor.cfg on the image's ESP, as a user edits the stick."""
    offset = esp_offset(img)
    cfg = os.path.join(work, "irqvisor.cfg")
    with open(cfg, "w") as f:
        f.write(cfg_text)
    subprocess.run(["mcopy", "-o", "-i", f"{img}@@{offset}", cfg, "::irqvisor.cfg"],
                   check=True, env=dict(os.environ, MTOOLS_SKIP_CHECK="1"))


def esp_offset(img):
    """Byte offset of the first GPT partition (LBA at entry 0, 512-byte sectors)."""
    with open(img, "rb") as f:
        f.seek(512)
        hdr = f.read(92)
        if hdr[:8] != b"EFI PART":
            raise ValueError(f"{img}: no GPT header")
        entries_lba = int.from_bytes(hdr[72:80], "little")
        f.seek(entries_lba * 512)
        entry = f.read(128)
        return int.from_bytes(entry[32:40], "little") * 512


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--autorun", help="commands run at boot, e.g. 'selftest; poweroff'")
    ap.add_argument("--cfg", help="irqvisor.cfg to put on the ESP")
    ap.add_argument("--cmdline", help="options on the UEFI shell command line")
    ap.add_argument("--icount", action="store_true", help="-icount shift=0 (1 tick/insn)")
    ap.add_argument("--interactive", action="store_true", help="console on this terminal")
    ap.add_argument("--log", help="copy the serial log here")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--usb", help="boot this disk image as a USB stick")
    ap.add_argument("--devices", default=DEFAULT_DEVICES,
                    help="QEMU device arguments; {scratch} becomes a fresh 1 MiB disk "
                         "image, deleted after the boot")
    ap.add_argument("--quiet", action="store_true", help="do not echo the console")
    ap.add_argument("--gdb", type=int, metavar="PORT",
                    help="gdb stub on 127.0.0.1:PORT; QEMU waits for the debugger to continue")
    ap.add_argument("--kvm", action="store_true",
                    help="KVM on an Intel host with nested VMX (-cpu host, split irqchip)")
    a = ap.parse_args()

    cfg_text = boot.cfg_text(a.cfg, a.autorun)
    if a.kvm and a.icount:
        ap.error("--icount is TCG only: under --kvm the TSC is the host's")
    m = Machine(cfg_text=cfg_text, devices=a.devices, icount=a.icount, usb=a.usb,
                cmdline=a.cmdline, kvm=a.kvm, gdb=a.gdb)
    if a.interactive:
        try:
            status = m.interactive()
        finally:
            m.cleanup()
        sys.exit(status)
    try:
        status, text = m.run(a.timeout, follow=None if a.quiet else sys.stdout)
        stderr = m.stderr_text()
        if a.log:
            with open(a.log, "w") as f:
                f.write(text)
    finally:
        m.cleanup()
    if status != 0 and stderr:
        print(f"\nqemu.py: QEMU's stderr:\n{stderr}", file=sys.stderr, end="")
    if status == 124:
        print(f"\nqemu.py: timed out after {a.timeout}s", file=sys.stderr)
    elif status == 2:
        print("\nqemu.py: QEMU failed", file=sys.stderr)
    sys.exit(status)


if __name__ == "__main__":
    main()
