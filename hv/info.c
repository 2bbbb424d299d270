/* The `info` command: what the hv found and what it uses. */
#include <stdio.h>
#include <string.h>
#include "hv/console.h"
#include "hv/hv.h"
#include "hv/iommu_info.h"
#include "hv/native_dev.h"
#include "hv/mem.h"
#include "hv/irq.h"
#include "hv/trap.h"
#include "hv/mmu.h"
#include "hv/pci_cfg.h"
#include "drivers/cpu.h"
#include "drivers/cpu_info.h"
#include "drivers/lapic.h"
#include "drivers/power.h"

#define PAGE_BYTES	4096

/* What a figure depends on: the exact part and microcode, whether the TSC
 * is invariant, and whether SMIs can be counted around a run. */
static void info_cpu_id(void)
{
	const struct cpu_info *ci = cpu_info();
	uint64_t smis;

	printf("cpu: family 0x%x model 0x%x stepping %u (CPUID 1 EAX 0x%08x)%s, ",
	       ci->sig.family, ci->sig.model, ci->sig.stepping, ci->signature,
	       ci->hypervisor ? " under a hypervisor" : "");
	if (ci->ucode_why)
		printf("microcode unknown: %s\n", ci->ucode_why);
	else if (ci->ucode)
		printf("microcode 0x%x\n", ci->ucode);
	else
		printf("microcode 0x0 (no update loaded, or an emulator lacking MSR 0x8b)\n");
	if (cpu_smi_count(&smis))
		printf("cpu: SMI count unavailable: %s; RESULT lines carry \"smi\":null\n",
		       ci->smi_why);
	else
		printf("cpu: SMI count %lu since reset (MSR_SMI_COUNT); each RESULT carries its run's\n",
		       (unsigned long)(uint32_t)smis);
}

static void info_cpu(void)
{
	const struct vcpu_ops *const *b;

	printf("cpu: %s \"%s\", %u CPU(s) in the MADT, hv on APIC id %u (%s)\n",
	       cpu_info()->vendor_id, cpu_info()->brand, hv.acpi.ncpus, lapic_id(),
	       lapic_x2apic() ? "x2APIC" : "xAPIC");
	info_cpu_id();
	for (b = vcpu_backends; *b; b++)
		(*b)->info();
	printf("cpu: backend %s%s%s\n", hv.backend ? hv.backend->name : "none",
	       hv.backend ? "" : ": ", hv.backend ? "" : hv.backend_why);
	printf("tsc: %lu Hz from %s; invariant TSC %s\n", hv.tsc.hz, hv.tsc.source,
	       cpu_info()->invariant_tsc ? "yes" : "no (CPUID 0x80000007 EDX bit 8 clear)");
	printf("interrupts: %lu taken on vectors nobody claimed, %lu host NMI(s)\n",
	       trap_spurious_count(), trap_nmi_count());
}

static void info_memory(void)
{
	struct mem_usage u;
	char size[32];

	mem_usage(&u);
	options_format_size(u.pool_size, size, sizeof(size));
	printf("memory: hv pool %s at 0x%lx; in use %lu KiB (image %lu KiB, heap %lu KiB, "
	       "pages %lu KiB, of which own page tables %lu KiB)\n",
	       size, u.pool_base, (u.image + u.heap + u.pages) >> 10, u.image >> 10,
	       u.heap >> 10, u.pages >> 10, mmu_pages() * 4);
	/* Exact figures, so two `info`s can show that nothing leaked. */
	printf("memory: exact: heap %lu bytes in use (%lu bytes taken from the pool), "
	       "%lu pages allocated\n", mem_heap_in_use(), u.heap,
	       u.pages / PAGE_BYTES);
	options_format_size(hv.bi->guest_size, size, sizeof(size));
	printf("memory: guest RAM %s at host 0x%lx, %u firmware memory map entries\n",
	       size, hv.bi->guest_base, hv.bi->nmem);
	printf("boot: %lu us from hand-off to prompt\n",
	       tsc_to_us(hv.tsc_ready - hv.bi->tsc_handoff, hv.tsc.hz));
}

static void info_acpi(void)
{
	char line[256];
	unsigned i;

	printf("acpi: RSDP at 0x%lx rev %u OEM \"%s\"; tables:", hv.acpi.rsdp_pa,
	       hv.acpi.revision, hv.acpi.oem_id);
	for (i = 0; i < hv.acpi.ntables; i++)
		printf(" %s@0x%lx", hv.acpi.tables[i].sig, hv.acpi.tables[i].pa);
	printf("\n");
	for (i = 0; i < hv.acpi.nioapics; i++)
		printf("acpi: IOAPIC id %u at 0x%x, GSI base %u, %u pins all masked\n",
		       hv.acpi.ioapics[i].id, hv.acpi.ioapics[i].pa,
		       hv.acpi.ioapics[i].gsi_base, hv.ioapic_pins[i]);
	for (i = 0; i < hv.acpi.necam; i++)
		printf("acpi: ECAM segment %u buses %u-%u at 0x%lx\n", hv.acpi.ecam[i].segment,
		       hv.acpi.ecam[i].bus_start, hv.acpi.ecam[i].bus_end, hv.acpi.ecam[i].base);
	printf("acpi: power off via %s\n", power_method());
	if (hv.acpi.pc_defaults) {
		acpi_pc_defaults_describe(&hv.acpi, line, sizeof(line));
		printf("%s\n", line);
	}
	if (hv.acpi.pc_defaults & ACPI_PC_CF8)
		printf("acpi: PCI through ports 0xcf8/0xcfc, %u access(es) beyond 0xff refused\n",
		       pci_cfg_cf8_refused());
	if (!hv.acpi.dmar_pa)
		printf("acpi: VT-d: absent (no DMAR table)\n");
}

static void info_apic(void)
{
	const struct lapic_mode *m = lapic_mode();

	if (lapic_x2apic())
		printf("apic: x2APIC mode (%s), id 0x%08x (32-bit), registers as MSRs 0x800+\n",
		       m->switched ? "switched from xAPIC by apic=x2apic" : "as firmware left it",
		       lapic_id());
	else
		printf("apic: xAPIC mode (as firmware left it), id 0x%02x (8-bit), "
		       "registers at 0x%lx\n", lapic_id(), lapic_base());
}

static void info_pci(void)
{
	char line[160];
	unsigned i;

	printf("pci: %u device(s)\n", hv.npci);
	for (i = 0; i < hv.npci; i++) {
		pci_dev_describe(&hv.pci[i], line, sizeof(line));
		printf("  %s\n", line);
	}
}

static void info_passthru(void)
{
	const struct passthru *p = &hv.guest.pt;
	unsigned i;

	if (!p->active) {
		printf("guest device: none assigned\n");
		return;
	}
	printf("guest device: %02x:%02x.%u as 00:00.0, MSI-X %s%s, %u vectors; traps %lu, "
	       "routes %lu, deliveries %lu, pended %lu, refused %lu, bad accesses %lu\n",
	       p->dev->bus, p->dev->dev, p->dev->fn, p->vm.enabled ? "enabled" : "disabled",
	       p->vm.fmask ? " (function masked)" : "", p->vm.nvec, p->vm.stats.traps,
	       p->vm.stats.routes, p->vm.stats.deliveries, p->vm.stats.pended,
	       p->vm.stats.refused, p->bad_accesses);
	for (i = 0; p->vm.enabled && i < p->vm.nvec; i++) {
		union msix_entry e;

		msix_entry_read(&p->phys, i, &e);
		printf("  entry %u: guest vector 0x%02x%s%s, host vector 0x%02x (%lu taken), IRTE %u; "
		       "physical 0x%lx/0x%x%s%s\n", i, p->guest_vec[i],
		       p->entries[i].masked ? ", masked" : "", p->entries[i].pending ? ", pending" : "",
		       p->host_first + i, irq_count((uint8_t)(p->host_first + i)), p->irte_first + i,
		       e.addr, e.data, e.ctrl & 1 ? " masked" : "",
		       msix_pending(&p->phys, i) == 1 ? " pending" : "");
	}
}

/* The exit path's caches (hv/code_tlb.h, hv/mmio.h): a warm exit walks no
 * page table and decodes nothing. */
static void info_exit_caches(void)
{
	const struct guest *g = &hv.guest;

	printf("exit caches: code TLB %lu miss(es) (page walks); MMIO decode cache %lu of %lu "
	       "lookup(s) missed (decoded)\n", g->itlb.misses, g->mmio_cache.misses,
	       g->mmio_cache.lookups);
}

static void info_source(void)
{
	char line[200];

	native_source_describe(line, sizeof(line));
	printf("irq source: %s\n", line);
}

void info_print(void)
{
	info_cpu();
	info_memory();
	info_acpi();
	info_apic();
	iommu_info_print();
	info_pci();
	info_passthru();
	info_source();
	if (hv.backend) {
		info_exit_caches();
		delivery_info(&hv.guest, &hv.opts);
	}
}
