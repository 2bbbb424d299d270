/* Local APIC (SDM vol 3, chapter 11): the same register offsets in both
 * modes, as MMIO at the base (xAPIC) or as MSR 0x800 + offset / 16
 * (x2APIC, SDM 11.12.1.2). */
#include <stdio.h>
#include "drivers/lapic.h"
#include "drivers/cpu.h"

#define APIC_ID			0x020
#define APIC_TPR		0x080
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define  SVR_ENABLE		BIT(8)
#define APIC_ICR_LO		0x300
#define  ICR_LEVEL_ASSERT	BIT(14)
#define  ICR_SHORTHAND_SELF	(1u << 18)
#define  ICR_MODE_NMI		(4u << 8)
#define APIC_ICR_HI		0x310
#define  ICR_XAPIC_DEST		GENMASK(31, 24)
#define X2APIC_MSR_ICR		0x830
#define APIC_LVT_TIMER		0x320
#define  LVT_TIMER_DEADLINE	BIT(18)	/* mode 10b; 00b is one-shot (SDM table 11-2) */
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define  LVT_MASKED		BIT(16)
#define APIC_TIMER_INIT		0x380
#define APIC_TIMER_CUR		0x390
#define APIC_TIMER_DCR		0x3e0
#define  DCR_DIV1		0xb	/* SDM vol 3, figure 11-10 */
#define X2APIC_MSR_BASE		0x800
#define X2APIC_MSR_SELF_IPI	0x83f

static struct {
	uint64_t base;
	bool x2apic;
	struct lapic_mode mode;
	bool tsc_deadline;	/* CPUID.1:ECX[24] */
	bool rate_known;
	uint32_t timer_rate;	/* see lapic_timer_rate */
} lapic;

static const char *const want_names[] = {
	[LAPIC_WANT_KEEP] = "auto", [LAPIC_WANT_XAPIC] = "xapic",
	[LAPIC_WANT_X2APIC] = "x2apic",
};

static uint32_t lapic_read(unsigned reg)
{
	if (lapic.x2apic)
		return (uint32_t)cpu_rdmsr(X2APIC_MSR_BASE + (reg >> 4));
	return *(volatile uint32_t *)(uintptr_t)(lapic.base + reg);
}

static void lapic_write(unsigned reg, uint32_t v)
{
	if (lapic.x2apic)
		cpu_wrmsr(X2APIC_MSR_BASE + (reg >> 4), v);
	else
		*(volatile uint32_t *)(uintptr_t)(lapic.base + reg) = v;
}

/* Into x2APIC mode (SDM 11.12.5): the register state carries over, the
 * APIC ID becomes the 32-bit x2APIC ID. */
static uint64_t lapic_enter_x2apic(uint64_t msr)
{
	uint64_t seq[2];
	unsigned i, n = lapic_x2apic_sequence(msr, seq);

	for (i = 0; i < n; i++)
		cpu_wrmsr(MSR_APIC_BASE, seq[i]);
	return n ? seq[n - 1] : msr;
}

int lapic_init(uint8_t spurious_vector, enum lapic_want want)
{
	uint64_t msr = cpu_rdmsr(MSR_APIC_BASE);
	struct cpuid_regs r;
	int err;

	cpu_cpuid(1, 0, &r);
	lapic.tsc_deadline = r.ecx & CPUID1_ECX_TSC_DEADLINE;
	err = lapic_mode_choose(want, msr, r.ecx & CPUID1_ECX_X2APIC, &lapic.mode);
	if (err)
		printf("apic: apic=%s refused: %s\n",
		       want < ARRAY_SIZE(want_names) ? want_names[want] : "?", lapic.mode.why);
	if (lapic.mode.switched)
		msr = lapic_enter_x2apic(msr);
	else if (!(msr & APIC_BASE_ENABLE))
		cpu_wrmsr(MSR_APIC_BASE, msr |= APIC_BASE_ENABLE);
	lapic.base = msr & APIC_BASE_ADDR;
	lapic.x2apic = lapic.mode.x2apic;
	if (lapic.mode.switched)
		printf("apic: switched from xAPIC to x2APIC mode (apic=x2apic), id 0x%x\n",
		       lapic_id());
	/* Accept every priority: the hv's vectors are all above 0x1f. */
	lapic_write(APIC_TPR, 0);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, LVT_MASKED);
	lapic_write(APIC_SVR, SVR_ENABLE | spurious_vector);
	return err;
}

const struct lapic_mode *lapic_mode(void)
{
	return &lapic.mode;
}

uint32_t lapic_id(void)
{
	uint32_t id = lapic_read(APIC_ID);

	return lapic.x2apic ? id : id >> 24;
}

bool lapic_x2apic(void)
{
	return lapic.x2apic;
}

uint64_t lapic_base(void)
{
	return lapic.base;
}

void lapic_eoi(void)
{
	lapic_write(APIC_EOI, 0);
}

/* SDM vol 3, 11.6.1: a fixed IPI to this CPU alone (shorthand "self");
 * x2APIC has a dedicated SELF IPI register (11.12.11). */
void lapic_self_ipi(uint8_t vector)
{
	if (lapic.x2apic)
		cpu_wrmsr(X2APIC_MSR_SELF_IPI, vector);
	else
		lapic_write(APIC_ICR_LO, ICR_SHORTHAND_SELF | ICR_LEVEL_ASSERT | vector);
}

/* SDM vol 3, 11.6.1: the self shorthand allows only fixed delivery, so
 * an NMI to this CPU names its own APIC ID (x2APIC: one 64-bit ICR write,
 * the destination in bits 63:32, 11.12.9). */
void lapic_self_nmi(void)
{
	uint32_t lo = ICR_MODE_NMI | ICR_LEVEL_ASSERT;

	if (lapic.x2apic) {
		cpu_wrmsr(X2APIC_MSR_ICR, (uint64_t)lapic_id() << 32 | lo);
		return;
	}
	lapic_write(APIC_ICR_HI, (uint32_t)FIELD_PREP(ICR_XAPIC_DEST, lapic_id()));
	lapic_write(APIC_ICR_LO, lo);
}

/* SDM vol 3, 11.5.4: the timer counts down from the initial count at the
 * bus clock divided by DCR; a one-shot count from the top shows how far it
 * gets in a window of TSC ticks. A count that ran out is no measure. */
static uint32_t lapic_timer_measure(uint64_t tsc_window)
{
	uint64_t t0;
	uint32_t left;

	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_TIMER_DCR, DCR_DIV1);
	lapic_write(APIC_TIMER_INIT, UINT32_MAX);
	t0 = cpu_rdtsc();
	while (cpu_rdtsc() - t0 < tsc_window)
		;
	left = lapic_read(APIC_TIMER_CUR);
	lapic_write(APIC_TIMER_INIT, 0);
	return left ? UINT32_MAX - left : 0;
}

uint32_t lapic_timer_rate(void)
{
	if (!lapic.rate_known) {
		lapic.timer_rate = lapic_timer_measure(LAPIC_TIMER_RATE_WINDOW);
		lapic.rate_known = true;
	}
	return lapic.timer_rate;
}

bool lapic_has_tsc_deadline(void)
{
	return lapic.tsc_deadline;
}

bool lapic_timer_masked(void)
{
	return lapic_read(APIC_LVT_TIMER) & LVT_MASKED;
}

void lapic_timer_oneshot(uint8_t vector)
{
	lapic_write(APIC_TIMER_INIT, 0);
	lapic_write(APIC_TIMER_DCR, DCR_DIV1);
	lapic_write(APIC_LVT_TIMER, vector);
}

void lapic_timer_start(uint32_t count)
{
	lapic_write(APIC_TIMER_INIT, count);
}

/* SDM vol 3, 11.5.4.1: in xAPIC mode the MMIO write of the LVT must be
 * ordered before a later WRMSR of IA32_TSC_DEADLINE: MFENCE. */
void lapic_timer_deadline_mode(uint8_t vector)
{
	lapic_write(APIC_LVT_TIMER, LVT_TIMER_DEADLINE | vector);
	cpu_mfence();
}

void lapic_timer_deadline(uint64_t tsc)
{
	cpu_wrmsr(MSR_TSC_DEADLINE, tsc);
}

/* Writing 0 to the initial count stops a count (11.5.4), 0 to the
 * deadline disarms (11.5.4.1); masked first, so neither fires between. */
void lapic_timer_stop(void)
{
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_TIMER_INIT, 0);
	if (lapic_has_tsc_deadline())
		lapic_timer_deadline(0);
}
