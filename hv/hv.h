/* What the hv knows about the machine and itself after start-up. */
#ifndef HV_HV_H
#define HV_HV_H

#include <stdint.h>
#include "hv/bootinfo.h"
#include "hv/guest.h"
#include "hv/options.h"
#include "drivers/acpi.h"
#include "drivers/pci.h"
#include "drivers/tsc.h"

#define HV_PCI_MAX	256

struct hv {
	struct bootinfo *bi;
	struct hv_options opts;		/* current values (`set` changes some) */
	struct acpi_info acpi;
	struct pci_dev pci[HV_PCI_MAX];
	unsigned npci;
	const struct pci_dev *assigned;	/* the guest's device, or NULL */
	struct tsc_freq tsc;
	unsigned ioapic_pins[ACPI_MAX_IOAPICS];	/* all masked */
	const struct vcpu_ops *backend;	/* NULL when none can run */
	char backend_why[160];		/* why not, when NULL */
	struct guest guest;
	uint64_t tsc_entry, tsc_ready;	/* hv entry and console prompt */
	uint64_t pt_pages;		/* the hv's own page-table pages */
};

extern struct hv hv;

/* True under QEMU (its ACPI tables carry OEM ID "BOCHS "): where tests
 * must skip what the emulator does not model. */
bool hv_on_qemu(void);

#endif
