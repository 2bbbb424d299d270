#!/usr/bin/env python3
"""Host unit tests of tools/profile.py's pure parts: the gdb remote serial
protocol framing, the symbolizer (mode by address range, function lookup,
nm parsing), the categorizer and the report's tick check. Run from the
repository root (tests/run-unit.sh runs every tests/unit/test_*.py)."""
import importlib.util
import os
import unittest

TOOL = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools",
                    "profile.py")
# By path: the standard library has a module named profile too.
SPEC = importlib.util.spec_from_file_location("irqvisor_profile", TOOL)
P = importlib.util.module_from_spec(SPEC)
SPEC.loader.exec_module(P)


class Framing(unittest.TestCase):
    def test_checksum_is_sum_mod_256(self):
        self.assertEqual(P.checksum(b"g"), 0x67)
        self.assertEqual(P.checksum(b"\xff\x02"), 0x01)

    def test_frame(self):
        self.assertEqual(P.frame("s"), b"$s#73")
        self.assertEqual(P.frame("qqemu.sstep"), b"$qqemu.sstep#" +
                         f"{sum(b'qqemu.sstep') & 0xff:02x}".encode())

    def test_frame_escapes_specials(self):
        self.assertEqual(P.frame(b"a#b"), b"$a}\x03b#" +
                         f"{sum(b'a}' + bytes([3]) + b'b') & 0xff:02x}".encode())

    def test_parse_round_trip_with_acks_and_rest(self):
        payload, rest = P.parse_packet(b"+" + P.frame(b"T05$*}") + b"+$O")
        self.assertEqual(payload, b"T05$*}")
        self.assertEqual(rest, b"+$O")

    def test_parse_incomplete(self):
        self.assertEqual(P.parse_packet(b"+$OK#9"), (None, b"$OK#9"))
        self.assertEqual(P.parse_packet(b"+"), (None, b"+"))

    def test_parse_bad_checksum(self):
        with self.assertRaises(P.PacketError):
            P.parse_packet(b"$OK#00")

    def test_run_length(self):
        # "0* " = '0' repeated 1 + (' ' - 29) = 4 times in total
        body = b"0* "
        payload, _ = P.parse_packet(b"$" + body + b"#" + f"{P.checksum(body):02x}".encode())
        self.assertEqual(payload, b"0000")

    def test_register_is_little_endian(self):
        self.assertEqual(P.le_hex("1000100000000000"), 0x100010)


def images(hv_base=0x1e000000):
    hv = P.Image("hv", [(0x40, 0x20, "svm_vmrun"), (0x60, 0x100, "exit_handle"),
                        (0x160, 0, "isr_33")], hv_base, (0x40, 0x180))
    guest = P.Image("guest", [(0x100000, 0x10, "op_hypercall"), (0x100010, 0x40, "measure")],
                    0, (0x100000, 0x100050))
    return hv, guest


class Symbols(unittest.TestCase):
    def test_mode_by_range_and_lookup(self):
        sym = P.Symbolizer(list(images()))
        self.assertEqual(sym.function(0x1e000045), "hv:svm_vmrun")
        self.assertEqual(sym.where(0x1e000065), "hv:exit_handle+0x5")
        self.assertEqual(sym.function(0x100012), "guest:measure")
        self.assertEqual(sym.where(0x100000), "guest:op_hypercall+0x0")

    def test_unsized_asm_label_holds_what_follows(self):
        sym = P.Symbolizer(list(images()))
        self.assertEqual(sym.where(0x1e000170), "hv:isr_33+0x10")
        self.assertEqual(sym.function(0x1e000180), "?0x1e000180")

    def test_outside_both_is_unknown(self):
        sym = P.Symbolizer(list(images()))
        self.assertEqual(sym.function(0x50), "?0x50")
        self.assertEqual(sym.function(0x100050), "?0x100050")
        self.assertEqual(P.categorize(sym.function(0x50)), "unknown")

    def test_overlapping_images_refused(self):
        with self.assertRaises(ValueError):
            P.Symbolizer(list(images(hv_base=0x100000 - 0x50)))

    def test_parse_nm_keeps_code_only(self):
        text = ("0000000000000040 0000000000000020 T svm_vmrun\n"
                "0000000000000100 0000000000000008 D hv\n"
                "0000000000000160 t isr_33\n"
                "                 U undefined\n")
        self.assertEqual(P.parse_nm(text), [(0x40, 0x20, "svm_vmrun"), (0x160, 0, "isr_33")])


class Categories(unittest.TestCase):
    def test_table(self):
        cases = {
            "guest:measure": "guest", "guest:hc_vmmcall": "guest",
            "hv:svm_vmrun": "world switch", "hv:isr_33": "host interrupt entry",
            "hv:trap_common": "host interrupt entry",
            "hv:guest_fetch_insn": "fetch", "hv:guest_code_page": "fetch",
            "hv:exit_skip_insn": "insn decode", "hv:insn_decode": "insn decode",
            "hv:mmio_decode": "insn decode", "hv:pt_walk_traced": "fetch",
            "hv:svm_run": "exit decode", "hv:guest_tick": "hv tick",
            "hv:vlapic_timer_poll": "hv tick", "hv:guest_run_work": "exit dispatch",
            "hv:vlapic_pending": "vLAPIC", "hv:vec_highest": "vLAPIC",
            "hv:irq_handle": "device irq chain", "hv:vmsix_fire": "device irq chain",
            "hv:svm_inject": "inject", "hv:hc_nop": "handler",
            "hv:hypercall_handle": "handler", "hv:cpuid_emulate": "handler",
            "hv:exit_handle": "exit dispatch", "hv:guest_loop": "exit dispatch",
            "hv:memset": "libc",
            "hv:something_new": "other hv", "?0x10": "unknown",
        }
        for func, cat in cases.items():
            self.assertEqual(P.categorize(func), cat, func)

    def test_compiler_suffixes_ignored(self):
        self.assertEqual(P.categorize("hv:vlapic_ack.constprop.0"), "vLAPIC")


class Report(unittest.TestCase):
    def window(self, ticks):
        w = P.Window("vmexit.hypercall", "test")
        # the guest exits at 0x100000 (an intercepted instruction: no tick)
        w.pcs = [0x100000, 0x1e000045, 0x1e000046, 0x1e000065, 0x100012]
        w.end_pc = 0x100014
        w.ticks = ticks
        return w

    def test_match(self):
        sym = P.Symbolizer(list(images()))
        self.assertTrue(self.window(4).matched(sym))
        text = P.summarize(self.window(4), sym)
        self.assertIn("5 instructions (3 hv, 2 guest)", text)
        self.assertRegex(text, r"hv:svm_vmrun\s+2\s+world switch")
        self.assertRegex(text, r"exit dispatch\s+1")
        self.assertLess(text.index("world switch   "), text.index("exit dispatch   "))
        self.assertIn("not retired: guest:op_hypercall+0x0", text)
        self.assertTrue(text.endswith("1 not retired, 4 retired; RDTSC delta 4 ticks: MATCH"))

    def test_differ(self):
        sym = P.Symbolizer(list(images()))
        self.assertFalse(self.window(5).matched(sym))
        text = P.summarize(self.window(5), sym)
        self.assertNotIn("MATCH", text)
        self.assertIn("DIFFER by -1", text)

    def test_not_retired(self):
        sym = P.Symbolizer(list(images()))
        # guest -> hv: a #VMEXIT in the guest instruction's place
        self.assertEqual(P.not_retired([0x100000, 0x1e000045], sym), [0])
        # hv -> first byte of a host interrupt stub: delivered, not run
        self.assertEqual(P.not_retired([0x1e000065, 0x1e000160, 0x1e000161], sym), [0])
        # hv -> guest (VMRUN retires), inside a stub, plain hv flow: all retire
        self.assertEqual(P.not_retired([0x1e000045, 0x100000, 0x100002], sym), [])
        self.assertEqual(P.not_retired([0x1e000160, 0x1e000161, 0x1e000046], sym), [])

    def test_unchecked_window_says_nothing_of_ticks(self):
        sym = P.Symbolizer(list(images()))
        text = P.summarize(self.window(None), sym)
        self.assertNotIn("check:", text)


if __name__ == "__main__":
    unittest.main(verbosity=2)
