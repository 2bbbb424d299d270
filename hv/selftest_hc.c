/* Hypercalls of the self-tests (see selftest_hc.h). They only touch what
 * is the guest's own (its own vectors, its own exit counts) or a vector
 * the hv keeps for them alone. */
#include "hv/selftest_hc.h"
#include "hv/irq.h"
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

long hc_hv_irq(struct guest *g, struct vcpu_regs *r)
{
	static uint8_t vector;

	(void)g;
	if (r->rdi > 1)
		return -HC_EINVAL;
	if (!vector && irq_vector_alloc(1, &vector))
		return -HC_ENOSPC;
	if (r->rdi == 1)
		return (long)irq_count(vector);
	lapic_self_ipi(vector);
	return 0;
}
