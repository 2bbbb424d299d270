"""What the emulator runners (tests/qemu.py, tests/bochs.py) share: a work
folder per boot holding the image's serial log and the emulator's own log,
and the irqvisor.cfg a boot gets from --cfg and --autorun."""
import os
import re
import shutil
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
EFI = os.path.join(ROOT, "build", "irqvisor.efi")
# "{scratch}" (or "{scratch2}", ...) in emulator device arguments: a disk
# image the runner makes for this boot, so no test touches a user's file.
SCRATCH = re.compile(r"\{scratch(\d*)\}")
SCRATCH_SIZE = 1 << 20


class Boot:
    """A boot's work folder; emulator_log names the emulator's own log."""

    def __init__(self, efi, prefix, emulator_log):
        self.work = tempfile.mkdtemp(prefix=prefix)
        self.efi = efi or EFI
        self.log_path = os.path.join(self.work, "serial.log")
        self.stderr_path = os.path.join(self.work, emulator_log)

    def with_scratch(self, args):
        """args with each distinct {scratch...} placeholder replaced by a
        fresh zero-filled SCRATCH_SIZE file in the work folder (deleted
        with it by cleanup)."""
        def make(m):
            path = os.path.join(self.work, f"scratch{m.group(1)}.img")
            if not os.path.exists(path):
                with open(path, "wb") as f:
                    f.truncate(SCRATCH_SIZE)
            return path
        return SCRATCH.sub(make, args)

    def cleanup(self):
        shutil.rmtree(self.work, ignore_errors=True)

    def stderr_text(self):
        """The emulator's own log of the last run ("" before one)."""
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""


def cfg_text(cfg_path, autorun):
    """irqvisor.cfg from a file and/or an autorun line; None when neither."""
    text = None
    if cfg_path:
        with open(cfg_path) as f:
            text = f.read()
    if autorun:
        text = (text or "") + f'autorun="{autorun}"\n'
    return text
