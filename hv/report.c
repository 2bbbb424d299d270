/* Verdicts, summaries and RESULT lines (see report.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hv/report.h"
#include "hv/safe_text.h"

#define RESULTS_MAX	256
#define NAME_SHOWN_MAX	80
#define WHY_SHOWN_MAX	256

static unsigned counts[3];
static unsigned failures_total;
static char *results[RESULTS_MAX];
static unsigned nresults;

void report_print_line(void *ctx, const char *msg)
{
	(void)ctx;
	printf("%s\n", msg);
}

void report_begin(void)
{
	memset(counts, 0, sizeof(counts));
}

/* Names and reasons may come from the guest: names keep only the name
 * set, reasons only printable characters, so neither can start a line. */
void report_verdict(enum hc_verdict v, const char *name, const char *why)
{
	char n[NAME_SHOWN_MAX], w[WHY_SHOWN_MAX];

	safe_name_copy(n, sizeof(n), name);
	safe_text_copy(w, sizeof(w), why && *why ? why : "no reason given");
	switch (v) {
	case HC_PASS:
		printf("PASS: %s\n", n);
		break;
	case HC_SKIP:
		printf("SKIP: %s: %s\n", n, w);
		break;
	default:
		v = HC_FAIL;
		printf("FAIL: %s: %s\n", n, w);
		failures_total++;
		break;
	}
	counts[v]++;
}

void report_summary(void)
{
	printf("SUMMARY: %u passed, %u failed, %u skipped\n",
	       counts[HC_PASS], counts[HC_FAIL], counts[HC_SKIP]);
}

unsigned report_failures_total(void)
{
	return failures_total;
}

void report_result_line(const char *json)
{
	printf("RESULT %s\n", json);
	if (nresults < RESULTS_MAX) {
		results[nresults] = strdup(json);
		if (results[nresults])
			nresults++;
	}
}

void report_results_dump(void)
{
	unsigned i;

	if (!nresults)
		printf("no results yet: run `bench all`\n");
	for (i = 0; i < nresults; i++)
		printf("RESULT %s\n", results[i]);
}
