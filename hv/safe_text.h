/* Text a guest supplies, made safe to print: the guest must not be able to
 * start a console line (and so forge "PASS:", "SUMMARY:" or "RESULT"
 * lines) or send control sequences to the terminal. One rule for every
 * path that prints guest text: the virtual UART, verdicts, bench names.
 * Pure: no hardware access. */
#ifndef HV_SAFE_TEXT_H
#define HV_SAFE_TEXT_H

#include <stdbool.h>
#include <stddef.h>

/* c itself when printable ASCII (0x20..0x7e) or a tab, else '?'. */
char safe_text_char(char c);
/* Copy src into dst (len > 0 bytes, always terminated), every character
 * through safe_text_char; truncates. */
void safe_text_copy(char *dst, size_t len, const char *src);

/* The name character set: A-Z a-z 0-9 . _ - */
bool safe_name_char(char c);
/* Copy src into dst (len > 0), characters outside the name set as '?'. */
void safe_name_copy(char *dst, size_t len, const char *src);
/* 1..max characters, all in the name set. */
bool safe_name_valid(const char *s, size_t max);

#endif
