/* The bounded JSON writer (see jsonw.h). */
#include <errno.h>
#include <stdio.h>
#include "hv/jsonw.h"
#include "hv/safe_text.h"
#include "hv/stats.h"

void jsonw_init(struct jsonw *w, char *buf, size_t len, size_t name_max)
{
	*w = (struct jsonw){ .buf = buf, .len = len, .name_max = name_max,
			     .err = len ? 0 : -ENOSPC };
}

static void jsonw_char(struct jsonw *w, char c)
{
	if (w->err)
		return;
	if (w->off + 1 >= w->len) {
		w->err = -ENOSPC;
		return;
	}
	w->buf[w->off++] = c;
}

void jsonw_raw(struct jsonw *w, const char *s)
{
	for (; *s && !w->err; s++)
		jsonw_char(w, *s);
}

void jsonw_name_max(struct jsonw *w, const char *s, size_t max)
{
	if (!s || !safe_name_valid(s, max)) {
		if (!w->err)
			w->err = -EINVAL;
		return;
	}
	jsonw_raw(w, "\"");
	jsonw_raw(w, s);
	jsonw_raw(w, "\"");
}

void jsonw_name(struct jsonw *w, const char *s)
{
	jsonw_name_max(w, s, w->name_max);
}

void jsonw_text(struct jsonw *w, const char *s, size_t max)
{
	size_t i;

	if (!s) {
		jsonw_raw(w, "null");
		return;
	}
	jsonw_char(w, '"');
	for (i = 0; i < max && s[i]; i++) {
		char c = s[i] >= 0x20 && s[i] <= 0x7e ? s[i] : '?';

		if (c == '"' || c == '\\')
			jsonw_char(w, '\\');
		jsonw_char(w, c);
	}
	jsonw_char(w, '"');
}

void jsonw_key(struct jsonw *w, bool first, const char *key)
{
	if (!first)
		jsonw_raw(w, ",");
	jsonw_name(w, key);
	jsonw_raw(w, ":");
}

void jsonw_u64(struct jsonw *w, bool first, const char *key, uint64_t v)
{
	char num[24];

	snprintf(num, sizeof(num), "%llu", (unsigned long long)v);
	jsonw_key(w, first, key);
	jsonw_raw(w, num);
}

void jsonw_milli(struct jsonw *w, bool first, const char *key, uint64_t milli)
{
	char num[32];

	stats_format_milli(milli, num, sizeof(num));
	jsonw_key(w, first, key);
	jsonw_raw(w, num);
}

int jsonw_finish(struct jsonw *w)
{
	if (w->len)
		w->buf[w->err ? 0 : w->off] = 0;
	return w->err;
}
