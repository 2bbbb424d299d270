/* Console I/O of the hv: the UART chosen at start (SPCR, else COM1).
 * stdout/stderr of newlib end here (hv/libc.c). */
#ifndef HV_CONIO_H
#define HV_CONIO_H

#include <stdbool.h>
#include <stddef.h>
#include "drivers/uart.h"

/* Use u as the console from now on (initialises it). */
void conio_init(const struct uart *u);
const struct uart *conio_uart(void);
/* Write bytes, turning "\n" into "\r\n". */
void conio_write(const char *s, size_t len);
/* One input byte or -1: typed-ahead bytes first, then the UART. */
int conio_getc(void);
/* While a command runs (on each watchdog tick): move what the UART holds
 * into the type-ahead buffer; a Ctrl-C among it is not kept but noted.
 * True when a Ctrl-C has been noted since conio_break_clear(). */
bool conio_poll_break(void);
/* Whether a Ctrl-C was noted since conio_break_clear() (no UART access). */
bool conio_break_seen(void);
/* Forget a noted Ctrl-C (the console does so at each prompt). */
void conio_break_clear(void);

#endif
