/* Generic exit handling for every backend (STYLE rule 1). */
#include <errno.h>
#include <stdio.h>
#include "hv/guest.h"
#include "hv/insn.h"
#include "hv/ratelimit.h"
#include "hv/vuart.h"
#include "hv/msr.h"
#include "hv/cpuid.h"
#include "drivers/cpu.h"

#define IO_LOG_PORTS	64
/* Handlers out of line: exit_handle stays a dispatcher of tail calls, and
 * the slow paths cost the fast ones no spills. */
#define NOINLINE	__attribute__((noinline))

static const char *const reason_names[EXIT_REASONS] = {
	[EXIT_CPUID] = "cpuid", [EXIT_HYPERCALL] = "hypercall",
	[EXIT_IO] = "io", [EXIT_MSR] = "msr", [EXIT_HLT] = "hlt",
	[EXIT_NPF] = "npf", [EXIT_INTR] = "intr", [EXIT_NMI] = "nmi",
	[EXIT_IRQ_WINDOW] = "irq_window", [EXIT_SHUTDOWN] = "shutdown",
	[EXIT_EXCEPTION] = "exception", [EXIT_INVALID] = "invalid",
	[EXIT_UNKNOWN] = "unknown", [EXIT_DB] = "db", [EXIT_AC] = "ac",
	[EXIT_TIMER] = "timer",
};

const char *exit_reason_name(enum exit_reason r)
{
	return r < EXIT_REASONS ? reason_names[r] : "?";
}

/* The slow path of exit_skip_insn: the bytes at RIP cross a page, are
 * not in the code TLB, or differ from the expected encoding (prefixes):
 * fetched and fully decoded, and RIP moved past them. */
static NOINLINE int exit_skip_decoded(struct guest *g, const struct vcpu_exit *e,
				      const uint8_t *expect, size_t expect_len)
{
	uint8_t buf[INSN_MAX_LEN];
	const uint8_t *bytes;
	struct insn in;
	size_t avail;
	int len;

	avail = guest_fetch_insn(g, e->cr3, exit_insn_linear(e), buf, &bytes);
	if (insn_bytes_are(bytes, avail, expect, expect_len)) {
		len = (int)expect_len;
	} else {
		len = insn_decode(bytes, avail, e->mode, &in);
		if (len < 0) {
			guest_stop(g, STOP_BAD_INSN, "cannot decode the instruction at RIP 0x%lx "
				   "(error %d)", e->rip, len);
			return -EIO;
		}
	}
	vcpu_set_rip(&g->vcpu, e->rip + (uint64_t)len);
	return 0;
}

/* Advance RIP past the exiting instruction. Without a next RIP from the
 * backend (QEMU's SVM has no NRIP save) the bytes at RIP are checked
 * against the encoding the exit reason implies, straight from the code
 * TLB's page when it holds them, and fully decoded only when they differ
 * (prefixes). Inline in each handler: its encoding is a constant there,
 * so the check is a compare or two. */
static inline int exit_skip_insn(struct guest *g, const struct vcpu_exit *e,
				 const uint8_t *expect, size_t expect_len)
{
	const uint8_t *bytes;

	if (e->next_rip) {
		vcpu_set_rip(&g->vcpu, e->next_rip);
		return 0;
	}
	bytes = guest_code_peek(g, e->cr3, exit_insn_linear(e), expect_len);
	if (!bytes || !insn_bytes_are(bytes, expect_len, expect, expect_len))
		return exit_skip_decoded(g, e, expect, expect_len);
	vcpu_set_rip(&g->vcpu, e->rip + expect_len);
	return 0;
}

static uint64_t io_mask(uint8_t size)
{
	return size == 4 ? 0xffffffffULL : size == 2 ? 0xffffULL : 0xffULL;
}

/* An I/O port with nothing behind it reads as all ones and ignores
 * writes, as on a real bus. Each port is reported once (the first
 * IO_LOG_PORTS of them are remembered once shown), and every report is
 * rate-limited. */
static void io_unclaimed(const struct vcpu_exit *e)
{
	static struct ratelimit rl = RATELIMIT_INIT("unclaimed-port");
	static uint16_t logged[IO_LOG_PORTS];
	static unsigned nlogged;
	unsigned i;

	if (e->io.port == GUEST_IO_PROBE_PORT)
		return;
	for (i = 0; i < nlogged; i++)
		if (logged[i] == e->io.port)
			return;
	if (!ratelimit_allow(&rl))
		return;
	if (nlogged < IO_LOG_PORTS)
		logged[nlogged++] = e->io.port;
	printf("hv: guest %s port 0x%x (size %u): no device, %s\n",
	       e->io.in ? "read" : "wrote", e->io.port, e->io.size,
	       e->io.in ? "reads as all ones" : "ignored");
}

static NOINLINE int exit_io_string(struct guest *g, const struct vcpu_exit *e)
{
	guest_stop(g, STOP_BAD_IO, "string I/O (INS/OUTS) on port 0x%x is not emulated",
		   e->io.port);
	return -EIO;
}

/* The emulated device behind the exit's port moves *val (a write's value,
 * masked here to its size); false when no device has the port. */
static bool io_device(struct guest *g, const struct vcpu_exit *e, uint32_t *val)
{
	uint16_t port = e->io.port;

	if (!vuart_port(port) && !passthru_cfg_port(port))
		return false;
	*val = (uint32_t)(g->vcpu.regs.rax & io_mask(e->io.size));
	if (vuart_port(port))
		return vuart_io(port, e->io.in, e->io.size, val);
	return passthru_cfg_io(&g->pt, port, e->io.in, e->io.size, val);
}

/* An IN's result into RAX. SDM vol 1, 3.4.1.1: a 32-bit result
 * zero-extends into RAX; 8- and 16-bit ones leave the upper bits alone. */
static void io_in_result(struct vcpu *v, uint8_t size, uint32_t val)
{
	uint64_t mask = io_mask(size);

	if (size == 4)
		v->regs.rax = val;
	else
		v->regs.rax = (v->regs.rax & ~mask) | (val & mask);
}

static NOINLINE int exit_io(struct guest *g, const struct vcpu_exit *e)
{
	struct vcpu *v = &g->vcpu;
	uint32_t val;

	if (e->io.string)
		return exit_io_string(g, e);
	if (!io_device(g, e, &val)) {
		val = UINT32_MAX;
		io_unclaimed(e);
	}
	if (e->io.in)
		io_in_result(v, e->io.size, val);
	/* Both backends give the next RIP of every I/O exit (vcpu.h). */
	vcpu_set_rip(v, e->next_rip);
	return 0;
}

static const uint8_t insn_cpuid[] = { 0x0f, 0xa2 };
static const uint8_t insn_rdmsr[] = { 0x0f, 0x32 };
static const uint8_t insn_wrmsr[] = { 0x0f, 0x30 };
static const uint8_t insn_hlt[] = { 0xf4 };

/* A halted guest waits, with the hv taking interrupts, until its device
 * or its APIC timer gives it something to do; bounded, since nothing may
 * ever come. */
static bool hlt_wait(struct guest *g)
{
	uint64_t t0 = cpu_rdtsc(), bound = g->tsc_hz ? g->tsc_hz : 1ULL << 31;
	bool timer;

	for (;;) {
		timer = vlapic_timer_poll(&g->vlapic) != 0;
		if (vlapic_pending(&g->vlapic) >= 0 || g->vlapic.nmi_pending)
			return true;
		if ((!passthru_irqs_live(&g->pt) && !timer) || cpu_rdtsc() - t0 > bound)
			return false;
		cpu_irq_window();
	}
}

static NOINLINE int exit_hlt(struct guest *g, const struct vcpu_exit *e)
{
	uint64_t next;

	/* An EOI the guest made without an exit (eoi=pv) retires first: its
	 * vector in service would hide what is pending behind it. */
	if (g->mode.eoi->before_entry)
		g->mode.eoi->before_entry(g);
	if (!g->vcpu.inject_pending && vlapic_pending(&g->vlapic) < 0 && !hlt_wait(g)) {
		next = vlapic_timer_poll(&g->vlapic);
		if (next)	/* the hv does not idle: a wait is bounded */
			guest_stop(g, STOP_HALTED, "HLT with nothing due within 1 s (its APIC "
				   "timer is due in %lu ms)", (next - cpu_rdtsc()) /
				   (g->tsc_hz ? g->tsc_hz / 1000 : 1000000));
		else
			guest_stop(g, STOP_HALTED, "HLT with no interrupt that could wake it");
		printf("  vLAPIC: PPR 0x%02x, highest requested %d, highest in service %d\n",
		       vlapic_ppr(&g->vlapic), vlapic_highest_irr(&g->vlapic),
		       vlapic_highest_isr(&g->vlapic));
		passthru_describe_waiting(&g->pt);
		return -EIO;
	}
	return exit_skip_insn(g, e, insn_hlt, sizeof(insn_hlt)) ? -EIO : 0;
}

/* #DB and #AC are intercepted only so that a guest cannot loop inside
 * the CPU (CVE-2015-8104, CVE-2015-5307): each goes back to the guest as
 * it came, with its error code (0 for #AC, none for #DB). Under SVM the
 * CPU has already updated DR6 and DR7 when a #DB exits (APM vol 2, 15.12;
 * KVM's db_interception takes the new DR6 bits from the VMCB), and a trap
 * left RIP past the instruction, so the guest sees what it would have. */
static NOINLINE int exit_reflect(struct guest *g, const struct vcpu_exit *e)
{
	g->vcpu.ops->inject(&g->vcpu, EVENT_EXCEPTION, e->exc.vector,
			    e->exc.has_error, e->exc.error);
	return 0;
}

static NOINLINE int exit_unexpected(struct guest *g, const struct vcpu_exit *e)
{
	guest_stop(g, STOP_UNEXPECTED, "unexpected exit %s (code 0x%lx, info 0x%lx/0x%lx)",
		   exit_reason_name(e->reason), e->code, e->info1, e->info2);
	return -EIO;
}

/* RIP first: the exit's decoding is not needed after it. */
static NOINLINE int exit_cpuid(struct guest *g, const struct vcpu_exit *e)
{
	if (exit_skip_insn(g, e, insn_cpuid, sizeof(insn_cpuid)))
		return -EIO;
	cpuid_emulate(&g->vcpu);
	return 0;
}

static NOINLINE int exit_msr(struct guest *g, const struct vcpu_exit *e)
{
	if (msr_emulate(&g->vcpu, &g->vlapic, e->msr.write))
		return 0;	/* #GP injected, RIP stays */
	return exit_skip_insn(g, e, e->msr.write ? insn_wrmsr : insn_rdmsr, 2) ? -EIO : 0;
}

static NOINLINE int exit_npf(struct guest *g, const struct vcpu_exit *e)
{
	int rc = mmio_exit(g, e);

	if (rc != -ENOENT)
		return rc;
	g->stop_gpa = e->npf.gpa;
	guest_stop(g, STOP_NPF, "%s of unmapped guest-physical 0x%lx at RIP 0x%lx",
		   e->npf.fetch ? "fetch" : e->npf.write ? "write" : "read",
		   e->npf.gpa, e->rip);
	return -EIO;
}

static NOINLINE int exit_shutdown(struct guest *g, const struct vcpu_exit *e)
{
	(void)e;
	guest_stop(g, STOP_SHUTDOWN, "triple fault (shutdown)");
	return -EIO;
}

/* A dispatcher of tail calls (each handler keeps its own frame), so the
 * hot exits pay no spills for the others. */
int exit_handle(struct guest *g, const struct vcpu_exit *e)
{
	switch (e->reason) {
	case EXIT_HYPERCALL:
		return hypercall_handle(g, e);
	case EXIT_CPUID:
		return exit_cpuid(g, e);
	case EXIT_IO:
		return exit_io(g, e);
	case EXIT_MSR:
		return exit_msr(g, e);
	case EXIT_HLT:
		return exit_hlt(g, e);
	case EXIT_INTR:		/* the backend's run has handled it */
	case EXIT_NMI:
	case EXIT_IRQ_WINDOW:
		return 0;
	case EXIT_NPF:
		return exit_npf(g, e);
	case EXIT_SHUTDOWN:
		return exit_shutdown(g, e);
	case EXIT_DB:
	case EXIT_AC:
		return exit_reflect(g, e);
	default:
		return exit_unexpected(g, e);
	}
}
