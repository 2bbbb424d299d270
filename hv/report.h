/* Test and benchmark output that people and scripts both read:
 * "PASS: name", "FAIL: name: why", "SKIP: name: why", "SUMMARY: ...",
 * and "RESULT {json}" lines (kept for the `results` command). */
#ifndef HV_REPORT_H
#define HV_REPORT_H

#include "hv/hypercall_abi.h"

/* Print msg as one console line: the report callback of the parsers
 * (options, ACPI, PCI), whose ctx is unused. */
void report_print_line(void *ctx, const char *msg);
/* Start counting for one selftest/bench command. */
void report_begin(void);
/* Print one verdict line and count it. name and why may be the guest's:
 * they are sanitized (hv/safe_text.h) so they cannot forge a line. */
void report_verdict(enum hc_verdict v, const char *name, const char *why);
/* "SUMMARY: N passed, N failed, N skipped" for the current command. */
void report_summary(void);
/* Failures since boot: poweroff's exit status. */
unsigned report_failures_total(void);
/* Print "RESULT <json>" and keep it for `results`. */
void report_result_line(const char *json);
/* Reprint every RESULT line of this boot. */
void report_results_dump(void);

#endif
