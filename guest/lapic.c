/* Guest xAPIC: plain volatile dword accesses, the MOV forms the hv
 * decodes. Interrupts are accepted only once SVR's software-enable bit is
 * set (SDM 11.4.7.2). Under eoi=pv an EOI first tries the flag word the hv
 * sets (HC_PV_EOI_PENDING) and writes the register only when it was clear. */
#include "guest/guest.h"
#include "guest/lapic.h"
#include "hv/options.h"
#include "hv/vlapic.h"
#include "drivers/cpu.h"

static volatile uint32_t spurious;
/* Written by the hv between two exits, by the guest with one locked BTR:
 * neither sees the other half-done. */
static volatile uint64_t pv_eoi_flag __attribute__((aligned(8)));
static bool pv_eoi;

/* The address goes through a register: a register value stored to a
 * constant address above 2 GiB would otherwise be the MOV moffs form
 * (A3), which the hv's MMIO decoder does not take. */
static volatile uint32_t *lapic_reg(uint32_t reg)
{
	uintptr_t p = GUEST_APIC_BASE + reg;

	__asm__("" : "+r"(p));
	return (volatile uint32_t *)p;
}

uint32_t guest_lapic_read(uint32_t reg)
{
	return *lapic_reg(reg);
}

static void lapic_on_spurious(uint8_t vector)
{
	(void)vector;
	spurious++;	/* no EOI for the spurious vector */
}

void guest_lapic_init(void)
{
	idt_set_handler(GUEST_SPURIOUS_VECTOR, lapic_on_spurious);
	*lapic_reg(GUEST_APIC_SVR) = (uint32_t)(GUEST_APIC_SVR_ENABLE |
					FIELD_PREP(GUEST_APIC_SVR_VECTOR, GUEST_SPURIOUS_VECTOR));
	guest_lapic_set_tpr(0);
}

long guest_lapic_pv_eoi_init(void)
{
	long rc;

	pv_eoi = false;
	if (guest_info.eoi != OPT_EOI_PV)
		return 1;
	rc = hc(HC_PV_EOI, (long)&pv_eoi_flag, 0, 0, 0);
	pv_eoi = rc == 0;
	return rc;
}

uint64_t guest_lapic_pv_eoi_flag(void)
{
	return (uint64_t)&pv_eoi_flag;
}

/* BTR's carry is the bit as it was: set, the hv retires the vector at its
 * next look and no write is needed. */
void guest_lapic_eoi(void)
{
	bool was_set = false;

	if (pv_eoi)
		__asm__ volatile("lock btrq %2, %0"
				 : "+m"(pv_eoi_flag), "=@ccc"(was_set)
				 : "i"(__builtin_ctzl(HC_PV_EOI_PENDING)) : "memory");
	if (!was_set)
		*lapic_reg(GUEST_APIC_EOI) = 0;
}

void guest_lapic_set_tpr(uint8_t tpr)
{
	*lapic_reg(GUEST_APIC_TPR) = tpr;
}

uint32_t guest_lapic_spurious(void)
{
	return spurious;
}

/* SDM 11.5.4.1: the xAPIC write of the LVT is ordered before a later WRMSR
 * of IA32_TSC_DEADLINE with MFENCE. */
void guest_lapic_timer_deadline_mode(uint8_t vector, bool masked)
{
	*lapic_reg(VLAPIC_LVT_TIMER) = (uint32_t)(FIELD_PREP(VTIMER_LVT_MODE, VTIMER_MODE_DEADLINE) |
						  (masked ? VLAPIC_LVT_MASKED : 0) | vector);
	cpu_mfence();
}

void guest_lapic_deadline(uint64_t tsc)
{
	cpu_wrmsr(MSR_TSC_DEADLINE, tsc);
}
