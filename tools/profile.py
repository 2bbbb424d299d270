#!/usr/bin/env python3
"""Path profiler: where every instruction of one benchmark iteration goes.

Boots the image under QEMU with -icount shift=0 (one TSC tick per executed
instruction) and QEMU's gdb stub (tests/qemu.py --gdb), runs one benchmark
from the console, lets the warm-up pass, then single-steps one timed
iteration from the benchmark's first RDTSC to its second, recording every
PC. Each PC is symbolized with build/hv.elf (position-independent, placed
at the base the hv prints at boot: "hypervisor core at 0x...") or
build/guest.elf (linked at guest-physical 1 MiB, identity-mapped by the hv:
guest virtual = guest physical). The two images' code ranges are disjoint,
so the PC's range says whether the CPU ran the guest or the hv.

Output: instructions per function and per category (CATEGORIES below), and
the recorded count against the tick delta the two RDTSCs returned (RDX:RAX
read after each): "MATCH" or the difference.

Profiles (--bench):
  vmexit.hypercall, vmexit.cpuid, vmexit.io, vmexit.baseline
      one iteration of guest/bench.c measure(): RDTSC, op, RDTSC.
  irq-latency
      from the NVMe source's t0 RDTSC (src_nvme_fire) towards the guest
      ISR's first RDTSC (irqsrc_isr). QEMU 7.2's single-step does not stop
      in the guest after a VMRUN that injects an event, so the window ends
      at that VMRUN (all of the hv's share, no tick check); then, outside
      the timed window and labelled so, the exit that ends the unobserved
      guest run: the ISR's EOI write (the hv runs vlapic_eoi), from the
      hv's first instruction to the guest's next. Where the guest is
      observed to its RDTSC, the window is checked like vmexit's and the
      EOI exit is taken from the guest's EOI write instead. An EOI exit
      that walked a page table or decoded (the code TLB or the MMIO decode
      cache missed) is labelled cold, and the next iteration is stepped
      for a warm one.

The gdb remote serial protocol is spoken directly over TCP (no gdb binary).
QEMU's single-step flags (qqemu.sstep: ENABLE 0x1, NOIRQ 0x2, NOTIMER 0x4)
while stepping: the vmexit windows use QEMU's default 0x7; irq-latency
needs its device interrupt and uses 0x5 (interrupts on). Virtual timers stay
off in both: with them on, the real time spent between steps leaks into the
icount clock (the TSC then runs far ahead of the instructions, and timer
interrupts land in the window that never would without the debugger).
The NVMe device's completion runs in QEMU's bottom halves, not its timers.
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

# ---- categories: first matching pattern wins (function names, re.match) ----
CATEGORIES = [
    ("guest", r"guest:"),
    ("world switch", r"svm_vmrun$|svm_vmsave$|vmx_vmrun|vmx_resume|vmx_launch"),
    ("exit decode", r"svm_run$|svm_decode|vmx_run$|vmx_decode"),
    ("host interrupt entry", r"isr_\d+$|trap_common$|irq_common$|trap_external$|hv_trap$|"
                             r"lapic_eoi$"),
    ("fetch", r"guest_fetch_insn$|guest_code_page$|guest_copy_gva$|guest_read_gva$|"
              r"guest_gpa_ptr$|pt_walk|gpt_|guest_ram_find$|code_tlb"),
    ("insn decode", r"exit_skip_|insn_|mmio_decode|mmio_dcache_"),
    ("vLAPIC", r"vlapic_(?!timer_poll)|vec_highest"),
    ("device irq chain", r"irq_handle$|irq_handle_hooked$|on_device_irq$|vmsix_|irq_source|"
                         r"on_notify$|delivery_msix|ops_deliver$|inject_host_irq$"),
    ("inject", r"svm_interruptible$|svm_inject$|svm_irq_window$|delivery_inject_irqs$|"
               r"vmx_interruptible|vmx_inject|vmx_irq_window|guest_deliver_irqs$|"
               r"inject_deliver$"),
    ("handler", r"hc_|hypercall_|cpuid_|mmio_exit$|mmio_complete|msr_|vuart_|pci_cfg|"
                r"ptemu_|passthru_|delivery_hc_"),
    ("hv tick", r"guest_tick$|svm_timer_tick$|vmx_timer_tick|watchdog_tick$|"
                r"vlapic_timer_poll$|lapic_timer_|conio_poll|uart_getc$"),
    ("exit dispatch", r"exit_handle$|exit_|guest_loop$|guest_run_work$|guest_run$|"
                      r"svm_get$|svm_set$|vmx_get$|vmx_set$|cpu_irq_window$|vcpu_"),
    ("libc", r"memset$|memcpy$|memmove$|memcmp$|str"),
]
CATEGORY_ORDER = ["guest", "world switch", "exit decode", "exit dispatch", "fetch",
                  "insn decode", "handler", "vLAPIC", "device irq chain", "inject",
                  "host interrupt entry", "hv tick", "libc", "other hv", "unknown"]


def categorize(func):
    """Category of a symbolized function name ("guest:NAME" or "hv:NAME")."""
    if func.startswith("guest:"):
        return "guest"
    if func.startswith("?"):
        return "unknown"
    name = func.split(":", 1)[1] if ":" in func else func
    name = name.split(".", 1)[0]        # measure.constprop.0 -> measure
    for cat, pat in CATEGORIES[1:]:
        if re.match(pat, name):
            return cat
    return "other hv"


# ---- symbols ----

class Image:
    """One ELF image's function symbols and code range, placed at base."""

    def __init__(self, name, symbols, base=0, text=None):
        """symbols: [(addr, size, name)] (size 0 for asm labels); text:
        (start, end) of the code section, by default from the symbols."""
        self.name = name
        self.base = base
        syms = sorted((a + base, s, n) for a, s, n in symbols)
        self.addrs = [a for a, _, _ in syms]
        self.syms = syms
        if text:
            self.lo, self.hi = text[0] + base, text[1] + base
        else:
            self.lo = syms[0][0] if syms else 0
            self.hi = max((a + max(s, 1) for a, s, _ in syms), default=0)

    def contains(self, pc):
        return self.lo <= pc < self.hi

    def lookup(self, pc):
        """(name, offset) of the nearest symbol at or below pc in the code
        range (asm labels have no size: they hold what follows them)."""
        i = bisect.bisect_right(self.addrs, pc) - 1
        if i < 0 or not self.contains(pc):
            return None
        a, _, name = self.syms[i]
        return name, pc - a

    def address(self, name):
        for a, _, n in self.syms:
            if n == name:
                return a
        raise KeyError(f"{self.name}: no symbol {name}")


class Symbolizer:
    """Tells the hv's PCs from the guest's by range and names them."""

    def __init__(self, images):
        self.images = images
        for i, a in enumerate(images):
            for b in images[i + 1:]:
                if a.lo < b.hi and b.lo < a.hi:
                    raise ValueError(f"{a.name} [{a.lo:#x},{a.hi:#x}) overlaps "
                                     f"{b.name} [{b.lo:#x},{b.hi:#x}): "
                                     "cannot tell the modes apart by PC")

    def image_of(self, pc):
        for img in self.images:
            if img.contains(pc):
                return img
        return None

    def function(self, pc):
        """'hv:NAME' / 'guest:NAME', or '?0x...' for a PC in neither."""
        img = self.image_of(pc)
        hit = img.lookup(pc) if img else None
        if not hit:
            return f"?{pc:#x}"
        return f"{img.name}:{hit[0]}"

    def where(self, pc):
        img = self.image_of(pc)
        hit = img.lookup(pc) if img else None
        return f"{img.name}:{hit[0]}+{hit[1]:#x}" if hit else f"?{pc:#x}"


def parse_nm(text):
    """`nm -S --defined-only` lines -> [(addr, size, name)] of code symbols."""
    out = []
    for line in text.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "tTwW":
            out.append((int(f[0], 16), int(f[1], 16), f[3]))
        elif len(f) == 3 and f[1] in "tTwW":
            out.append((int(f[0], 16), 0, f[2]))
    return out


def parse_text_section(readelf):
    """(start, end) of .text from `readelf -SW` output."""
    for line in readelf.splitlines():
        f = line.replace("[ ", "[").split()
        if len(f) > 5 and f[1] == ".text":
            start, size = int(f[3], 16), int(f[5], 16)
            return start, start + size
    raise ValueError("no .text section")


def load_image(name, elf, base=0):
    def out(*cmd):
        return subprocess.run(list(cmd) + [elf], check=True, capture_output=True,
                              text=True).stdout
    return Image(name, parse_nm(out("nm", "-S", "--defined-only")), base,
                 parse_text_section(out("readelf", "-SW")))


def call_sites(elf, func, target):
    """Addresses of `call <target>` instructions in func (objdump)."""
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn", elf], check=True,
                          capture_output=True, text=True).stdout
    sites, inside = [], False
    for line in text.splitlines():
        if line.endswith(f"<{func}>:"):
            inside = True
        elif inside and not line.strip():
            break
        elif inside and re.search(rf"\bcall\s+[0-9a-f]+ <{re.escape(target)}>", line):
            sites.append(int(line.split(":")[0], 16))
    return sites


def insn_at(elf, addr, mnemonic):
    """The address of the first `mnemonic` instruction at or after addr in
    the function holding it (e.g. the rdtsc of cpu_rdtsc)."""
    text = subprocess.run(["objdump", "-d", "--no-show-raw-insn",
                           f"--start-address={addr:#x}", f"--stop-address={addr + 256:#x}",
                           elf], check=True, capture_output=True, text=True).stdout
    for line in text.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)", line)
        if m and m.group(2) == mnemonic:
            return int(m.group(1), 16)
    raise KeyError(f"{elf}: no {mnemonic} within 256 bytes of {addr:#x}")


# ---- gdb remote serial protocol ----

def checksum(data):
    return sum(data) & 0xff


def escape(payload):
    """Binary escaping of a packet body: $ # } * as '}' then byte ^ 0x20."""
    out = bytearray()
    for b in payload:
        if b in b"$#}*":
            out += bytes([0x7d, b ^ 0x20])
        else:
            out.append(b)
    return bytes(out)


def frame(payload):
    """b'$' body b'#' two-hex-digit checksum of the escaped body."""
    body = escape(payload if isinstance(payload, bytes) else payload.encode())
    return b"$" + body + b"#" + f"{checksum(body):02x}".encode()


def unescape(body):
    """A received body without '}' escapes and '*' run-length encoding."""
    out = bytearray()
    i = 0
    while i < len(body):
        b = body[i]
        if b == 0x7d:
            out.append(body[i + 1] ^ 0x20)
            i += 2
        elif b == 0x2a and out:
            out += bytes([out[-1]]) * (body[i + 1] - 29)
            i += 2
        else:
            out.append(b)
            i += 1
    return bytes(out)


class PacketError(Exception):
    pass


def parse_packet(buf):
    """(payload, rest) for the first complete packet in buf, or (None, buf).
    Leading acks ('+'/'-') are skipped. Raises PacketError on a bad checksum."""
    start = buf.find(b"$")
    if start < 0:
        return None, buf
    end = buf.find(b"#", start)
    if end < 0 or len(buf) < end + 3:
        return None, buf[start:]
    body = buf[start + 1:end]
    want = int(buf[end + 1:end + 3], 16)
    if checksum(body) != want:
        raise PacketError(f"checksum {checksum(body):02x} != {want:02x} in {bytes(body)!r}")
    return unescape(body), buf[end + 3:]


def le_hex(hexstr):
    """Little-endian hex register value as int."""
    return int.from_bytes(bytes.fromhex(hexstr), "little")


class Gdb:
    """A client of QEMU's gdb stub (x86-64 register numbers)."""
    RAX, RDX, RSP, RIP = 0, 3, 7, 16

    def __init__(self, port, timeout=30):
        deadline = time.monotonic() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        # One small packet each way per step: no Nagle delay on our side.
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = b""
        self.acks = True
        if self.command("QStartNoAckMode") == b"OK":
            self.acks = False
        # QEMU answers 'p' (one register) only to a client that read the
        # target description; else 'g' (all registers) is the way.
        self.command("qSupported:xmlRegisters=i386")
        self.has_p = self.command("qXfer:features:read:target.xml:0,ffb")[:1] in (b"l", b"m")

    def _recv_packet(self, timeout=None):
        self.sock.settimeout(timeout)
        while True:
            payload, self.buf = parse_packet(self.buf)
            if payload is not None:
                if self.acks:
                    self.sock.sendall(b"+")
                return payload
            chunk = self.sock.recv(65536)
            if not chunk:
                raise EOFError("gdb stub closed the connection")
            self.buf += chunk

    def command(self, payload, timeout=30):
        self.sock.sendall(frame(payload))
        return self._recv_packet(timeout)

    def reg(self, n):
        """General register n (x86-64 numbering: RAX..R15, then RIP)."""
        if self.has_p:
            reply = self.command(f"p{n:x}").decode()
            if reply and not reply.startswith("E"):
                return le_hex(reply)
        regs = self.command("g").decode()
        if len(regs) < 16 * (n + 1):
            raise PacketError(f"register {n}: 'g' gave {regs[:40]!r}")
        return le_hex(regs[16 * n:16 * (n + 1)])

    def pc(self):
        return self.reg(self.RIP)

    def step(self):
        reply = self.command("s")
        if not reply.startswith((b"T", b"S")):
            raise PacketError(f"step: {reply!r}")

    def cont(self, timeout):
        """Continue; the stop reply (None when timeout passes first: the
        target is then stopped with ^C)."""
        self.sock.sendall(frame("c"))
        try:
            return self._recv_packet(timeout)
        except socket.timeout:
            self.sock.sendall(b"\x03")
            self._recv_packet(30)
            return None

    def breakpoint(self, addr, on=True):
        reply = self.command(f"{'Z' if on else 'z'}0,{addr:x},1")
        if reply != b"OK":
            raise PacketError(f"breakpoint {addr:#x}: {reply!r}")

    def close(self):
        self.sock.close()


# ---- profiles ----

# qqemu.sstep while stepping a profile (module docstring)
SSTEP_VMEXIT = 0x7
SSTEP_IRQ = 0x5
VMEXIT_OPS = {"vmexit.baseline": "op_none", "vmexit.hypercall": "op_hypercall",
              "vmexit.cpuid": "op_cpuid", "vmexit.io": "op_io"}
PROFILES = list(VMEXIT_OPS) + ["irq-latency"]    # the order the benchmarks run them


class Window:
    """One profiled stretch: the PCs stepped, in order, and its tick check."""

    def __init__(self, title, note):
        self.title = title
        self.note = note
        self.pcs = []
        self.ticks = None
        self.end_pc = None      # the PC stepped next after the window

    def matched(self, sym):
        """False when the tick check failed (None: the window has none)."""
        if self.ticks is None:
            return None
        seq = self.pcs + ([self.end_pc] if self.end_pc is not None else [])
        return self.ticks == len(self.pcs) - len(not_retired(seq, sym))


def not_retired(pcs, sym):
    """Indices of stepped PCs whose instruction did not retire: a guest
    instruction followed by a hv one (a #VMEXIT took its place: an
    intercepted VMMCALL/CPUID/OUT, an NPT fault, an interrupt exit; the hv
    emulates or re-runs it, and QEMU's icount counts no tick for it), and
    any instruction followed by the first instruction of a host interrupt
    stub (the step delivered the interrupt instead; it runs again after)."""
    out = []
    for i in range(len(pcs) - 1):
        here, nxt = sym.function(pcs[i]), sym.function(pcs[i + 1])
        if here.startswith("guest:") and nxt.startswith("hv:"):
            out.append(i)
        elif re.match(r"hv:isr_\d+$", nxt) and sym.where(pcs[i + 1]).endswith("+0x0") \
                and not re.match(r"hv:isr_\d+$", here):
            out.append(i)
    return out


def summarize(window, sym, top=40):
    """The report of one window as text: per function, per category, total."""
    funcs = collections.Counter(sym.function(pc) for pc in window.pcs)
    cats = collections.Counter()
    for f, n in funcs.items():
        cats[categorize(f)] += n
    total = len(window.pcs)
    hv = total - cats["guest"]
    lines = [f"== {window.title} ==", window.note,
             f"{total} instructions ({hv} hv, {cats['guest']} guest)", "",
             f"  {'function':<44} {'insns':>6}  category"]
    for f, n in sorted(funcs.items(), key=lambda kv: (-kv[1], kv[0]))[:top]:
        lines.append(f"  {f:<44} {n:6}  {categorize(f)}")
    if len(funcs) > top:
        rest = sum(n for _, n in sorted(funcs.items(), key=lambda kv: -kv[1])[top:])
        lines.append(f"  {'(' + str(len(funcs) - top) + ' more functions)':<44} {rest:6}")
    lines += ["", f"  {'category':<44} {'insns':>6}"]
    for c in CATEGORY_ORDER:
        if cats[c]:
            lines.append(f"  {c:<44} {cats[c]:6}")
    lines.append(f"  {'total':<44} {total:6}")
    # the window's last PC is followed by the (guest) RDTSC ending it
    seq = window.pcs + ([window.end_pc] if window.end_pc is not None else [])
    skipped = not_retired(seq, sym)
    for i in skipped:
        lines.append(f"  not retired: {sym.where(seq[i])} (the next step ran "
                     f"{sym.where(seq[i + 1])})")
    if window.ticks is not None:
        retired = total - len(skipped)
        verdict = "MATCH" if window.ticks == retired else \
            f"DIFFER by {retired - window.ticks:+d}"
        lines.append(f"check: {total} instructions stepped, {len(skipped)} not retired, "
                     f"{retired} retired; RDTSC delta {window.ticks} ticks: {verdict}")
    return "\n".join(lines)


def trace_text(window, sym):
    return "\n".join(f"{i:5} {pc:#018x} {sym.where(pc)}" for i, pc in enumerate(window.pcs))


class Profiler:
    def __init__(self, gdb, sym, guest_elf, max_steps, sstep=None, hv_elf=None):
        self.sstep = sstep
        self.guest_elf = guest_elf
        self.current = None     # the window being stepped (a partial trace on failure)
        self.gdb = gdb
        self.sym = sym
        self.max_steps = max_steps
        cpu_rdtsc = sym.images[1].address("cpu_rdtsc")
        self.rdtsc = insn_at(guest_elf, cpu_rdtsc, "rdtsc")
        self.cpu_rdtsc = cpu_rdtsc
        self.guest = sym.images[1]
        hv = sym.images[0]
        self.vmrun = insn_at(hv_elf, hv.address("svm_vmrun") - hv.base, "vmrun") + hv.base \
            if hv_elf else None

    def run_to(self, addr, hits, timeout):
        """Continue until addr was hit `hits` times in guest mode."""
        self.gdb.breakpoint(addr)
        n = 0
        try:
            while n < hits:
                reply = self.gdb.cont(timeout)
                if reply is None:
                    raise TimeoutError(f"{self.sym.where(addr)} hit {n} of {hits} times "
                                       f"within {timeout}s")
                if not reply.startswith((b"T05", b"S05")):
                    raise PacketError(f"stopped with {reply!r} (the guest died?)")
                pc = self.gdb.pc()
                if pc == addr:
                    n += 1
                if pc != addr:
                    progress(f"stop at {self.sym.where(pc)} ({n} of {hits})", debug=True)
        finally:
            self.gdb.breakpoint(addr, False)

    def tsc(self):
        return ((self.gdb.reg(Gdb.RDX) & 0xffffffff) << 32) | (self.gdb.reg(Gdb.RAX)
                                                               & 0xffffffff)

    def step_window(self, start_callers, end_callers, window, blind_ends=False):
        self.current = window
        return self._step_window(start_callers, end_callers, window, blind_ends)

    def _step_window(self, start_callers, end_callers, window, blind_ends):
        """Step from here: record from the rdtsc reached by a call from a
        start caller up to (not including) the one reached from an end
        caller; window.ticks = the delta of the two. Returns the PC after."""
        caller = None       # the guest function that last called cpu_rdtsc
        prev = None
        t0 = None
        pc = self.gdb.pc()
        for i in range(self.max_steps):
            if i % 1000 == 999:
                progress(f"{window.title}: step {i + 1} at {self.sym.where(pc)}, "
                         f"{len(window.pcs)} recorded", debug=True)
            if pc == self.cpu_rdtsc and prev is not None:
                caller = self.guest_func(prev)
            if pc == self.rdtsc and t0 is None and caller in start_callers:
                self.gdb.step()
                t0 = self.tsc()
                window.pcs.append(pc)
                prev, pc = pc, self.gdb.pc()
                continue
            if pc == self.rdtsc and t0 is not None and caller in end_callers:
                window.end_pc = pc
                self.gdb.step()
                window.ticks = self.tsc() - t0
                return self.gdb.pc()
            if t0 is not None:
                window.pcs.append(pc)
            self.gdb.step()
            prev, pc = pc, self.gdb.pc()
            if blind_ends and t0 is not None and prev == self.vmrun \
                    and not self.guest.contains(pc):
                # the guest ran, unobserved, from this VMRUN to the next exit
                window.blind_at = pc
                return pc
        raise RuntimeError(f"{window.title}: no end within {self.max_steps} steps "
                           f"(at {self.sym.where(pc)})")

    def guest_func(self, pc):
        hit = self.guest.lookup(pc) if self.guest.contains(pc) else None
        return hit[0] if hit else None

    def step_hv(self, window):
        """Record from here (a hv PC) until the guest runs again."""
        self.current = window
        pc = self.gdb.pc()
        for _ in range(self.max_steps):
            if self.guest.contains(pc):
                window.resume = window.end_pc = pc
                return
            window.pcs.append(pc)
            self.gdb.step()
            pc = self.gdb.pc()
        raise RuntimeError(f"{window.title}: the guest did not resume within "
                           f"{self.max_steps} steps")

    def step_exit(self, guest_func, window):
        self.current = window
        return self._step_exit(guest_func, window)

    def _step_exit(self, guest_func, window):
        """Step on to the first guest instruction in guest_func that exits to
        the hv; record it and the hv's instructions until the guest runs
        again."""
        pc = self.gdb.pc()
        for _ in range(self.max_steps):
            prev = pc
            self.gdb.step()
            pc = self.gdb.pc()
            if self.guest.contains(prev) and not self.guest.contains(pc):
                if self.guest_func(prev) != guest_func:
                    raise RuntimeError(f"{window.title}: the first exit after the window "
                                       f"was at {self.sym.where(prev)}, not in {guest_func}")
                window.exit_insn = prev
                window.pcs.append(prev)
                break
        else:
            raise RuntimeError(f"{window.title}: no exit within {self.max_steps} steps")
        self.step_hv(window)

    def profile(self, bench, warmup, timeout):
        windows = []
        if bench in VMEXIT_OPS:
            op = self.guest.address(VMEXIT_OPS[bench])
            # one op of the timed loop (the warm-up calls it `warmup` times
            # first), then the next iteration's first cpu_rdtsc call
            self.run_to(op, warmup + 1, timeout)
            first = self.guest_call_site("measure", 0)
            self.run_to(first, 1, timeout)
            self.set_sstep(SSTEP_VMEXIT)
            progress(f"{bench}: stepping from {self.sym.where(first)}")
            w = Window(bench, "guest/bench.c measure(): from the first RDTSC (included) to "
                       "the second (excluded), one warm iteration")
            self.step_window({"measure"}, {"measure"}, w)
            windows.append(w)
        else:
            fire = self.guest.address("src_nvme_fire")
            self.run_to(fire, warmup + 2, timeout)
            self.set_sstep(SSTEP_IRQ)
            progress(f"{bench}: stepping from {self.sym.where(fire)}")
            w, e = self.irq_iteration(bench)
            windows += [w, e]
            if e.cold:
                # The exit path's caches (code TLB, MMIO decode cache)
                # missed: the next iteration's EOI exit is the warm one
                # that free runs take.
                self.run_to(fire, 1, timeout)
                progress(f"{bench}: the EOI exit walked or decoded; stepping the next "
                         "iteration for a warm one")
                _, e2 = self.irq_iteration(bench)
                e.title += " (cold)"
                e.note += ("\nCOLD: the code TLB or the MMIO decode cache missed (a page "
                           "walk or a full decode ran); the next window is the next "
                           "iteration's EOI exit")
                e2.title += " (next iteration)"
                windows.append(e2)
        return windows

    def irq_iteration(self, bench):
        """One irq-latency iteration from src_nvme_fire: its window and the
        EOI exit after it (.cold: that exit walked a page table or decoded
        an instruction, i.e. the exit path's caches missed)."""
        w = Window(bench, "raise-to-ISR: from src_nvme_fire's RDTSC (t0, included), one "
                   "warm iteration")
        self.step_window({"src_nvme_fire"}, {"irqsrc_isr"}, w, blind_ends=True)
        if getattr(w, "blind_at", None) is None:
            w.note += " to irqsrc_isr's RDTSC (excluded)"
            e = Window(bench + " EOI exit",
                       "NOT in the timed window: the guest's EOI write in the same ISR "
                       "(guest_lapic_eoi), from that instruction through the hv to the "
                       "guest's next instruction; no RDTSC pair brackets it (no tick "
                       "check)")
            self.step_exit("guest_lapic_eoi", e)
            e.note += (f"\nexiting instruction {self.sym.where(e.exit_insn)}, guest "
                       f"resumes at {self.sym.where(e.resume)}")
        else:
            w.note += (" to the VMRUN that enters the guest with the interrupt injected "
                       "(included). NOT the whole timed window: QEMU's single-step does "
                       "not stop in the guest after a VMRUN that injects an event, so the "
                       "guest's interrupt entry up to irqsrc_isr's RDTSC (guest code, no "
                       "hv instruction) runs unobserved; no tick check. The hv's share of "
                       "the window is complete.")
            e = Window(bench + " EOI exit",
                       "NOT in the timed window: the exit that ended the guest's unobserved "
                       "run (its ISR: RDTSC, count, then the EOI write in guest_lapic_eoi), "
                       "from the hv's first instruction after it to the guest's next "
                       "instruction; no RDTSC pair brackets it (no tick check)")
            self.step_hv(e)
            funcs = {self.sym.function(pc) for pc in e.pcs}
            e.note += (f"\nguest resumes at {self.sym.where(e.resume)}; " +
                       ("the hv ran vlapic_eoi: the EOI write's exit" if "hv:vlapic_eoi" in funcs
                        else "WARNING: no vlapic_eoi in it: not the EOI write's exit"))
        e.cold = bool({self.sym.function(pc) for pc in e.pcs} & COLD_FUNCS)
        return w, e

    def set_sstep(self, flags):
        flags = self.sstep if self.sstep is not None else flags
        reply = self.gdb.command(f"Qqemu.sstep={flags:#x}")
        if reply != b"OK":
            raise PacketError(f"Qqemu.sstep={flags:#x}: {reply!r}")

    def guest_call_site(self, func, index):
        sites = call_sites(self.guest_elf, func, "cpu_rdtsc")
        return sites[index]


def find_free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class Console:
    """The serial log as it arrives (tests/qemu.py Machine.run's follow)."""

    def __init__(self, echo):
        self.text = ""
        self.lock = threading.Lock()
        self.echo = echo

    def write(self, s):
        with self.lock:
            self.text += s
        if self.echo:
            sys.stderr.write(s)

    def flush(self):
        pass

    def wait_for(self, pattern, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = re.search(pattern, self.text)
            if m:
                return m
            time.sleep(0.05)
        return None


# The UEFI shell's countdown before startup.nsh: any key but ESC skips the
# wait (5 s of virtual time, billions of instructions under icount).
SHELL_PROMPT = "any other key to continue"
BENCH_OF = {p: p.split(".")[0] for p in PROFILES}
# Run only when the exit path's caches miss: a page walk for the code TLB,
# a full decode for the MMIO decode cache.
COLD_FUNCS = {"hv:pt_walk_traced", "hv:mmio_dcache_miss"}


def main():
    import qemu
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bench", action="append", choices=PROFILES + ["vmexit"],
                    help="profile(s) to take (repeatable); vmexit = hypercall, cpuid, io")
    ap.add_argument("--iters", type=int, default=20, help="benchmark iterations (default 20)")
    ap.add_argument("--warmup", type=int, default=10,
                    help="warm-up iterations before the profiled one (default 10)")
    ap.add_argument("--devices", default=os.environ.get("RUN_DEVICES",
                    "-drive file={scratch},if=none,id=nvm,format=raw "
                    "-device nvme,drive=nvm,serial=irqvisor,romfile="))
    ap.add_argument("--cmdline", default=os.environ.get("RUN_OPTIONS", "guestnvme=yes"))
    ap.add_argument("--timeout", type=int, default=1200, help="seconds per breakpoint wait")
    ap.add_argument("--max-steps", type=int, default=200000)
    ap.add_argument("--sstep", type=lambda v: int(v, 0),
                    help="QEMU single-step flags for every profile (default: 0x7 for "
                         "vmexit, 0x5 for irq-latency)")
    ap.add_argument("--trace", help="write every stepped PC, symbolized, to this file")
    ap.add_argument("--hv-elf", default=os.path.join(ROOT, "build", "hv.elf"))
    ap.add_argument("--guest-elf", default=os.path.join(ROOT, "build", "guest.elf"))
    ap.add_argument("--echo", action="store_true", help="echo the console on stderr")
    a = ap.parse_args()
    wanted = []
    for b in a.bench or ["vmexit"]:
        wanted += ["vmexit.hypercall", "vmexit.cpuid", "vmexit.io"] if b == "vmexit" else [b]
    # one boot runs each benchmark once, in this order
    benches = [b for b in ("vmexit", "irq-latency") if any(BENCH_OF[p] == b for p in wanted)]
    profiles = [p for b in benches for p in PROFILES if p in wanted and BENCH_OF[p] == b]
    sys.exit(profile_boot(qemu, a, benches, profiles))


def progress(text, debug=False):
    if debug and not os.environ.get("PROFILE_DEBUG"):
        return
    print(f"profile: {time.strftime('%H:%M:%S')} {text}", file=sys.stderr, flush=True)


def profile_boot(qemu, a, benches, profiles):
    """One boot running each of benches, profiling each of profiles in turn
    (in the order the benchmarks reach them)."""
    port = find_free_port()
    autorun = "".join(f"bench {b}; " for b in benches) + "poweroff"
    bench = ", ".join(benches)
    cmdline = f"{a.cmdline} iters={a.iters} warmup={a.warmup}"
    m = qemu.Machine(devices=a.devices, icount=True, cmdline=cmdline,
                     cfg_text=qemu.boot.cfg_text(None, autorun), gdb=port)
    console = Console(a.echo)
    result = {}
    runner = threading.Thread(target=lambda: result.update(
        zip(("status", "log"), m.run(a.timeout * (len(profiles) + 2), follow=console,
              inputs=[(SHELL_PROMPT, "\r")]))))
    runner.start()
    failed = False
    gdb = prof = sym = None
    try:
        gdb = Gdb(port)
        # QEMU waits (-S) for us: run to the hv's banner, which gives its base.
        gdb.sock.sendall(frame("c"))
        banner = console.wait_for(r"hypervisor core at (0x[0-9a-f]+)", a.timeout)
        if not banner:
            raise TimeoutError("no hv banner on the console")
        gdb.sock.sendall(b"\x03")
        gdb._recv_packet(30)
        progress(f"hv at {banner.group(1)}; waiting for the benchmark")
        hv = load_image("hv", a.hv_elf, int(banner.group(1), 16))
        guest = load_image("guest", a.guest_elf)
        sym = Symbolizer([hv, guest])
        prof = Profiler(gdb, sym, a.guest_elf, a.max_steps, a.sstep, a.hv_elf)
        for p in profiles:
            for w in prof.profile(p, a.warmup, a.timeout):
                progress(f"{w.title}: {len(w.pcs)} instructions stepped")
                print(summarize(w, sym))
                print()
                if w.matched(sym) is False:
                    failed = True
                if a.trace:
                    with open(a.trace, "a") as f:
                        f.write(f"== {w.title}\n{trace_text(w, sym)}\n")
        sys.stdout.flush()
        gdb.sock.sendall(frame("D"))
        gdb.close()
    except Exception as e:
        print(f"profile: {bench}: {type(e).__name__}: {e}", file=sys.stderr)
        failed = True
        if a.trace and prof and prof.current:
            with open(a.trace, "a") as f:
                f.write(f"== {prof.current.title} (partial: {e})\n"
                        f"{trace_text(prof.current, sym)}\n")
        if gdb:
            gdb.sock.sendall(frame("k"))
    runner.join()
    m.cleanup()
    if not failed and result.get("status") != 0:
        print(f"profile: {bench}: the boot ended with status {result.get('status')}",
              file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    main()
