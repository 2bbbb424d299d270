/* Hypercalls of the self-tests (see selftest_hc.h). Both only touch what
 * is the guest's own: its own vectors, its own exit counts. */
#include "hv/selftest_hc.h"
#include "drivers/lapic.h"

long hc_raise_host_irq(struct guest *g, struct vcpu_regs *r)
{
	struct passthru *p = &g->pt;

	if (!passthru_irqs_live(p) || r->rdi >= p->vm.nvec)
		return -HC_EINVAL;
	lapic_self_ipi((uint8_t)(p->host_first + r->rdi));
	return 0;
}

long hc_exit_count(struct guest *g, struct vcpu_regs *r)
{
	static const enum exit_reason kinds[] = {
		[HC_EXITS_DB] = EXIT_DB, [HC_EXITS_AC] = EXIT_AC,
	};

	if (r->rdi >= sizeof(kinds) / sizeof(kinds[0]))
		return -HC_EINVAL;
	return (long)g->vcpu.exits[kinds[r->rdi]];
}
