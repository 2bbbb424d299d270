/* Sanitizing guest text for the console (see safe_text.h). */
#include "hv/safe_text.h"

char safe_text_char(char c)
{
	return (c >= 0x20 && c < 0x7f) || c == '\t' ? c : '?';
}

void safe_text_copy(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = safe_text_char(src[i]);
	dst[i] = 0;
}

bool safe_name_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
	       c == '.' || c == '_' || c == '-';
}

void safe_name_copy(char *dst, size_t len, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < len && src[i]; i++)
		dst[i] = safe_name_char(src[i]) ? src[i] : '?';
	dst[i] = 0;
}

bool safe_name_valid(const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (i >= max || !safe_name_char(s[i]))
			return false;
	return i > 0;
}
