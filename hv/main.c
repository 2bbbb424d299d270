/* The hv core after the hand-off: bring up the console, own descriptor
 * tables and page tables, learn the machine, prepare the guest, and give
 * the console to the user. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/hv.h"
#include "hv/acpi_fallback.h"
#include "hv/conio.h"
#include "hv/console.h"
#include "hv/mem.h"
#include "hv/mmu.h"
#include "hv/assign.h"
#include "hv/guest_ram.h"
#include "hv/iommu.h"
#include "hv/pci_cfg.h"
#include "hv/platform.h"
#include "hv/ratelimit.h"
#include "hv/report.h"
#include "hv/trap.h"
#include "drivers/cpu.h"
#include "drivers/cpu_info.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/legacy_pic.h"
#include "drivers/power.h"

#define COM1_PORT		0x3f8
#define SPURIOUS_VECTOR		0xff

extern char __image_start[], __image_end[];
void hv_main(struct bootinfo *bi);

struct hv hv;
static struct guest_ram guest_ram;

bool hv_on_qemu(void)
{
	return !memcmp(hv.acpi.oem_id, "BOCHS ", 6);
}

static const void *acpi_map(void *ctx, uint64_t pa, uint64_t len)
{
	(void)ctx;
	(void)len;
	return (const void *)(uintptr_t)pa;	/* identity-mapped */
}

/* SPCR names the console the firmware's user expects (ACPI SPCR, 2.1). */
static void console_from_spcr(void)
{
	struct uart u = { .base = COM1_PORT, .mmio = false };

	if (hv.acpi.has_spcr && hv.acpi.spcr_addr &&
	    (hv.acpi.spcr_space == ACPI_GAS_IO || hv.acpi.spcr_space == ACPI_GAS_MEMORY)) {
		u.base = hv.acpi.spcr_addr;
		u.mmio = hv.acpi.spcr_space == ACPI_GAS_MEMORY;
		u.baud = hv.acpi.spcr_baud;
	}
	if (u.base == conio_uart()->base && u.mmio == conio_uart()->mmio)
		return;
	printf("hv: console moves to the SPCR UART at %s 0x%lx\n",
	       u.mmio ? "MMIO" : "port", u.base);
	conio_init(&u);
}

/* The hv takes no legacy interrupts: every I/O APIC pin stays masked. */
static void ioapics_mask(void)
{
	unsigned i;

	for (i = 0; i < hv.acpi.nioapics; i++)
		hv.ioapic_pins[i] = ioapic_mask_all(hv.acpi.ioapics[i].pa);
}

/* Every hole fits: one left out would let guest RAM cover it. */
_Static_assert(GUEST_RAM_HOLES_MAX >= ACPI_MAX_IOAPICS + 1 + PCI_NUM_BARS,
	       "room for every I/O APIC, the HPET and every BAR");

static void __attribute__((format(printf, 5, 6)))
hole_add(struct guest_ram_hole *h, unsigned *n, uint64_t base, uint64_t size,
	 const char *fmt, ...)
{
	va_list ap;

	if (*n == GUEST_RAM_HOLES_MAX || !size)
		return;
	h[*n].base = base;
	h[*n].size = size;
	va_start(ap, fmt);
	vsnprintf(h[*n].what, sizeof(h[*n].what), fmt, ap);
	va_end(ap);
	(*n)++;
}

/* What guest RAM must leave alone besides the platform's fixed holes:
 * every I/O APIC, the HPET and the memory BARs of d, which are mapped
 * identity into the guest. */
static unsigned ram_holes(const struct pci_dev *d, struct guest_ram_hole *h)
{
	uint64_t base, size;
	unsigned n = 0, i;
	bool mmio64;

	for (i = 0; i < hv.acpi.nioapics; i++)
		hole_add(h, &n, hv.acpi.ioapics[i].pa, PT_PAGE_SIZE, "I/O APIC %u",
			 hv.acpi.ioapics[i].id);
	if (hv.acpi.has_hpet)
		hole_add(h, &n, hv.acpi.hpet_pa, PT_PAGE_SIZE, "the HPET");
	for (i = 0; d && i < PCI_NUM_BARS; i++)
		if (!pci_bar_decode(&hv_pci_cfg, d, i, &base, &size, &mmio64))
			hole_add(h, &n, ALIGN_DOWN(base, PT_PAGE_SIZE), ALIGN_UP(size, PT_PAGE_SIZE),
				 "BAR%u of %02x:%02x.%u", i, d->bus, d->dev, d->fn);
	return n;
}

/* Fail closed: a device whose protection cannot be set up stays with the
 * hv, bus mastering off, and the guest runs without it. */
static void assign_refuse(const char *why)
{
	const struct pci_dev *d = hv.assigned;
	int err = pci_command_update(&hv_pci_cfg, d, PCI_COMMAND_MASTER, 0);

	printf("assign: %02x:%02x.%u refused: %s; it stays with the hv, bus mastering %s\n",
	       d->bus, d->dev, d->fn, why, err ? "could not be turned off" : "off");
	hv.assigned = NULL;
}

/* Lay guest RAM out around the platform and the device's BARs; a device
 * whose BARs RAM cannot avoid is refused. */
static int ram_plan(void)
{
	struct guest_ram_hole holes[GUEST_RAM_HOLES_MAX];
	char why[200];
	int err;

	err = guest_ram_layout(&guest_ram, hv.bi->guest_size, holes,
			       ram_holes(hv.assigned, holes), why, sizeof(why));
	if (err && hv.assigned) {
		assign_refuse(why);
		err = guest_ram_layout(&guest_ram, hv.bi->guest_size, holes,
				       ram_holes(NULL, holes), why, sizeof(why));
	}
	if (err) {
		snprintf(hv.backend_why, sizeof(hv.backend_why),
			 "guest RAM cannot be laid out: %s", why);
		return err;
	}
	guest_ram_describe(&guest_ram, why, sizeof(why));
	printf("hv: guest RAM at %s; the hole below 4 GiB starts at %s (0x%lx)\n", why,
	       guest_ram.low_hole.what, guest_ram.low_hole.base);
	return 0;
}

/* No working DMA domain, no assignment. */
static void dma_protect(void)
{
	char why[64];
	int err;

	if (!hv.assigned)
		return;
	err = iommu_dma_setup(hv.assigned, hv.bi->guest_base, &guest_ram);
	if (err) {
		snprintf(why, sizeof(why), "no DMA remapping for it (error %d)", err);
		assign_refuse(why);
	}
}

static int guest_build(const struct vcpu_ops *ops)
{
	return guest_create(&hv.guest, ops, hv.bi->guest_base, &guest_ram,
			    (const void *)(uintptr_t)hv.bi->guest_image_pa,
			    hv.bi->guest_image_size, hv.tsc.hz);
}

/* Pick the backend (hv/backends.c), prepare the guest and give
 * it its device. A refused device may have left BAR mappings behind: the
 * guest is built again without it. */
static void guest_setup(void)
{
	const struct vcpu_ops *ops;
	char why[64];
	int err;

	ops = vcpu_backend_pick(hv.opts.cpu, hv.backend_why, sizeof(hv.backend_why));
	if (!ops)
		return;
	err = guest_build(ops);
	if (!err && hv.assigned) {
		err = passthru_assign(&hv.guest.pt, &hv.guest, hv.assigned);
		if (err) {
			snprintf(why, sizeof(why), "the pass-through failed (error %d)", err);
			assign_refuse(why);
			err = guest_build(ops);
		}
	}
	if (err) {
		snprintf(hv.backend_why, sizeof(hv.backend_why),
			 "%s backend failed to initialise (error %d)", ops->name, err);
		return;
	}
	hv.backend = ops;
}

static void print_boot_diag(void)
{
	const char *d = hv.bi->diag;

	while (*d) {
		size_t n = strcspn(d, "\n");

		printf("boot: %.*s\n", (int)n, d);
		d += n + (d[n] == '\n');
	}
}

void hv_main(struct bootinfo *bi)
{
	struct uart com1 = { .base = COM1_PORT, .mmio = false };
	int err;

	hv.tsc_entry = cpu_rdtsc();
	hv.bi = bi;
	conio_init(&com1);
	if (bi->magic != BOOTINFO_MAGIC) {
		printf("hv: boot info has a bad magic 0x%lx: stopping\n", bi->magic);
		for (;;)
			cpu_hlt();
	}
	mem_init(bi, (uint64_t)(__image_end - __image_start));
	trap_init();
	setvbuf(stdout, NULL, _IONBF, 0);
	printf("\nirqvisor: hypervisor core at 0x%lx, %u memory map entries, "
	       "ExitBootServices after %u tries\n", bi->hv_base, bi->nmem, bi->ebs_tries);
	err = mmu_init(bi);
	if (err)
		printf("hv: own page tables failed (error %d); staying on the firmware's\n", err);
	hv.opts = bi->opts;
	print_boot_diag();
	acpi_fallback(acpi_parse(&hv.acpi, bi->rsdp_pa, &(struct acpi_mem){ .map = acpi_map },
				 report_print_line, NULL));
	console_from_spcr();
	power_init(&hv.acpi);
	if (power_on_bochs())
		cpu_info_emulated("Bochs 2.7 does not implement MSRs 0x34 and 0x8b "
				  "(its reads return 0)");
	legacy_pic_disable();
	lapic_init(SPURIOUS_VECTOR, hv.opts.apic == OPT_APIC_PASSTHROUGH ? LAPIC_WANT_KEEP :
		   (enum lapic_want)hv.opts.apic);
	ioapics_mask();
	pci_cfg_scan();
	tsc_calibrate(&hv.acpi, &hv.tsc, report_print_line, NULL);
	ratelimit_set_window(hv.tsc.hz);
	iommu_init();
	hv.assigned = assign_pick();
	if (!ram_plan()) {
		dma_protect();
		guest_setup();
		hv.guest.watchdog_ms = &hv.opts.watchdog_ms;
		hv.guest.opts = &hv.opts;
	}
	if (hv.backend) {
		struct hv_options defaults;

		options_init(&defaults);
		delivery_check_options(&hv.guest, &hv.opts, &defaults, "hv");
	}
	if (!hv.backend)
		printf("hv: no guest can run: %s\n", hv.backend_why);
	hv.tsc_ready = cpu_rdtsc();
	printf("hv: ready: %lu us from hand-off to prompt (%lu TSC ticks), backend %s\n",
	       tsc_to_us(hv.tsc_ready - bi->tsc_handoff, hv.tsc.hz),
	       hv.tsc_ready - bi->tsc_handoff, hv.backend ? hv.backend->name : "none");
	platform_report(bi);
	console_run(hv.opts.autorun);
}
