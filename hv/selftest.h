/* Self-tests run from the console: `selftest [NAME]`. */
#ifndef HV_SELFTEST_H
#define HV_SELFTEST_H

struct guest;

/* Run one named test or all of them; prints verdicts and a SUMMARY.
 * -EINVAL for an unknown name. */
int selftest_run(struct guest *g, const char *name);
/* Names for `help`. */
const char *selftest_names(void);

#endif
