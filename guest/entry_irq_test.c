/* ST_ENTRY_IRQ: an interrupt for the guest that the hv takes on its way
 * back into the guest must be delivered at that entry. The hv makes the
 * host interrupt of MSI-X entry 0 pending during a hypercall; the guest
 * then spins with IF=1 and no exit, so the interrupt can only come if the
 * entry after the hypercall injected it. Works on any MSI-X device:
 * nothing makes the device itself raise an interrupt. */
#include <stddef.h>
#include "guest/devtest.h"
#include "guest/guest.h"
#include "guest/irqsrc.h"
#include "guest/lapic.h"
#include "guest/pci.h"
#include "drivers/cpu.h"
#include "drivers/msix.h"

#define ENTRY_VEC	0x50
/* Far more than the few instructions an injection on entry needs, far
 * fewer than the time to the next watchdog tick (an exit). */
#define ENTRY_SPIN	20000
#define ENTRY_NAME	"entry-irq"
#define CTRL_BITS	(PCI_MSIX_CTRL_ENABLE | PCI_MSIX_CTRL_MASKALL)

static volatile unsigned entry_irqs;

static void entry_isr(uint8_t vector)
{
	(void)vector;
	entry_irqs++;
	guest_lapic_eoi();
}

/* Spin up to ENTRY_SPIN times for an interrupt count above seen. */
static unsigned entry_spin(unsigned seen)
{
	unsigned i;

	for (i = 0; i < ENTRY_SPIN && entry_irqs == seen; i++)
		cpu_pause();
	return entry_irqs;
}

/* One raise: how many came in the spin, how many only after an exit. */
static long entry_raise(unsigned *in_spin, unsigned *late)
{
	long r;

	entry_irqs = 0;
	cpu_sti();
	r = hc(HC_RAISE_HOST_IRQ, 0, 0, 0, 0);
	*in_spin = entry_spin(0);
	hc(HC_NOP, 0, 0, 0, 0);
	*late = entry_spin(*in_spin) - *in_spin;
	cpu_cli();
	return r;
}

void entry_irq_selftest(void)
{
	static struct msix m;
	unsigned in_spin, late;
	struct pci_dev d;
	uint64_t addr;
	uint32_t data;
	uint16_t ctrl0;
	long r = 0;
	int err;

	if (guest_pci_find(&d) || !d.msix_cap)
		return report(HC_SKIP, ENTRY_NAME, "no MSI-X device at 00:00.0");
	if (msix_init(&m, &guest_pci_cfg, &d))
		return report(HC_FAIL, ENTRY_NAME, "MSI-X table of 00:00.0 unusable");
	guest_lapic_init();
	idt_set_handler(ENTRY_VEC, entry_isr);
	ctrl0 = msix_ctrl_read(&m);
	msix_ctrl_update(&m, PCI_MSIX_CTRL_ENABLE, PCI_MSIX_CTRL_MASKALL);
	/* Enabled under the function mask first: with msix=map the message
	 * comes from HC_MSI_MAP, which needs MSI-X on. */
	msix_ctrl_update(&m, 0, PCI_MSIX_CTRL_ENABLE);
	err = irqsrc_msg(0, ENTRY_VEC, &addr, &data);
	if (!err) {
		msix_entry_write(&m, 0, addr, data);
		msix_ctrl_update(&m, PCI_MSIX_CTRL_MASKALL, 0);
		msix_entry_mask(&m, 0, false);
		r = entry_raise(&in_spin, &late);
	}
	msix_entry_mask(&m, 0, true);
	msix_ctrl_update(&m, CTRL_BITS, ctrl0 & CTRL_BITS);
	idt_set_handler(ENTRY_VEC, NULL);
	if (err)
		return report(HC_FAIL, ENTRY_NAME, "no message for entry 0 (error %d)", err);
	if (r)
		return report(HC_FAIL, ENTRY_NAME, "HC_RAISE_HOST_IRQ returned %ld", r);
	if (in_spin == 0 && late == 1)
		return report(HC_FAIL, ENTRY_NAME, "the interrupt taken at VM entry was not "
			      "delivered within %u spins with IF=1, only after the next exit",
			      ENTRY_SPIN);
	if (in_spin != 1 || late)
		return report(HC_FAIL, ENTRY_NAME, "%u interrupt(s) within %u spins, %u after "
			      "the next exit; expected 1 and 0", in_spin, ENTRY_SPIN, late);
	report(HC_PASS, ENTRY_NAME, NULL);
}
