/* RESULT JSON from validated fields (see result_json.h). The writer never
 * moves past the end of its buffer: a full buffer is an error, not a
 * truncated or overrun line. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include "hv/result_json.h"
#include "hv/safe_text.h"

struct jw {
	char *buf;
	size_t len, off;
	int err;
};

static void jw_raw(struct jw *w, const char *s)
{
	for (; *s && !w->err; s++) {
		if (w->off + 1 >= w->len) {
			w->err = -ENOSPC;
			return;
		}
		w->buf[w->off++] = *s;
	}
}

static void jw_name(struct jw *w, const char *s)
{
	if (!s || !safe_name_valid(s, RESULT_NAME_MAX)) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	jw_raw(w, "\"");
	jw_raw(w, s);
	jw_raw(w, "\"");
}

static void jw_key(struct jw *w, bool first, const char *key)
{
	if (!first)
		jw_raw(w, ",");
	jw_name(w, key);
	jw_raw(w, ":");
}

static void jw_u64(struct jw *w, bool first, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	jw_key(w, first, key);
	jw_raw(w, num);
}

static void jw_milli(struct jw *w, bool first, const char *key, uint64_t milli)
{
	char num[32];

	stats_format_milli(milli, num, sizeof(num));
	jw_key(w, first, key);
	jw_raw(w, num);
}

int result_json(char *buf, size_t len, const struct result_desc *d)
{
	struct jw w = { .buf = buf, .len = len };
	const struct stats *st = d->st;
	size_t i;

	if (!len)
		return -ENOSPC;
	jw_raw(&w, "{");
	jw_key(&w, true, "bench");
	jw_name(&w, d->bench);
	jw_key(&w, false, "mode");
	jw_raw(&w, "{");
	for (i = 0; i < d->nmode; i++) {
		jw_key(&w, !i, d->mode[i].key);
		jw_name(&w, d->mode[i].val);
	}
	jw_raw(&w, "}");
	jw_key(&w, false, "source");
	jw_name(&w, d->source ? d->source : "none");
	jw_key(&w, false, "unit");
	jw_name(&w, "tsc_ticks");
	jw_u64(&w, false, "count", st->count);
	jw_u64(&w, false, "min", st->min);
	jw_u64(&w, false, "p50", st->p50);
	jw_u64(&w, false, "p90", st->p90);
	jw_u64(&w, false, "p99", st->p99);
	jw_u64(&w, false, "max", st->max);
	jw_milli(&w, false, "mean", st->mean_milli);
	if (d->smi_known) {
		jw_u64(&w, false, "smi", d->smi);
	} else {
		jw_key(&w, false, "smi");
		jw_raw(&w, "null");
	}
	jw_key(&w, false, "exits_per_iter");
	jw_raw(&w, "{");
	for (i = 0; i < d->nexits; i++)
		jw_milli(&w, !i, d->exits[i].key, d->exits[i].milli);
	jw_raw(&w, "}}");
	buf[w.err ? 0 : w.off] = 0;
	return w.err;
}
