/* Console I/O (see conio.h). */
#include "hv/conio.h"

#define CH_CTRL_C	0x03
#define AHEAD_MAX	64	/* bytes typed while a command runs */

static struct uart con;
static struct {
	char buf[AHEAD_MAX];
	unsigned head, len;
	bool brk;
} ahead;

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
	char c;

	if (!ahead.len)
		return uart_getc(&con);
	c = ahead.buf[ahead.head];
	ahead.head = (ahead.head + 1) % AHEAD_MAX;
	ahead.len--;
	return (unsigned char)c;
}

/* Bytes beyond AHEAD_MAX are dropped, as a full UART FIFO would. */
bool conio_poll_break(void)
{
	int c;

	while ((c = uart_getc(&con)) >= 0) {
		if (c == CH_CTRL_C)
			ahead.brk = true;
		else if (ahead.len < AHEAD_MAX)
			ahead.buf[(ahead.head + ahead.len++) % AHEAD_MAX] = (char)c;
	}
	return ahead.brk;
}

bool conio_break_seen(void)
{
	return ahead.brk;
}

void conio_break_clear(void)
{
	ahead.brk = false;
}
