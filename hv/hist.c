/* Log-scale histogram buckets and the HIST line (see hist.h). */
#include <errno.h>
#include <stdio.h>
#include "hv/hist.h"
#include "hv/jsonw.h"
#include "hv/provenance.h"
#include "hv/result_json.h"

unsigned hist_bucket(uint64_t v)
{
	unsigned e;

	if (v < HIST_LINEAR)
		return (unsigned)v;
	e = 63 - (unsigned)__builtin_clzll(v);
	return HIST_LINEAR + 4 * (e - 3) + (unsigned)((v >> (e - 2)) & 3);
}

uint64_t hist_bucket_lo(unsigned b)
{
	unsigned e, k;

	if (b < HIST_LINEAR)
		return b;
	e = 3 + (b - HIST_LINEAR) / 4;
	k = (b - HIST_LINEAR) % 4;
	return (1ULL << e) + k * (1ULL << (e - 2));
}

static void bucket_write(struct jsonw *w, bool first, unsigned b, uint64_t count)
{
	char pair[48];

	snprintf(pair, sizeof(pair), "%s[%llu,%llu]", first ? "" : ",",
		 (unsigned long long)hist_bucket_lo(b), (unsigned long long)count);
	jsonw_raw(w, pair);
}

/* Sorted samples fall into non-decreasing buckets: one pass, no table. */
static void buckets_write(struct jsonw *w, const uint64_t *sorted, size_t n)
{
	unsigned cur = 0, b;
	uint64_t count = 0;
	bool first = true;
	size_t i;

	for (i = 0; i < n && !w->err; i++) {
		if (i && sorted[i] < sorted[i - 1]) {
			w->err = -EINVAL;
			return;
		}
		b = hist_bucket(sorted[i]);
		if (count && b != cur) {
			bucket_write(w, first, cur, count);
			first = false;
			count = 0;
		}
		cur = b;
		count++;
	}
	if (count)
		bucket_write(w, first, cur, count);
}

int hist_json(char *buf, size_t len, const char *bench, const char *run,
	      const uint64_t *sorted, size_t n)
{
	struct jsonw w;

	jsonw_init(&w, buf, len, RESULT_NAME_MAX);
	jsonw_raw(&w, "{");
	jsonw_key(&w, true, "bench");
	jsonw_name(&w, bench);
	jsonw_key(&w, false, "run");
	jsonw_name_max(&w, run, PROV_RUN_MAX);
	jsonw_key(&w, false, "unit");
	jsonw_name(&w, "tsc_ticks");
	jsonw_u64(&w, false, "count", n);
	jsonw_key(&w, false, "buckets");
	jsonw_raw(&w, "[");
	buckets_write(&w, sorted, n);
	jsonw_raw(&w, "]}");
	return jsonw_finish(&w);
}
