/* The JSON object of a RESULT line, built only from validated fields: every
 * name (bench, mode keys and values, exit reasons) must be in the safe name
 * set (hv/safe_text.h), every number is formatted here. Nothing is copied
 * raw, so a guest-chosen name cannot close the object or start a line.
 * Pure: no hardware access. */
#ifndef HV_RESULT_JSON_H
#define HV_RESULT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/options.h"
#include "hv/stats.h"

#define RESULT_NAME_MAX		48	/* longest bench name, key or value */
/* The buffer of a RESULT line's JSON (hv/bench.c): the longest line the hv
 * forms fits (tests/unit/test_result_json.c); a longer one is refused. */
#define RESULT_JSON_MAX		768

struct result_str {
	const char *key, *val;
};

struct result_rate {
	const char *key;
	uint64_t milli;			/* value * 1000, printed as "1.000" */
};

/* "opts": the options that shaped the run; source and dev only when set
 * (not auto). */
struct result_opts {
	uint32_t iters, warmup;
	const char *source;		/* a name, or NULL */
	const struct opt_bdf *dev;	/* or NULL */
};

struct result_desc {
	const char *bench;
	const struct result_str *mode;	/* "mode": {key: "val", ...} */
	size_t nmode;
	const char *source;		/* "source": what raised the interrupts (NULL: "none") */
	const struct stats *st;
	const struct result_rate *exits;	/* "exits_per_iter": {key: 1.000, ...} */
	size_t nexits;
	bool smi_known;			/* "smi": SMIs during the run, or null */
	uint32_t smi;
	const char *build;		/* "build": hv/provenance.h */
	const char *run;		/* "run": the run id */
	const struct result_opts *opts;	/* NULL: "opts":{} */
};

/* {"bench":..,"mode":{..},"source":..,"unit":"tsc_ticks","count":..,"min":..,"p50":..,
 * "p90":..,"p99":..,"max":..,"mean":..,"smi":N|null,"exits_per_iter":{..},
 * "build":..,"run":..,"opts":{"iters":N,"warmup":N[,"source":..][,"dev":"SSSS:BB:DD.F"]}}
 * into buf ("smi" is null where the SMI count cannot be read; build and run
 * are names of up to PROV_BUILD_MAX and PROV_RUN_MAX characters).
 * 0; -EINVAL when a name is empty, longer than RESULT_NAME_MAX or has a
 * character outside the set; -ENOSPC when len is too small. buf holds ""
 * on error (len > 0). */
int result_json(char *buf, size_t len, const struct result_desc *d);

#endif
