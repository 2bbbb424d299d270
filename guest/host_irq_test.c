/* ST_HOST_IRQ: the guest must not be able to mask the hv's own
 * interrupts. With IF clear and CR8 (its task priority) at 15, the guest
 * asks for HOST_IRQ_RAISES interrupts on a vector of the hv's and checks
 * that the hv took each. Under SVM, V_INTR_MASKING keeps the guest's IF
 * and CR8 virtual (APM vol 2, 15.21.1-2); under VMX, external-interrupt
 * exiting ignores the guest's IF, and the TPR shadow keeps its CR8 off
 * the real TPR (SDM vol 3, 25.3 and 31.1.2) — without it a guest's MOV to
 * CR8 would block every host vector, in the guest and in the hv after it.
 * Needs no device. */
#include <stddef.h>
#include "guest/devtest.h"
#include "guest/guest.h"
#include "drivers/cpu.h"

#define HOST_IRQ_NAME	"host-irq"
#define HOST_IRQ_RAISES	8
#define TPR_MASK_ALL	15

static void cr8_write(unsigned long v)
{
	__asm__ volatile("mov %0, %%cr8" : : "r"(v) : "memory");
}

void host_irq_selftest(void)
{
	long taken0, taken, r = 0;
	unsigned i;

	cpu_cli();
	cr8_write(TPR_MASK_ALL);
	taken0 = hc(HC_HV_IRQ, 1, 0, 0, 0);
	for (i = 0; i < HOST_IRQ_RAISES && !r; i++)
		r = hc(HC_HV_IRQ, 0, 0, 0, 0);
	taken = hc(HC_HV_IRQ, 1, 0, 0, 0);
	cr8_write(0);
	if (r || taken0 < 0 || taken < 0)
		return report(HC_FAIL, HOST_IRQ_NAME, "HC_HV_IRQ returned %ld, %ld/%ld",
			      r, taken0, taken);
	if (taken - taken0 != HOST_IRQ_RAISES)
		return report(HC_FAIL, HOST_IRQ_NAME, "the hv took %ld of %u interrupts of its "
			      "own while the guest ran with IF=0 and CR8=%u", taken - taken0,
			      HOST_IRQ_RAISES, TPR_MASK_ALL);
	report(HC_PASS, HOST_IRQ_NAME, NULL);
}
