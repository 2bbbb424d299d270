/* ST_MSIX: what any MSI-X function's table and capability must do (PCI
 * Local Bus 3.0 6.8.2, 6.8.3), seen through the hv's virtualization; one
 * verdict per aspect. Nothing here makes the device raise an interrupt, so
 * every delivery counted is a failure and every PBA bit must read 0. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "guest/devtest.h"
#include "guest/guest.h"
#include "guest/lapic.h"
#include "guest/pci.h"
#include "drivers/cpu.h"
#include "drivers/msix.h"

/* Entry i's vector: distinct for up to MSIX_T_VEC_SPAN entries. */
#define MSIX_T_VEC_BASE		0x60
#define MSIX_T_VEC_SPAN		0x80	/* 0x60..0xdf */
#define MSIX_T_QUIET_MS		2
#define MSIX_T_CTRL_BITS	(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL)

static volatile uint32_t msix_t_stray;

static void msix_t_isr(uint8_t vector)
{
	(void)vector;
	msix_t_stray++;
	guest_lapic_eoi();
}

static void msix_t_handlers(guest_irq_fn fn)
{
	unsigned v;

	for (v = MSIX_T_VEC_BASE; v < MSIX_T_VEC_BASE + MSIX_T_VEC_SPAN; v++)
		idt_set_handler((uint8_t)v, fn);
}

static uint8_t msix_t_vector(unsigned i)
{
	return (uint8_t)(MSIX_T_VEC_BASE + i % MSIX_T_VEC_SPAN);
}

/* Pattern A: storage only (entries stay masked, MSI-X off): a different
 * destination per entry and a non-zero upper address, to catch entries
 * or dwords that alias. Pattern B: the compatibility-format message a
 * guest OS writes, vectors in reverse order. */
static void msix_t_pattern(const struct msix *m, unsigned i, bool b,
			   uint64_t *addr, uint32_t *data)
{
	if (b) {
		msix_compat_msg(GUEST_APIC_DEST, msix_t_vector(m->nvec - 1 - i), addr, data);
		return;
	}
	msix_compat_msg((i * 7 + 1) & 0xff, msix_t_vector(i), addr, data);
	*addr |= (uint64_t)(i + 1) << 32;
}

/* Entry i against pattern b with the given mask bit; false and a message
 * in why when it differs. */
static bool msix_t_entry_ok(const struct msix *m, unsigned i, bool b, bool masked,
			    char *why, size_t len)
{
	union msix_entry e;
	uint64_t addr;
	uint32_t data;

	msix_t_pattern(m, i, b, &addr, &data);
	msix_entry_read(m, i, &e);
	if (e.addr == addr && e.data == data &&
	    (e.ctrl & MSIX_ENTRY_CTRL_MASKBIT) == (masked ? MSIX_ENTRY_CTRL_MASKBIT : 0))
		return true;
	snprintf(why, len, "entry %u: wrote 0x%lx/0x%x%s, read 0x%lx/0x%x ctrl 0x%x", i,
		 addr, data, masked ? " masked" : "", e.addr, e.data, e.ctrl);
	return false;
}

static bool msix_t_write_all(struct msix *m, bool b, char *why, size_t len)
{
	uint64_t addr;
	uint32_t data;
	unsigned i;

	for (i = 0; i < m->nvec; i++) {
		msix_t_pattern(m, i, b, &addr, &data);
		msix_entry_write(m, i, addr, data);
	}
	for (i = 0; i < m->nvec; i++)
		if (!msix_t_entry_ok(m, i, b, true, why, len))
			return false;
	return true;
}

/* Set exactly the Enable/Function Mask bits in want, then read them back
 * along with the (read-only) table size. */
static bool msix_t_ctrl(struct msix *m, uint16_t want, char *why, size_t len)
{
	uint16_t got;

	msix_ctrl_update(m, MSIX_T_CTRL_BITS & ~want, want);
	got = msix_ctrl_read(m);
	if ((got & MSIX_T_CTRL_BITS) == want &&
	    FIELD_GET(PCI_MSIX_CTRL_SIZE, got) + 1 == m->nvec)
		return true;
	snprintf(why, len, "message control: wrote enable/mask 0x%04x, read 0x%04x "
		 "(table size %u)", want, got, m->nvec);
	return false;
}

/* Enable and Function Mask read back in every combination; table size is
 * read-only (PCI 3.0 6.8.2.3). Leaves Enable=0, Function Mask=1. */
static void msix_t_fmask(struct msix *m)
{
	static const uint16_t seq[] = {
		PCI_MSIX_CTRL_MASKALL, 0, MSIX_T_CTRL_BITS, PCI_MSIX_CTRL_ENABLE,
		MSIX_T_CTRL_BITS, PCI_MSIX_CTRL_MASKALL,
	};
	char why[120];
	unsigned k;

	for (k = 0; k < ARRAY_SIZE(seq); k++)
		if (!msix_t_ctrl(m, seq[k], why, sizeof(why)))
			return report(HC_FAIL, "msix.fmask", "%s", why);
	msix_ctrl_update(m, PCI_MSIX_CTRL_SIZE, 0);	/* must not stick */
	if (!msix_t_ctrl(m, PCI_MSIX_CTRL_MASKALL, why, sizeof(why)))
		return report(HC_FAIL, "msix.fmask", "after writing 0 to table size: %s", why);
	report(HC_PASS, "msix.fmask", NULL);
}

/* Address and data of every entry read back: pattern A with MSI-X off,
 * across setting Enable (with Function Mask), then pattern B. Leaves
 * Enable=1, Function Mask=1, every entry masked holding pattern B. */
static bool msix_t_entry(struct msix *m)
{
	char why[120];
	unsigned i;

	if (!msix_t_write_all(m, false, why, sizeof(why)))
		return report(HC_FAIL, "msix.entry", "MSI-X off: %s", why), false;
	if (!msix_t_ctrl(m, MSIX_T_CTRL_BITS, why, sizeof(why)))
		return report(HC_FAIL, "msix.entry", "%s", why), false;
	for (i = 0; i < m->nvec; i++)
		if (!msix_t_entry_ok(m, i, false, true, why, sizeof(why)))
			return report(HC_FAIL, "msix.entry", "after enable: %s", why), false;
	if (!msix_t_write_all(m, true, why, sizeof(why)))
		return report(HC_FAIL, "msix.entry", "enabled, function masked: %s", why), false;
	report(HC_PASS, "msix.entry", NULL);
	return true;
}

/* Each entry's mask bit reads back as written, the message untouched.
 * Function Mask is set, so an unmasked entry still cannot send. */
static void msix_t_mask(struct msix *m)
{
	char why[120];
	unsigned i;

	for (i = 0; i < m->nvec; i++) {
		msix_entry_mask(m, i, false);
		if (!msix_t_entry_ok(m, i, true, false, why, sizeof(why)))
			return report(HC_FAIL, "msix.mask", "unmasked: %s", why);
		msix_entry_mask(m, i, true);
		if (!msix_t_entry_ok(m, i, true, true, why, sizeof(why)))
			return report(HC_FAIL, "msix.mask", "masked again: %s", why);
	}
	report(HC_PASS, "msix.mask", NULL);
}

static void msix_t_settle(unsigned ms)
{
	uint64_t hz = guest_info.tsc_hz ? guest_info.tsc_hz : 1000000000ull;
	uint64_t t = cpu_rdtsc();

	cpu_sti();
	while (cpu_rdtsc() - t < ms * (hz / 1000))
		cpu_pause();
	cpu_cli();
}

/* PBA checks at several points, one verdict at the end. */
struct msix_t_pba {
	unsigned checked;
	char fail[120];
};

/* The first nvec pending bits (dword reads) must all be 0. */
static void msix_t_pba_check(const struct msix *m, struct msix_t_pba *p, const char *when)
{
	unsigned i, n = 0, first = 0;

	for (i = 0; i < m->nvec; i++)
		if (msix_pending(m, i) == 1 && !n++)
			first = i;
	p->checked++;
	if (n && !p->fail[0])
		snprintf(p->fail, sizeof(p->fail), "%s: %u pending bits set (first: entry %u) "
			 "with nothing raised", when, n, first);
}

/* The order a guest OS enables in (as Linux's msix_capability_init):
 * Enable with Function Mask, program and unmask the entries, clear Function
 * Mask. Nothing was raised, so nothing may arrive and the PBA stays 0. */
static bool msix_t_enable(struct msix *m, struct msix_t_pba *pba)
{
	char why[120];
	unsigned i;

	for (i = 0; i < m->nvec; i++)
		msix_entry_mask(m, i, false);
	if (!msix_t_ctrl(m, PCI_MSIX_CTRL_ENABLE, why, sizeof(why)))
		return report(HC_FAIL, "msix.enable", "clearing function mask: %s", why), false;
	for (i = 0; i < m->nvec; i++)
		if (!msix_t_entry_ok(m, i, true, false, why, sizeof(why)))
			return report(HC_FAIL, "msix.enable", "live: %s", why), false;
	msix_t_settle(MSIX_T_QUIET_MS);
	if (msix_t_stray)
		return report(HC_FAIL, "msix.enable", "%u interrupts arrived, none raised",
			      msix_t_stray), false;
	msix_t_pba_check(m, pba, "enabled, unmasked");
	for (i = 0; i < m->nvec; i++)
		msix_entry_mask(m, i, true);
	if (!msix_t_ctrl(m, MSIX_T_CTRL_BITS, why, sizeof(why)))
		return report(HC_FAIL, "msix.enable", "setting function mask again: %s", why),
		       false;
	report(HC_PASS, "msix.enable", NULL);
	return true;
}

static int msix_t_open(struct msix *m, struct pci_dev *d)
{
	char desc[96];
	int err = guest_pci_find(d);

	if (err) {
		report(HC_SKIP, "msix", "no device at 00:00.0");
		return err;
	}
	pci_dev_describe(d, desc, sizeof(desc));
	if (!d->msix_cap) {
		report(HC_SKIP, "msix", "%s has no MSI-X capability", desc);
		return -ENODEV;
	}
	err = msix_init(m, &guest_pci_cfg, d);
	if (err) {
		report(HC_FAIL, "msix.layout", "%s: table/PBA unusable (error %d)", desc, err);
		return err;
	}
	printf("msix: %s, table 0x%lx, PBA 0x%lx\n", desc, m->table_pa, m->pba_pa);
	report(HC_PASS, "msix.layout", NULL);
	return 0;
}

/* The aspects in order, each on the state the previous one left; what a
 * failure leaves untested is skipped, naming the failure. */
static void msix_t_run(struct msix *m)
{
	struct msix_t_pba pba = { 0 };
	bool entry_ok;

	msix_t_fmask(m);
	msix_t_pba_check(m, &pba, "MSI-X off");
	entry_ok = msix_t_entry(m);
	if (entry_ok) {
		msix_t_mask(m);
		msix_t_pba_check(m, &pba, "enabled, function masked");
		if (msix_t_enable(m, &pba))
			msix_t_pba_check(m, &pba, "after the enable sequence");
	} else {
		report(HC_SKIP, "msix.mask", "not run: msix.entry failed");
		report(HC_SKIP, "msix.enable", "not run: msix.entry failed");
	}
	if (pba.fail[0])
		report(HC_FAIL, "msix.pba", "%s", pba.fail);
	else if (pba.checked < 4)
		report(HC_SKIP, "msix.pba", "only %u of 4 checks ran (see above)", pba.checked);
	else
		report(HC_PASS, "msix.pba", NULL);
}

void msix_selftest(void)
{
	static struct msix m;
	struct pci_dev d;
	uint16_t ctrl0;
	unsigned i;

	if (msix_t_open(&m, &d))
		return;
	guest_lapic_init();
	msix_t_stray = 0;
	msix_t_handlers(msix_t_isr);
	ctrl0 = msix_ctrl_read(&m);
	/* Start from the reset state: off, function masked, entries masked. */
	msix_ctrl_update(&m, PCI_MSIX_CTRL_ENABLE, PCI_MSIX_CTRL_MASKALL);
	for (i = 0; i < m.nvec; i++)
		msix_entry_mask(&m, i, true);
	msix_t_run(&m);
	for (i = 0; i < m.nvec; i++)
		msix_entry_mask(&m, i, true);
	msix_ctrl_update(&m, MSIX_T_CTRL_BITS, ctrl0 & MSIX_T_CTRL_BITS);
	msix_t_settle(MSIX_T_QUIET_MS);
	msix_t_handlers(NULL);
}
