/* Local APIC (SDM vol 3, chapter 11). */
#include "drivers/lapic.h"
#include "drivers/cpu.h"

#define APIC_BASE_BSP		BIT(8)
#define APIC_BASE_X2APIC	BIT(10)
#define APIC_BASE_ENABLE	BIT(11)
#define APIC_BASE_ADDR		GENMASK(51, 12)

#define APIC_ID			0x020
#define APIC_EOI		0x0b0
#define APIC_SVR		0x0f0
#define  SVR_ENABLE		BIT(8)
#define APIC_LVT_TIMER		0x320
#define APIC_LVT_LINT0		0x350
#define APIC_LVT_LINT1		0x360
#define APIC_LVT_ERROR		0x370
#define  LVT_MASKED		BIT(16)
#define X2APIC_MSR_BASE		0x800

static struct {
	uint64_t base;
	bool x2apic;
} lapic;

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

void lapic_init(uint8_t spurious_vector)
{
	uint64_t msr = cpu_rdmsr(MSR_APIC_BASE);

	lapic.base = msr & APIC_BASE_ADDR;
	lapic.x2apic = msr & APIC_BASE_X2APIC;
	if (!(msr & APIC_BASE_ENABLE))
		cpu_wrmsr(MSR_APIC_BASE, msr | APIC_BASE_ENABLE);
	lapic_write(APIC_LVT_TIMER, LVT_MASKED);
	lapic_write(APIC_LVT_LINT0, LVT_MASKED);
	lapic_write(APIC_LVT_LINT1, LVT_MASKED);
	lapic_write(APIC_LVT_ERROR, LVT_MASKED);
	lapic_write(APIC_SVR, SVR_ENABLE | spurious_vector);
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
