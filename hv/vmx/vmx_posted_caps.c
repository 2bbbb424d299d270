/* Posted-interrupt processing from the capability MSRs (see
 * vmx_posted_caps.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include "hv/vmx/vmx_posted_caps.h"
#include "hv/vmx/vmcs.h"

#define ALLOWED1(cap)	((uint32_t)((cap) >> 32))

enum field { F_PIN, F_PROC, F_PROC2, F_EXIT };

static const char *const field_name[] = { "pin", "proc", "proc2", "exit" };

static const struct need {
	enum field field;
	uint32_t bit;
	const char *name;
} needs[] = {
	{ F_PIN, PIN_POSTED_INTR, "process posted interrupts" },
	{ F_PIN, PIN_EXTINT_EXITING, "external-interrupt exiting" },
	{ F_PROC, PROC_USE_TPR_SHADOW, "use TPR shadow" },
	{ F_PROC, PROC_SECONDARY, "secondary controls" },
	{ F_PROC2, VMX_PI_PROC2_VID, "virtual-interrupt delivery" },
	{ F_EXIT, EXIT_ACK_INTR, "acknowledge interrupt on exit" },
};

int vmx_posted_caps_check(const struct vmx_posted_msrs *m, char *why, unsigned len)
{
	/* Without the secondary controls their MSR does not exist (A.3.3):
	 * nothing in it may be 1. */
	const uint64_t caps[] = {
		[F_PIN] = m->pin, [F_PROC] = m->proc,
		[F_PROC2] = ALLOWED1(m->proc) & PROC_SECONDARY ? m->proc2 : 0,
		[F_EXIT] = m->exit,
	};
	unsigned i, used = 0, missing = 0;

	if (len)
		why[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(needs); i++) {
		const struct need *n = &needs[i];
		int w;

		if (ALLOWED1(caps[n->field]) & n->bit)
			continue;
		w = snprintf(why + used, len > used ? len - used : 0, "%s'%s' (%s bit %d)",
			     missing ? ", " : "the CPU lacks ", n->name, field_name[n->field],
			     __builtin_ctz(n->bit));
		if (w > 0)
			used = used + (unsigned)w < len ? used + (unsigned)w : len;
		missing++;
	}
	return missing ? -ENODEV : 0;
}

int vmx_posted_args_check(uint8_t nv, uint64_t desc_pa, unsigned maxphyaddr, char *why,
			  unsigned len)
{
	unsigned width = maxphyaddr < 52 ? maxphyaddr : 52;

	if (nv < 16) {
		snprintf(why, len, "notification vector %u is not a legal APIC vector", nv);
		return -EINVAL;
	}
	if (!desc_pa || (desc_pa & 63) || (desc_pa >> width)) {
		snprintf(why, len, "descriptor address 0x%lx is not 64-byte aligned below 2^%u",
			 (unsigned long)desc_pa, width);
		return -EINVAL;
	}
	return 0;
}
