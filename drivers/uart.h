/* 16550-compatible UART, polled, in I/O or memory space. */
#ifndef DRIVERS_UART_H
#define DRIVERS_UART_H

#include <stdbool.h>
#include <stdint.h>

struct uart {
	uint64_t base;		/* I/O port or physical address */
	bool mmio;
	uint32_t baud;
};

/* Program 8N1 at u->baud (115200 when 0) with FIFOs on, interrupts off. */
void uart_init(struct uart *u);
/* Send one byte, waiting for the transmitter holding register. */
void uart_putc(const struct uart *u, char c);
/* One received byte, or -1 when nothing is waiting. */
int uart_getc(const struct uart *u);
/* True when a UART answers at u (scratch register round trip). */
bool uart_probe(const struct uart *u);

#endif
