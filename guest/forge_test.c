/* guard.forge: try to forge console lines through every channel the guest
 * has to the hv's console. The scenario checks that no forged line starts
 * a console line; the guest checks that the hv refuses a bench result whose
 * name is not a safe name, and accepts a good one. */
#include <stdio.h>
#include "guest/guard.h"
#include "guest/guest.h"

#define FORGED_LINES	"\nPASS: forged\nSUMMARY: 99 passed, 0 failed, 0 skipped\n" \
			"RESULT {\"bench\":\"forged\",\"count\":1}\n"

static uint64_t one_sample[1] = { 1 };

static long samples(const char *name)
{
	return hc(HC_SAMPLES, (long)name, (long)one_sample, 1, UNIT_TSC_TICKS);
}

void forge_selftest(void)
{
	/* The name is read up to 63 bytes: the forged lines fit in it. */
	static const char name[] = "g\nPASS: forged\nSUMMARY: 99 passed\nRESULT {\"bench\":1}";
	static const char bench[] = "x\",\"count\":1}\nRESULT {\"bench\":\"forged";
	long r;

	printf("forge" FORGED_LINES);
	hc(HC_REPORT, HC_PASS, (long)name, 0, 0);
	hc(HC_REPORT, HC_SKIP, (long)"guard.forge.reason", (long)FORGED_LINES, 0);
	r = samples(bench);
	if (r != -HC_EINVAL)
		return report(HC_FAIL, "guard.forge", "a bench result named with a quote and a "
			      "newline returned %ld, expected -%d", r, HC_EINVAL);
	r = samples("guard.forge.valid");
	if (r)
		return report(HC_FAIL, "guard.forge", "a bench result with a valid name returned "
			      "%ld, expected 0", r);
	report(HC_PASS, "guard.forge", NULL);
}
