/* Console I/O of the hv: the UART chosen at start (SPCR, else COM1).
 * stdout/stderr of newlib end here (hv/libc.c). */
#ifndef HV_CONIO_H
#define HV_CONIO_H

#include <stddef.h>
#include "drivers/uart.h"

/* Use u as the console from now on (initialises it). */
void conio_init(const struct uart *u);
const struct uart *conio_uart(void);
/* Write bytes, turning "\n" into "\r\n". */
void conio_write(const char *s, size_t len);
/* One input byte or -1. */
int conio_getc(void);

#endif
