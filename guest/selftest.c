/* Guest side of the self-tests: each checks one kind of exit against what
 * the hv promises and reports its own verdict. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include "guest/devtest.h"
#include "guest/guard.h"
#include "guest/guest.h"
#include "drivers/cpu.h"

#define BAD_GVA		0x00007fff00000000L	/* not in the guest's tables */
#define UNKNOWN_HC	9999
#define INJECT_COUNT	1000
#define SETTLE_LOOPS	2000
#define WAIT_LOOPS	1000000

static void st_hypercall(void)
{
	long r;

	if ((r = hc(HC_NOP, 0, 0, 0, 0)) != 0)
		return report(HC_FAIL, "hypercall", "HC_NOP returned %ld, expected 0", r);
	if ((r = hc(UNKNOWN_HC, 0, 0, 0, 0)) != -HC_ENOSYS)
		return report(HC_FAIL, "hypercall", "unknown number returned %ld, expected -%d",
			      r, HC_ENOSYS);
	if ((r = hc(HC_HELLO, HC_ABI_VERSION + 1, 0, 0, 0)) != -HC_EINVAL)
		return report(HC_FAIL, "hypercall", "HELLO with a wrong ABI returned %ld", r);
	if ((r = hc(HC_REPORT, HC_PASS, BAD_GVA, 0, 0)) != -HC_EFAULT)
		return report(HC_FAIL, "hypercall", "REPORT with an unmapped name returned %ld", r);
	if ((r = hc(HC_INJECT_SELF, 3, 1, 0, 0)) != -HC_EINVAL)
		return report(HC_FAIL, "hypercall", "INJECT_SELF of exception vector 3 returned %ld", r);
	report(HC_PASS, "hypercall", NULL);
}

/* CPUID with an operand-size prefix (66 0F A2) exits like the plain one:
 * the hv, whose byte check then fails, decodes it and steps over all
 * three bytes, onto the MOV that sets after. */
static bool cpuid_prefixed_ok(void)
{
	uint32_t a = 0x40000000, b, c = 0, d, after = 0;

	__asm__ volatile(".byte 0x66, 0x0f, 0xa2\n\tmovl $1, %4"
			 : "+a"(a), "=b"(b), "+c"(c), "=d"(d), "+r"(after));
	return after == 1 && a >= 0x40000001 && !memcmp(&b, "irqv", 4);
}

static void st_cpuid(void)
{
	struct cpuid_regs r;
	char sig[13];

	cpu_cpuid(0x40000000, 0, &r);
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	if (strcmp(sig, "irqvisor") || r.eax < 0x40000001)
		return report(HC_FAIL, "cpuid", "leaf 0x40000000: \"%s\", max 0x%x", sig, r.eax);
	cpu_cpuid(1, 0, &r);
	if (!(r.ecx & CPUID1_ECX_HYPERVISOR))
		return report(HC_FAIL, "cpuid", "leaf 1 ECX 0x%x lacks the hypervisor bit", r.ecx);
	cpu_cpuid(0x80000001, 0, &r);
	if (r.ecx & CPUIDX1_ECX_SVM)
		return report(HC_FAIL, "cpuid", "leaf 0x80000001 shows SVM to the guest");
	if (!cpuid_prefixed_ok())
		return report(HC_FAIL, "cpuid", "a prefixed CPUID (66 0F A2) was not stepped over");
	report(HC_PASS, "cpuid", NULL);
}

static void st_io(void)
{
	uint8_t lsr = cpu_inb(GUEST_COM1 + 5);
	uint8_t none;

	cpu_outb(GUEST_IO_PROBE_PORT, 0x42);
	none = cpu_inb(GUEST_IO_PROBE_PORT);
	if (!(lsr & 0x20))
		return report(HC_FAIL, "io", "COM1 LSR 0x%x: transmitter never ready", lsr);
	if (none != 0xff)
		return report(HC_FAIL, "io", "port 0x%x read 0x%x, expected 0xff (no device)",
			      GUEST_IO_PROBE_PORT, none);
	if (cpu_inl(GUEST_IO_PROBE_PORT) != 0xffffffff)
		return report(HC_FAIL, "io", "32-bit read of an empty port is not all ones");
	report(HC_PASS, "io", NULL);
}

/* The hv stops the guest here; reaching the report is the failure. */
static void st_npf(void)
{
	volatile uint64_t *p = (volatile uint64_t *)guest_info.unmapped_gpa;
	uint64_t v = *p;

	report(HC_FAIL, "npf", "read of unmapped 0x%lx returned 0x%lx", guest_info.unmapped_gpa, v);
}

static volatile unsigned injected;

static void on_test_vector(uint8_t v)
{
	(void)v;
	injected++;
}

/* Nothing may arrive while IF=0; then exactly INJECT_COUNT arrive. */
static void st_inject(void)
{
	unsigned i, seen;

	injected = 0;
	idt_set_handler(GUEST_TEST_VECTOR, on_test_vector);
	cpu_cli();
	hc(HC_INJECT_SELF, GUEST_TEST_VECTOR, INJECT_COUNT, 0, 0);
	for (i = 0; i < SETTLE_LOOPS; i++)
		hc(HC_NOP, 0, 0, 0, 0);
	seen = injected;
	cpu_sti();
	for (i = 0; i < WAIT_LOOPS && injected < INJECT_COUNT; i++)
		cpu_hlt();
	for (i = 0; i < SETTLE_LOOPS; i++)
		hc(HC_NOP, 0, 0, 0, 0);
	cpu_cli();
	idt_set_handler(GUEST_TEST_VECTOR, NULL);
	if (seen)
		return report(HC_FAIL, "inject", "%u interrupts arrived while IF=0", seen);
	if (injected != INJECT_COUNT)
		return report(HC_FAIL, "inject", "%u interrupts counted, %u injected",
			      injected, INJECT_COUNT);
	report(HC_PASS, "inject", NULL);
}

void selftest_run(unsigned long id)
{
	static void (*const tests[ST_COUNT])(void) = {
		[ST_HYPERCALL] = st_hypercall, [ST_CPUID] = st_cpuid,
		[ST_IO] = st_io, [ST_NPF] = st_npf, [ST_INJECT] = st_inject,
		[ST_MSIX] = msix_selftest, [ST_IRQ] = irq_selftest,
		[ST_ENTRY_IRQ] = entry_irq_selftest, [ST_EXC_DB] = exc_db_selftest,
		[ST_SPIN] = spin_selftest,
		[ST_GUARD_MMIO] = guard_mmio_selftest, [ST_GUARD_MSI] = guard_msi_selftest,
		[ST_GUARD_BAR] = guard_bar_selftest,
		[ST_GUARD_FORGE] = forge_selftest, [ST_GUARD_FLOOD] = flood_selftest,
		[ST_NATIVE_DMA] = native_dma_selftest,
		[ST_HOST_IRQ] = host_irq_selftest,
		[ST_MAP_ATTACK] = map_attack_selftest,
	};

	if (id >= ST_COUNT || !tests[id]) {
		report(HC_FAIL, "guest-selftest", "unknown test id %lu", id);
		return;
	}
	tests[id]();
}
