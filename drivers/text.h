/* Building one console line piece by piece. */
#ifndef DRIVERS_TEXT_H
#define DRIVERS_TEXT_H

#include <stddef.h>

/* snprintf at buf + *pos, advancing *pos by what the whole text needs:
 * once *pos reaches len nothing more is written, and *pos >= len tells
 * the caller the line was cut short. */
__attribute__((format(printf, 4, 5)))
void text_append(char *buf, size_t len, size_t *pos, const char *fmt, ...);

#endif
