/* Local APIC mode choice (see lapic_mode.h). */
#include <errno.h>
#include <stddef.h>

#include "drivers/lapic_mode.h"

static bool base_x2apic(uint64_t apic_base)
{
	return (apic_base & (APIC_BASE_ENABLE | APIC_BASE_X2APIC)) ==
	       (APIC_BASE_ENABLE | APIC_BASE_X2APIC);
}

int lapic_mode_choose(enum lapic_want want, uint64_t apic_base, bool cpuid_x2apic,
		      struct lapic_mode *m)
{
	m->fw_x2apic = base_x2apic(apic_base);
	m->x2apic = m->fw_x2apic;
	m->switched = false;
	m->why = NULL;
	switch (want) {
	case LAPIC_WANT_X2APIC:
		if (m->fw_x2apic)
			return 0;
		if (!cpuid_x2apic) {
			m->why = "CPUID.1:ECX.x2APIC (bit 21) is clear: this CPU has no "
				 "x2APIC mode, staying in xAPIC mode";
			return -ENODEV;
		}
		m->x2apic = m->switched = true;
		return 0;
	case LAPIC_WANT_XAPIC:
		if (!m->fw_x2apic)
			return 0;
		m->why = "firmware left x2APIC mode on, and leaving it needs the APIC "
			 "disabled first (SDM 11.12.5), which resets it: staying in "
			 "x2APIC mode";
		return -EPERM;
	case LAPIC_WANT_KEEP:
		return 0;
	}
	m->why = "unknown apic= value";
	return -EINVAL;
}

unsigned lapic_x2apic_sequence(uint64_t apic_base, uint64_t seq[2])
{
	unsigned n = 0;

	if (base_x2apic(apic_base))
		return 0;
	/* EN=0 with EXTD=1 is invalid: from disabled, enable xAPIC first. */
	if (!(apic_base & APIC_BASE_ENABLE)) {
		apic_base = (apic_base & ~APIC_BASE_X2APIC) | APIC_BASE_ENABLE;
		seq[n++] = apic_base;
	}
	seq[n++] = apic_base | APIC_BASE_ENABLE | APIC_BASE_X2APIC;
	return n;
}
