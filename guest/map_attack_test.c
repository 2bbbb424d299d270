/* ST_MAP_ATTACK (msix=map): the guest's MSI-X table is the device's own,
 * so it can write any message into an entry. It writes hostile ones and
 * raises the source after each: none may be delivered, to it or to the
 * hv. Each case is bracketed by a good delivery on the same entry, with
 * the pair HC_MSI_MAP hands out, so a device that simply stopped
 * interrupting cannot pass. The hv judges its own side (its sink vector,
 * and every IRTE not the guest's byte for byte) in `map-attack`. */
#include <errno.h>
#include <stdio.h>

#include "guest/devtest.h"
#include "guest/guest.h"
#include "guest/irqsrc.h"
#include "guest/lapic.h"
#include "drivers/vtd_irte.h"

#define MA_ENTRY	0
#define MA_TIMEOUT_MS	100	/* a good message lands within this */
#define MA_QUIET_MS	2	/* window in which nothing may land */
#define MA_IRT_MAX	65536	/* handles are 16 bits (VT-d 5.1.2.2) */

/* Every delivery the guest counts, on any of the source's vectors. */
static uint32_t ma_total(const struct irqsrc *s)
{
	uint32_t n = irqsrc_stray();
	unsigned i;

	for (i = 0; i < s->src.nvec; i++)
		n += irqsrc_delivered(s, i);
	return n;
}

/* The entry as the hv mapped it delivers exactly once. */
static bool ma_good(struct irqsrc *s, const char *name, const char *when)
{
	uint32_t before = irqsrc_delivered(s, MA_ENTRY);
	int err = irqsrc_retarget(s, MA_ENTRY, IRQSRC_VEC_BASE + MA_ENTRY) ?:
		  irqsrc_mask(s, MA_ENTRY, false) ?: irqsrc_trigger(s, MA_ENTRY);

	if (err)
		return report(HC_FAIL, name, "%s: mapping or raising entry %u failed (%d)", when,
			      MA_ENTRY, err), false;
	if (!irqsrc_wait_entry(s, MA_ENTRY, before + 1, MA_TIMEOUT_MS * s->ms))
		return report(HC_FAIL, name, "%s: the mapped message was not delivered within "
			      "%u ms", when, MA_TIMEOUT_MS), false;
	irqsrc_settle(MA_QUIET_MS * s->ms + s->spacing);
	if (irqsrc_delivered(s, MA_ENTRY) != before + 1)
		return report(HC_FAIL, name, "%s: %u deliveries for one raise", when,
			      irqsrc_delivered(s, MA_ENTRY) - before), false;
	return true;
}

/* The hostile message in the entry, unmasked and raised: nothing lands. */
static bool ma_hostile(struct irqsrc *s, const char *name, uint64_t addr, uint32_t data)
{
	uint32_t before = ma_total(s);
	int err = msix_entry_write(s->src.msix, MA_ENTRY, addr, data) ?:
		  irqsrc_mask(s, MA_ENTRY, false) ?: irqsrc_trigger(s, MA_ENTRY);

	if (err)
		return report(HC_FAIL, name, "writing or raising entry %u failed (%d)", MA_ENTRY,
			      err), false;
	irqsrc_settle(MA_QUIET_MS * s->ms + s->spacing);
	irqsrc_mask(s, MA_ENTRY, true);
	if (ma_total(s) != before)
		return report(HC_FAIL, name, "address 0x%lx data 0x%x: %u interrupt(s) delivered",
			      addr, data, ma_total(s) - before), false;
	return true;
}

static void ma_case(struct irqsrc *s, const char *name, uint64_t addr, uint32_t data)
{
	if (ma_good(s, name, "before") && ma_hostile(s, name, addr, data) &&
	    ma_good(s, name, "after"))
		report(HC_PASS, name, NULL);
}

static uint64_t ma_handle_msg(unsigned handle, uint32_t *data)
{
	uint32_t lo, hi;

	vtd_msi_remappable((uint16_t)handle, false, 0, &lo, &hi, data);
	return (uint64_t)hi << 32 | lo;
}

static void ma_run(struct irqsrc *s, const struct hc_work *w)
{
	unsigned long irt = w->warmup;
	uint64_t addr;
	uint32_t data, lo;
	uint16_t own;

	if (irqsrc_msg(MA_ENTRY, IRQSRC_VEC_BASE + MA_ENTRY, &addr, &data) ||
	    vtd_msi_decode_handle((uint32_t)addr, data, &own))
		return report(HC_FAIL, "map-attack", "HC_MSI_MAP gave no remappable message for "
			      "entry %u (address 0x%lx data 0x%x)", MA_ENTRY, addr, data);
	printf("map-attack: entry %u is IRT handle %u of %lu; the hv's foreign handle %lu\n",
	       MA_ENTRY, own, irt, ST_MAP_FOREIGN(w->iters));
	addr = ma_handle_msg((unsigned)ST_MAP_FOREIGN(w->iters), &data);
	ma_case(s, "map-attack.foreign", addr, data);
	addr = ma_handle_msg(own - MA_ENTRY + s->src.nvec, &data);
	ma_case(s, "map-attack.beyond-alloc", addr, data);
	if (irt >= MA_IRT_MAX) {
		report(HC_SKIP, "map-attack.beyond-irt", "the IRT has all %u entries a handle "
		       "can name", MA_IRT_MAX);
	} else {
		addr = ma_handle_msg((unsigned)irt, &data);
		ma_case(s, "map-attack.beyond-irt", addr, data);
	}
	if (ST_MAP_ON_QEMU(w->iters))
		return report(HC_SKIP, "map-attack.compat", "QEMU 7.2 does not block "
			      "compatibility-format MSIs when CFI is clear (PLATFORM.md): the "
			      "message would reach the host");
	msix_compat_msg(GUEST_APIC_DEST, (uint8_t)ST_MAP_SINK(w->iters), &addr, &lo);
	ma_case(s, "map-attack.compat", addr, lo);
}

/* The hostile raises were blocked, so irqsrc_close must not wait for
 * them: every good one has landed (or failed its case) by now. */
static void ma_close(struct irqsrc *s)
{
	irqsrc_reset_counts(s);
	irqsrc_close(s);
}

void map_attack_selftest(void)
{
	struct irqsrc s;
	struct hc_work w;
	char why[160];
	int err;

	if (!irqsrc_map_mode())
		return report(HC_SKIP, "map-attack", "the guest runs msix=trap: its MSI-X table is "
			      "trapped and emulated, it cannot write a message of its own");
	if (hc(HC_WORK_ARGS, (long)&w, 0, 0, 0))
		return report(HC_FAIL, "map-attack", "no work arguments");
	err = irqsrc_open(&s);
	if (err) {
		irqsrc_why(&s, why, sizeof(why));
		return report(err == -ENODEV ? HC_SKIP : HC_FAIL, "map-attack", "%s",
			      err == -ENODEV ? why : "the interrupt source did not come up");
	}
	if (!irqsrc_is_msix(&s))
		report(HC_SKIP, "map-attack", "the interrupt source is the %s, not the device's "
		       "MSI-X", s.src.ops->desc);
	else
		ma_run(&s, &w);
	ma_close(&s);
}
