/* ST_EXC_DB: the hv intercepts #DB (a #DB raised while the CPU delivers a
 * #DB would otherwise loop inside the CPU, CVE-2015-8104) and must hand
 * each one back: the guest single-steps a few instructions with TF and
 * counts its handler's runs; the hv counts its #DB exits; both must
 * agree. (#AC is intercepted the same way, but QEMU's TCG checks no
 * alignment, and #AC needs CPL 3, which this guest never runs at.) */
#include <stddef.h>
#include "guest/devtest.h"
#include "guest/guest.h"
#include "drivers/cpu.h"

#define EXC_STEPS	4	/* at least the NOPs below are stepped */
#define EXC_NAME	"exc.db"

static volatile unsigned db_seen;

static void exc_on_db(uint8_t vector)
{
	(void)vector;
	db_seen++;
}

/* SDM vol 3, 18.3.1.4: with RFLAGS.TF set, a #DB trap follows each
 * instruction; the handler runs with TF clear (interrupt gate) and IRET
 * sets it again. */
static void exc_single_step(void)
{
	__asm__ volatile("pushfq\n\t"
			 "orq $0x100, (%%rsp)\n\t"
			 "popfq\n\t"
			 "nop\n\tnop\n\tnop\n\tnop\n\t"
			 "pushfq\n\t"
			 "andq $~0x100, (%%rsp)\n\t"
			 "popfq" ::: "memory", "cc");
}

void exc_db_selftest(void)
{
	long before, after;
	unsigned seen;

	db_seen = 0;
	idt_set_handler(EXC_DB, exc_on_db);
	before = hc(HC_EXIT_COUNT, HC_EXITS_DB, 0, 0, 0);
	exc_single_step();
	seen = db_seen;
	after = hc(HC_EXIT_COUNT, HC_EXITS_DB, 0, 0, 0);
	idt_set_handler(EXC_DB, NULL);
	if (before < 0 || after < 0)
		return report(HC_FAIL, EXC_NAME, "HC_EXIT_COUNT returned %ld/%ld", before, after);
	if (seen < EXC_STEPS)
		return report(HC_FAIL, EXC_NAME, "the guest's #DB handler ran %u times for %u "
			      "or more single steps", seen, EXC_STEPS);
	if ((unsigned long)(after - before) != seen)
		return report(HC_FAIL, EXC_NAME, "the guest handled %u #DB, the hv saw %ld #DB "
			      "exits", seen, after - before);
	report(HC_PASS, EXC_NAME, NULL);
}
