/* Guest main loop: say hello, then run whatever work the hv hands over. */
#include <stdio.h>
#include <string.h>
#include "guest/guest.h"
#include "guest/lapic.h"
#include "drivers/cpu.h"

typedef long (*hc_insn_fn)(long nr, long a0, long a1, long a2, long a3);
long hc_vmmcall(long nr, long a0, long a1, long a2, long a3);
long hc_vmcall(long nr, long a0, long a1, long a2, long a3);
void guest_main(void);

static hc_insn_fn hc_insn = hc_vmmcall;
struct hc_guest_info guest_info;

void hc_init(void)
{
	struct cpuid_regs r;

	cpu_cpuid(0, 0, &r);
	/* "GenuineIntel": EBX "Genu", EDX "ineI", ECX "ntel" */
	hc_insn = r.ebx == 0x756e6547 ? hc_vmcall : hc_vmmcall;
}

long hc(long nr, long a0, long a1, long a2, long a3)
{
	return hc_insn(nr, a0, a1, a2, a3);
}

/* Every range of RAM the hv reports is there: the first and last
 * quadword of each hold what is written (a hole would stop the guest). */
static void ram_check(void)
{
	unsigned long i;

	for (i = 0; i < guest_info.nram && i < HC_RAM_RANGES; i++) {
		const struct hc_ram_range *r = &guest_info.ram[i];
		volatile uint64_t *first = (volatile uint64_t *)(r->gpa ? r->gpa : r->size / 2);
		volatile uint64_t *last = (volatile uint64_t *)(r->gpa + r->size - 8);
		uint64_t a = *first, b = *last;

		*first = r->gpa ^ 0x5a5a5a5a5a5a5a5aULL;
		*last = r->size ^ 0xa5a5a5a5a5a5a5a5ULL;
		printf("RAM 0x%lx..0x%lx: %s\n", r->gpa, r->gpa + r->size,
		       *first == (r->gpa ^ 0x5a5a5a5a5a5a5a5aULL) &&
		       *last == (r->size ^ 0xa5a5a5a5a5a5a5a5ULL) ? "ok" : "does not hold data");
		*first = a;
		*last = b;
	}
}

/* eoi=pv: register the EOI flag once, before any interrupt. */
static void pv_eoi_init(void)
{
	long rc = guest_lapic_pv_eoi_init();

	if (rc == 0)
		printf("eoi=pv: EOI flag at 0x%lx\n", guest_lapic_pv_eoi_flag());
	else if (rc < 0)
		printf("eoi=pv: the hv refused the EOI flag at 0x%lx (%ld): EOIs write the "
		       "APIC\n", guest_lapic_pv_eoi_flag(), rc);
}

void guest_main(void)
{
	struct hc_work work;
	long boot;

	hc_init();
	setvbuf(stdout, NULL, _IOLBF, 0);
	idt_init();
	boot = hc(HC_HELLO, HC_ABI_VERSION, 0, 0, 0);
	if (boot < 0 || hc(HC_GET_INFO, (long)&guest_info, 0, 0, 0)) {
		printf("hv refused HELLO/GET_INFO (%ld): stopping\n", boot);
		return;
	}
	printf("irqvisor guest up: boot %ld, %lu MiB RAM\n", boot, guest_info.ram_size >> 20);
	ram_check();
	pv_eoi_init();
	for (;;) {
		memset(&work, 0, sizeof(work));
		hc(HC_GET_WORK, (long)&work, 0, 0, 0);
		if (work.kind == WORK_SELFTEST)
			selftest_run(work.arg);
		else if (work.kind == WORK_BENCH)
			bench_run(work.arg, work.iters, work.warmup);
		else
			printf("unknown work kind %lu ignored\n", work.kind);
		fflush(stdout);
		hc(HC_WORK_DONE, 0, 0, 0, 0);
	}
}
