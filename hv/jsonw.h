/* A JSON writer for console lines that never moves past the end of its
 * buffer: a full buffer is an error, not a truncated or overrun line.
 * Names (keys and name values) must be in the safe name set
 * (hv/safe_text.h); outside text (firmware strings) is escaped so it can
 * neither close its string nor start a line. Pure: no hardware access. */
#ifndef HV_JSONW_H
#define HV_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct jsonw {
	char *buf;
	size_t len, off;
	size_t name_max;		/* longest name jsonw_name accepts */
	int err;			/* first error: -EINVAL or -ENOSPC */
};

/* Start writing into buf (len bytes) with names of at most name_max characters. */
void jsonw_init(struct jsonw *w, char *buf, size_t len, size_t name_max);
/* Literal JSON syntax ("{", "null", ...), written as is. */
void jsonw_raw(struct jsonw *w, const char *s);
/* "s": s must be 1..name_max characters of the name set (else -EINVAL). */
void jsonw_name(struct jsonw *w, const char *s);
/* The same with its own limit: 1..max characters. */
void jsonw_name_max(struct jsonw *w, const char *s, size_t max);
/* "s" with at most max characters of s: printable ASCII kept (" and \
 * escaped), anything else as '?'; NULL writes null. */
void jsonw_text(struct jsonw *w, const char *s, size_t max);
/* ,"key": (no comma when first). */
void jsonw_key(struct jsonw *w, bool first, const char *key);
/* ,"key":v */
void jsonw_u64(struct jsonw *w, bool first, const char *key, uint64_t v);
/* ,"key":1.234 from milli = value * 1000. */
void jsonw_milli(struct jsonw *w, bool first, const char *key, uint64_t milli);
/* Terminate the text: 0, or the first error with buf holding "" (len > 0). */
int jsonw_finish(struct jsonw *w);

#endif
