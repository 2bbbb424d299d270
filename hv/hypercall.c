/* Hypercall dispatch (ABI in hypercall_abi.h). Arguments are untrusted:
 * every pointer is translated and bounds-checked, every size capped. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/native_dev.h"
#include "hv/ratelimit.h"
#include "hv/report.h"
#include "hv/bench.h"
#include "hv/vuart.h"
#include "hv/selftest_hc.h"

#define NAME_MAX_LEN	64
#define WHY_MAX_LEN	160
#define SAMPLES_MAX	1000000UL

typedef long (*hc_fn)(struct guest *g, struct vcpu_regs *r);

static long hc_nop(struct guest *g, struct vcpu_regs *r)
{
	(void)g; (void)r;
	return 0;
}

static long hc_hello(struct guest *g, struct vcpu_regs *r)
{
	if (r->rdi != HC_ABI_VERSION) {
		printf("hv: guest speaks hypercall ABI %lu, hv speaks %d\n",
		       r->rdi, HC_ABI_VERSION);
		return -HC_EINVAL;
	}
	return g->boot_count;
}

static long hc_get_info(struct guest *g, struct vcpu_regs *r)
{
	struct hc_guest_info info = {
		.ram_size = g->ram.size,
		.unmapped_gpa = g->unmapped_gpa,
		.tsc_hz = g->tsc_hz,
		.boot_count = g->boot_count,
		.nram = g->ram.n,
	};
	unsigned i;

	info.source = guest_source_pick() == &irq_source_timer ? HC_SOURCE_TIMER :
		      HC_SOURCE_DEVICE;
	info.msix = g->opts->msix;
	info.delivery = g->opts->delivery;
	info.eoi = g->opts->eoi;

	for (i = 0; i < g->ram.n; i++)
		info.ram[i] = (struct hc_ram_range){ g->ram.r[i].gpa, g->ram.r[i].size };

	return guest_write_gva(g, r->rdi, &info, sizeof(info)) ? -HC_EFAULT : 0;
}

static long hc_report(struct guest *g, struct vcpu_regs *r)
{
	char name[NAME_MAX_LEN], why[WHY_MAX_LEN];

	if (r->rdi > HC_SKIP)
		return -HC_EINVAL;
	if (guest_read_string(g, r->rsi, name, sizeof(name)) ||
	    (r->rdx && guest_read_string(g, r->rdx, why, sizeof(why))))
		return -HC_EFAULT;
	if (!r->rdx)
		why[0] = 0;
	vuart_flush();
	report_verdict((enum hc_verdict)r->rdi, name, why);
	return 0;
}

static long hc_samples(struct guest *g, struct vcpu_regs *r)
{
	char name[NAME_MAX_LEN];
	uint64_t n = r->rdx, *buf;
	long ret;

	if (!n || n > SAMPLES_MAX)
		return -HC_E2BIG;
	if (r->rcx != UNIT_TSC_TICKS)
		return -HC_EINVAL;
	if (guest_read_string(g, r->rdi, name, sizeof(name)))
		return -HC_EFAULT;
	buf = malloc(n * sizeof(*buf));
	if (!buf)
		return -HC_E2BIG;
	ret = -HC_EFAULT;
	if (!guest_read_gva(g, r->rsi, buf, n * sizeof(*buf))) {
		vuart_flush();
		ret = bench_report(g, name, buf, n) ? -HC_EINVAL : 0;
	}
	free(buf);
	return ret;
}

static long hc_progress(struct guest *g, struct vcpu_regs *r)
{
	char name[NAME_MAX_LEN];

	if (guest_read_string(g, r->rdi, name, sizeof(name)))
		return -HC_EFAULT;
	vuart_flush();
	return bench_progress_guest(name, r->rsi, r->rdx) ? -HC_EINVAL : 0;
}

static long hc_inject_self(struct guest *g, struct vcpu_regs *r)
{
	if (r->rdi < 32 || r->rdi > 255 || r->rsi > HV_INJECT_MAX)
		return -HC_EINVAL;
	g->vcpu.inject_vector = (uint8_t)r->rdi;
	g->vcpu.inject_pending += (uint32_t)r->rsi;
	return 0;
}

static long hc_get_work(struct guest *g, struct vcpu_regs *r)
{
	if (guest_write_gva(g, r->rdi, &g->work, sizeof(g->work)))
		return -HC_EFAULT;
	g->work_pending = false;
	return 0;
}

static long hc_work_done(struct guest *g, struct vcpu_regs *r)
{
	(void)g; (void)r;
	vuart_flush();
	return 0;
}

static long hc_work_args(struct guest *g, struct vcpu_regs *r)
{
	return guest_write_gva(g, r->rdi, &g->work, sizeof(g->work)) ? -HC_EFAULT : 0;
}

static long hc_bench_mark(struct guest *g, struct vcpu_regs *r)
{
	(void)r;
	bench_mark(g);
	return 0;
}

static const hc_fn hc_table[HC_COUNT] = {
	[HC_NOP] = hc_nop,
	[HC_HELLO] = hc_hello,
	[HC_GET_WORK] = hc_get_work,
	[HC_WORK_DONE] = hc_work_done,
	[HC_REPORT] = hc_report,
	[HC_SAMPLES] = hc_samples,
	[HC_INJECT_SELF] = hc_inject_self,
	[HC_GET_INFO] = hc_get_info,
	[HC_BENCH_MARK] = hc_bench_mark,
	[HC_RAISE_HOST_IRQ] = hc_raise_host_irq,
	[HC_EXIT_COUNT] = hc_exit_count,
	[HC_WORK_ARGS] = hc_work_args,
	[HC_HV_IRQ] = hc_hv_irq,
	[HC_MSI_MAP] = delivery_hc_msi_map,
	[HC_PV_EOI] = delivery_hc_pv_eoi,
	[HC_PROGRESS] = hc_progress,
};

/* Not a number the table knows: -ENOSYS, reported (rate-limited). */
static __attribute__((noinline)) long hc_unknown(uint64_t nr)
{
	static struct ratelimit unknown_rl = RATELIMIT_INIT("unknown-hypercall");

	if (ratelimit_allow(&unknown_rl))
		printf("hv: guest made unknown hypercall %lu: -ENOSYS\n", nr);
	return -HC_ENOSYS;
}

/* The result in RAX; the guest resumes past its VMMCALL. */
static int hc_finish(struct vcpu *v, long ret)
{
	v->regs.rax = (uint64_t)ret;
	vcpu_set_rip(v, v->rip + HC_INSN_LEN);
	return 0;
}

/* The guest resumes HC_INSN_LEN bytes past the exit's RIP (the ABI's
 * instruction length: no fetch). HC_GET_WORK with nothing to do parks the
 * guest on its VMMCALL: RIP is not advanced, so the next resume asks
 * again. */
int hypercall_handle(struct guest *g, const struct vcpu_exit *e)
{
	struct vcpu *v = &g->vcpu;
	uint64_t nr = v->regs.rax;
	hc_fn fn = nr < HC_COUNT ? hc_table[nr] : NULL;

	(void)e;	/* v->rip: the exit's RIP (no handler sets it) */
	if (!fn)
		return hc_finish(v, hc_unknown(nr));
	if (nr == HC_GET_WORK && !g->work_pending) {
		vuart_flush();
		return 1;
	}
	return hc_finish(v, fn(g, &v->regs));
}
