/* TSC frequency (see tsc.h). */
#include <errno.h>
#include <string.h>
#include "drivers/tsc.h"
#include "drivers/acpi.h"
#include "drivers/cpu.h"

#define PM_TIMER_HZ		3579545ULL
#define CALIBRATE_US		10000ULL
#define HPET_CAP		0x000
#define  HPET_CAP_PERIOD_FS	GENMASK(63, 32)
#define HPET_CONFIG		0x010
#define  HPET_CONFIG_ENABLE	BIT(0)
#define HPET_COUNTER		0x0f0
#define FS_PER_SEC		1000000000000000ULL

/* SDM vol 3, 19.7.3: TSC = crystal * EBX / EAX from leaf 0x15; when the
 * crystal is not enumerated (ECX = 0), leaf 0x16 gives the base MHz. */
static int tsc_from_cpuid(struct tsc_freq *out)
{
	struct cpuid_regs r;

	cpu_cpuid(0, 0, &r);
	if (r.eax < 0x15)
		return -ENODEV;
	cpu_cpuid(0x15, 0, &r);
	if (!r.eax || !r.ebx)
		return -ENODEV;
	if (r.ecx) {
		out->hz = (uint64_t)r.ecx * r.ebx / r.eax;
		out->source = "CPUID 0x15 (crystal ratio)";
		return 0;
	}
	cpu_cpuid(0, 0, &r);
	if (r.eax < 0x16)
		return -ENODEV;
	cpu_cpuid(0x16, 0, &r);
	if (!(r.eax & 0xffff))
		return -ENODEV;
	out->hz = (uint64_t)(r.eax & 0xffff) * 1000000ULL;
	out->source = "CPUID 0x16 (base frequency)";
	return 0;
}

/* Count TSC ticks across ref_ticks of a reference counter of width bits. */
static uint64_t tsc_across(uint64_t (*read)(const void *), const void *ctx,
			   uint64_t ref_ticks, unsigned bits)
{
	uint64_t mask = bits == 64 ? ~0ULL : (1ULL << bits) - 1;
	uint64_t start = read(ctx), elapsed = 0, prev = start;
	uint64_t t0 = cpu_rdtsc();

	while (elapsed < ref_ticks) {
		uint64_t now = read(ctx);

		elapsed += (now - prev) & mask;
		prev = now;
	}
	return cpu_rdtsc() - t0;
}

static uint64_t pm_read(const void *ctx)
{
	return cpu_inl((uint16_t)*(const uint32_t *)ctx);
}

static uint64_t hpet_read(const void *ctx)
{
	return *(volatile const uint64_t *)((uintptr_t)*(const uint64_t *)ctx + HPET_COUNTER);
}

static int tsc_from_pm_timer(const struct acpi_info *ai, struct tsc_freq *out)
{
	uint64_t ref = PM_TIMER_HZ * CALIBRATE_US / 1000000ULL;
	uint64_t ticks;

	if (!ai->has_fadt || !ai->pm_tmr_port)
		return -ENODEV;
	ticks = tsc_across(pm_read, &ai->pm_tmr_port, ref, ai->pm_tmr_32bit ? 32 : 24);
	out->hz = ticks * 1000000ULL / CALIBRATE_US;
	out->source = "ACPI PM timer calibration";
	return 0;
}

static int tsc_from_hpet(const struct acpi_info *ai, struct tsc_freq *out)
{
	volatile uint64_t *regs = (volatile uint64_t *)(uintptr_t)ai->hpet_pa;
	uint64_t period_fs, ref, ticks;

	if (!ai->has_hpet || !ai->hpet_pa)
		return -ENODEV;
	period_fs = FIELD_GET(HPET_CAP_PERIOD_FS, regs[HPET_CAP / 8]);
	if (!period_fs)
		return -ENODEV;
	regs[HPET_CONFIG / 8] |= HPET_CONFIG_ENABLE;
	ref = CALIBRATE_US * 1000000000ULL / period_fs;
	ticks = tsc_across(hpet_read, &ai->hpet_pa, ref, 64);
	out->hz = ticks * 1000000ULL / CALIBRATE_US;
	out->source = "HPET calibration";
	return 0;
}

int tsc_calibrate(const struct acpi_info *ai, struct tsc_freq *out)
{
	memset(out, 0, sizeof(*out));
	if (!tsc_from_cpuid(out) || !tsc_from_pm_timer(ai, out) ||
	    !tsc_from_hpet(ai, out))
		return 0;
	out->source = "none";
	return -ENODEV;
}

uint64_t tsc_to_us(uint64_t ticks, uint64_t hz)
{
	if (!hz)
		return 0;
	return (uint64_t)((unsigned __int128)ticks * 1000000ULL / hz);
}
