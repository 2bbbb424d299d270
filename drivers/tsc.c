/* TSC frequency (see tsc.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "drivers/tsc.h"
#include "drivers/acpi.h"
#include "drivers/cpu.h"
#include "drivers/cpu_info.h"
#include "drivers/pit.h"
#include "drivers/tsc_cpuid.h"

#define PM_TIMER_HZ		3579545ULL
#define CALIBRATE_US		10000ULL
#define HPET_CAP		0x000
#define  HPET_CAP_PERIOD_FS	GENMASK(63, 32)
#define HPET_CONFIG		0x010
#define  HPET_CONFIG_ENABLE	BIT(0)
#define HPET_COUNTER		0x0f0
#define FS_PER_SEC		1000000000000000ULL

/* CPUID's word where it gives one (SDM vol 3B, 19.7.3): no timer to wait on. */
static int tsc_from_cpuid(struct tsc_freq *out, char *why, size_t len)
{
	const struct cpu_info *ci = cpu_info();
	struct tsc_cpuid in = { .max_leaf = ci->max_leaf, .vendor = ci->vendor, .sig = ci->sig };
	struct cpuid_regs r;
	int err;

	if (ci->max_leaf >= 0x15) {
		cpu_cpuid(0x15, 0, &r);
		in.l15_eax = r.eax;
		in.l15_ebx = r.ebx;
		in.l15_ecx = r.ecx;
	}
	if (ci->max_leaf >= 0x16) {
		cpu_cpuid(0x16, 0, &r);
		in.l16_eax = r.eax;
	}
	err = tsc_cpuid_hz(&in, &out->hz, why, len);
	if (!err)
		snprintf(out->source, sizeof(out->source), "%s", why);
	return err;
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
	snprintf(out->source, sizeof(out->source), "ACPI PM timer calibration");
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
	snprintf(out->source, sizeof(out->source), "HPET calibration");
	return 0;
}

/* The last resort, and the only one on a machine with no ACPI tables. */
static int tsc_from_pit(struct tsc_freq *out)
{
	uint64_t ticks;
	int err = pit_tsc_across((uint16_t)(PIT_HZ * CALIBRATE_US / 1000000ULL), &ticks);

	if (err)
		return err;
	out->hz = ticks * 1000000ULL / CALIBRATE_US;
	snprintf(out->source, sizeof(out->source), "PIT channel 2 calibration (no ACPI timer)");
	return 0;
}

int tsc_calibrate(const struct acpi_info *ai, struct tsc_freq *out,
		  void (*report)(void *ctx, const char *msg), void *ctx)
{
	char cpuid_why[TSC_SOURCE_MAX], line[2 * TSC_SOURCE_MAX];
	int err;

	memset(out, 0, sizeof(*out));
	err = tsc_from_cpuid(out, cpuid_why, sizeof(cpuid_why));
	if (err == -ERANGE) {
		snprintf(line, sizeof(line), "tsc: %s gives %lu Hz, outside %llu..%llu: calibrating",
			 cpuid_why, out->hz, TSC_HZ_MIN, TSC_HZ_MAX);
		report(ctx, line);
	}
	if (!err || !tsc_from_pm_timer(ai, out) || !tsc_from_hpet(ai, out)) {
		snprintf(line, sizeof(line), "tsc: %lu Hz from %s", out->hz, out->source);
		report(ctx, line);
		return 0;
	}
	err = tsc_from_pit(out);
	if (!err && out->hz >= TSC_HZ_MIN && out->hz <= TSC_HZ_MAX) {
		snprintf(line, sizeof(line), "tsc: %lu Hz from %s", out->hz, out->source);
		report(ctx, line);
		return 0;
	}
	if (err)
		snprintf(line, sizeof(line), "tsc: frequency unknown (%s; no ACPI PM timer or "
			 "HPET; PIT channel 2 error %d): figures stay in TSC ticks", cpuid_why, err);
	else
		snprintf(line, sizeof(line), "tsc: frequency unknown (%s; no ACPI PM timer or "
			 "HPET; PIT calibration gave %lu Hz): figures stay in TSC ticks", cpuid_why,
			 out->hz);
	report(ctx, line);
	memset(out, 0, sizeof(*out));
	snprintf(out->source, sizeof(out->source), "none");
	return -ENODEV;
}

uint64_t tsc_to_us(uint64_t ticks, uint64_t hz)
{
	if (!hz)
		return 0;
	return (uint64_t)((unsigned __int128)ticks * 1000000ULL / hz);
}
