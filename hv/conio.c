/* Console I/O (see conio.h). */
#include "hv/conio.h"

static struct uart con;

void conio_init(const struct uart *u)
{
	con = *u;
	uart_init(&con);
}

const struct uart *conio_uart(void)
{
	return &con;
}

void conio_write(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(&con, '\r');
		uart_putc(&con, s[i]);
	}
}

int conio_getc(void)
{
	return uart_getc(&con);
}
