/* The hv core after the hand-off: bring up the console, own descriptor
 * tables and page tables, learn the machine, prepare the guest, and give
 * the console to the user. */
#include <stdio.h>
#include <string.h>
#include "hv/hv.h"
#include "hv/conio.h"
#include "hv/console.h"
#include "hv/mem.h"
#include "hv/mmu.h"
#include "hv/assign.h"
#include "hv/iommu.h"
#include "hv/pci_cfg.h"
#include "hv/ratelimit.h"
#include "hv/report.h"
#include "hv/trap.h"
#include "drivers/cpu.h"
#include "drivers/ioapic.h"
#include "drivers/lapic.h"
#include "drivers/legacy_pic.h"
#include "drivers/power.h"

#define COM1_PORT		0x3f8
#define SPURIOUS_VECTOR		0xff

extern char __image_start[], __image_end[];
void hv_main(struct bootinfo *bi);

struct hv hv;

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

/* Pick the backend by vendor (or as cpu= says) and prepare the guest. */
static void guest_setup(void)
{
	const struct vcpu_ops *ops = &svm_ops;
	int err;

	if (hv.opts.cpu == OPT_CPU_VMX) {
		snprintf(hv.backend_why, sizeof(hv.backend_why),
			 "cpu=vmx: the VMX backend is not part of this build yet");
		return;
	}
	err = ops->probe(hv.backend_why, sizeof(hv.backend_why));
	if (err)
		return;
	err = guest_create(&hv.guest, ops, hv.bi->guest_base, hv.bi->guest_size,
			   (const void *)(uintptr_t)hv.bi->guest_image_pa,
			   hv.bi->guest_image_size, hv.tsc.hz);
	if (err) {
		snprintf(hv.backend_why, sizeof(hv.backend_why),
			 "%s backend failed to initialise (error %d)", ops->name, err);
		return;
	}
	hv.backend = ops;
	if (hv.assigned)
		passthru_assign(&hv.guest.pt, &hv.guest, hv.assigned);
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
	if (acpi_parse(&hv.acpi, bi->rsdp_pa, &(struct acpi_mem){ .map = acpi_map },
		       report_print_line, NULL))
		printf("hv: ACPI tables unusable: no PCI, no IOMMU, no ACPI power off\n");
	console_from_spcr();
	power_init(&hv.acpi);
	legacy_pic_disable();
	lapic_init(SPURIOUS_VECTOR);
	ioapics_mask();
	pci_cfg_scan();
	if (tsc_calibrate(&hv.acpi, &hv.tsc))
		printf("hv: TSC frequency unknown: figures stay in TSC ticks\n");
	ratelimit_set_window(hv.tsc.hz);
	iommu_init();
	hv.assigned = assign_pick();
	if (hv.assigned)
		iommu_dma_setup(hv.assigned, bi->guest_base, bi->guest_size);
	guest_setup();
	hv.guest.watchdog_ms = &hv.opts.watchdog_ms;
	if (!hv.backend)
		printf("hv: no guest can run: %s\n", hv.backend_why);
	hv.tsc_ready = cpu_rdtsc();
	printf("hv: ready: %lu us from hand-off to prompt (%lu TSC ticks), backend %s\n",
	       tsc_to_us(hv.tsc_ready - bi->tsc_handoff, hv.tsc.hz),
	       hv.tsc_ready - bi->tsc_handoff, hv.backend ? hv.backend->name : "none");
	console_run(hv.opts.autorun);
}
