/* The hypercall ABI between the hv and its guest.
 *
 * Instruction: VMMCALL (0F 01 D9) under SVM, VMCALL (0F 01 C1) under VMX,
 * exactly these three bytes with no prefix (HC_INSN_LEN): the hv resumes
 * the guest HC_INSN_LEN bytes past the RIP of the call without reading the
 * instruction, so a prefixed one resumes inside itself. Number in RAX, arguments in
 * RDI, RSI, RDX, RCX; result in RAX: >= 0 on success, a negative errno
 * (Linux numbering, below) on failure. Every other register is preserved.
 * Pointers are guest-virtual addresses; the hv translates them through the
 * guest's page tables and refuses (-EFAULT) anything outside guest RAM.
 * An unknown number returns -ENOSYS. */
#ifndef HV_HYPERCALL_ABI_H
#define HV_HYPERCALL_ABI_H

enum hc_number {
	HC_NOP = 0,		/* () -> 0: the round-trip benchmark */
	HC_HELLO = 1,		/* (abi_version) -> boot count of this guest */
	HC_GET_WORK = 2,	/* (struct hc_work *out) -> 0 */
	HC_WORK_DONE = 3,	/* () -> 0: back to the console */
	HC_REPORT = 4,		/* (enum hc_verdict, const char *name, const char *why) */
	HC_SAMPLES = 5,		/* (const char *name, const uint64_t *s, n, unit) */
	HC_INJECT_SELF = 6,	/* (vector, count): deliver count virtual interrupts */
	HC_GET_INFO = 7,	/* (struct hc_guest_info *out) -> 0 */
	HC_BENCH_MARK = 8,	/* (): exits from here on count for the next samples */
	HC_RAISE_HOST_IRQ = 9,	/* (entry): make the host interrupt of the guest's MSI-X
				   entry pending in the hv, taken just before re-entry */
	HC_EXIT_COUNT = 10,	/* (enum hc_exit_kind) -> exits of that kind so far */
	HC_WORK_ARGS = 11,	/* (struct hc_work *out) -> 0: the work item being run */
	HC_HV_IRQ = 12,		/* (op): op 0 makes an interrupt of the hv's own pending
				   (a self-IPI, taken once the guest runs again);
				   op 1 returns how many of them the hv has taken */
	HC_MSI_MAP = 13,	/* (entry, vector, dest_apic_id, struct hc_msi_msg *out)
				   -> 0: msix=map only (else -EPERM), MSI-X enabled; the
				   remappable-format message the guest writes into that
				   entry of its MSI-X table, valid until MSI-X is disabled;
				   a call for a live entry retargets it (no rewrite needed) */
	HC_PV_EOI = 14,		/* (uint64_t *flag, 8-byte aligned in guest RAM; 0: off)
				   -> 0: eoi=pv only; see HC_PV_EOI_PENDING */
	HC_PROGRESS = 15,	/* (const char *name, done, total) -> 0: a benchmark's
				   progress, sent between samples about every
				   HC_PROGRESS_PERIOD_S seconds of TSC time; the hv
				   prints it at most that often */
	HC_COUNT
};

#define HC_ABI_VERSION	4
#define HC_PROGRESS_PERIOD_S	5
#define HC_INSN_LEN	3	/* bytes of the hypercall instruction */

/* Linux errno values, as the ABI returns them. */
#define HC_EFAULT	14
#define HC_EINVAL	22
#define HC_ENOSYS	38
#define HC_E2BIG	7
#define HC_ENOSPC	28
#define HC_EPERM	1	/* not in this delivery mode */

enum hc_verdict { HC_PASS = 0, HC_FAIL = 1, HC_SKIP = 2 };

enum hc_work_kind {
	WORK_NONE = 0,
	WORK_SELFTEST = 1,	/* arg = test id */
	WORK_BENCH = 2,		/* arg = bench id */
};

enum hc_selftest_id {
	ST_HYPERCALL, ST_CPUID, ST_IO, ST_NPF, ST_INJECT,
	ST_MSIX,		/* generic MSI-X table behaviour, any device */
	ST_IRQ,			/* device interrupts end to end (82574) */
	ST_ENTRY_IRQ,		/* an interrupt arriving at VM entry is not held */
	ST_EXC_DB,		/* #DB exits the guest and is reflected to it */
	ST_SPIN,		/* spin with IF=0 until the watchdog stops the guest */
	ST_GUARD_MMIO,		/* hostile accesses to the trapped MSI-X pages */
	ST_GUARD_MSI,		/* NMI/SMI/INIT/level/logical MSI-X messages (82574) */
	ST_GUARD_BAR,		/* BAR move attempts */
	ST_GUARD_FORGE,		/* hostile: forged console lines */
	ST_GUARD_FLOOD,		/* hostile: console flooding exits */
	ST_NATIVE_DMA,		/* hostile: DMA-written MSIs at the hv's IRTEs
				   (iters = IRT handle, warmup = sink vector) */
	ST_HOST_IRQ,		/* the guest's IF and CR8 cannot mask the hv's interrupts */
	ST_MAP_ATTACK,		/* hostile (msix=map): messages of its own in its table;
				   iters = ST_MAP_ARGS, warmup = IRT size */
	ST_COUNT
};

/* ST_MAP_ATTACK's work.iters: an IRT handle of the hv's own whose IRTE is
 * live but validates another requester (bits 15:0), the host vector it
 * targets, on which the hv counts (23:16), and whether the hv runs under
 * QEMU, which passes compatibility-format MSIs (bit 24). */
#define ST_MAP_FOREIGN(a)	((a) & 0xffffUL)
#define ST_MAP_SINK(a)		(((a) >> 16) & 0xffUL)
#define ST_MAP_ON_QEMU(a)	(((a) >> 24) & 1UL)
#define ST_MAP_ARGS(h, v, q)	((unsigned long)(h) | (unsigned long)(v) << 16 | \
				 (unsigned long)!!(q) << 24)

enum hc_bench_id {
	BENCH_VMEXIT,
	BENCH_IRQ_LATENCY,	/* trigger to guest ISR entry */
	BENCH_IRQ_RATE,		/* back-to-back interrupts */
	BENCH_MSIX_UPDATE,	/* guest mask/unmask, entry rewrite */
	BENCH_COUNT
};

enum hc_unit { UNIT_TSC_TICKS = 0 };

enum hc_exit_kind { HC_EXITS_DB = 0, HC_EXITS_AC = 1 };

struct hc_work {
	unsigned long kind;
	unsigned long arg;
	unsigned long iters;
	unsigned long warmup;
};

/* Guest RAM sits below a hole under 4 GiB and, when there is more of it,
 * from 4 GiB up (as on a PC): ram[0] starts at GPA 0 and holds the image,
 * the stack and the heap. */
#define HC_RAM_RANGES	2
struct hc_ram_range {
	unsigned long gpa;
	unsigned long size;
};

struct hc_guest_info {
	unsigned long ram_size;		/* bytes of guest RAM, all ranges */
	unsigned long unmapped_gpa;	/* a GPA the NPT leaves unmapped */
	unsigned long tsc_hz;
	unsigned long boot_count;
	unsigned long nram;		/* ranges used in ram[] */
	unsigned long source;		/* HC_SOURCE_*: what interrupt tests raise */
	unsigned long msix;		/* the delivery mode the guest runs in: */
	unsigned long delivery;		/* enum opt_msix, opt_delivery, opt_eoi */
	unsigned long eoi;		/* (hv/options.h) */
	struct hc_ram_range ram[HC_RAM_RANGES];	/* ascending GPA */
};

/* hc_guest_info.source, from the hv's source= option: the assigned
 * device (through its driver in drivers/irq_source.c) or the guest's
 * local APIC timer. */
#define HC_SOURCE_DEVICE	0
#define HC_SOURCE_TIMER		1

/* HC_MSI_MAP's answer: what to write into the entry's Message Address
 * (lower, upper) and Message Data. */
struct hc_msi_msg {
	unsigned long addr;
	unsigned long data;
};

/* eoi=pv (the scheme of KVM's PV EOI): when the hv injects a vector it
 * can retire without a trapped write (edge, then the only one in service,
 * nothing else waiting), it sets this bit in the guest's flag word. The
 * guest's EOI clears the bit with one locked instruction (BTR) and, only
 * if it was clear, writes the APIC's EOI register. The hv reads the flag
 * before the next VM entry and retires the vector itself; it may also take
 * the bit back (clear it) before then, and only a bit it set counts.
 * HC_PV_EOI translates the pointer once, through the guest's page tables
 * at the call: -HC_EINVAL when it is not 8-byte aligned or lies in the
 * GUEST_HV_DMA_GPA window, -HC_EFAULT when it is unmapped or not guest
 * RAM, -HC_EPERM outside eoi=pv. A guest restart forgets it. */
#define HC_PV_EOI_PENDING	1UL

/* Guest RAM the hv's own device work (native tests and benchmarks) gives
 * the device for its queues: the guest keeps out of it. Between the
 * guest's page tables (below 0x80000) and its stack (down from 1 MiB). */
#define GUEST_HV_DMA_GPA	0x80000UL
#define GUEST_HV_DMA_SIZE	0x40000UL

/* Guest serial port (trapped, forwarded with a "guest: " prefix). */
#define GUEST_COM1		0x3f8
/* A port with no device behind it, for the I/O exit benchmark (POST). */
#define GUEST_IO_PROBE_PORT	0x80
/* The vector HC_INJECT_SELF is meant to be used with by the self-test. */
#define GUEST_TEST_VECTOR	0x40

/* The assigned device: the only function on the guest's PCI bus, at
 * 00:00.0, reached through configuration mechanism #1 (ports 0xCF8/0xCFC,
 * PCI 3.0 3.2.2.3.2). Its BARs sit where the firmware put them, mapped at
 * the same guest-physical addresses. */
#define GUEST_PCI_ADDR_PORT	0xcf8
#define GUEST_PCI_DATA_PORT	0xcfc
/* The guest's xAPIC page (trapped and emulated). */
#define GUEST_APIC_BASE		0xfee00000UL

#endif
