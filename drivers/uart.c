/* 16550 UART (National Semiconductor PC16550D datasheet register map). */
#include "drivers/uart.h"
#include "drivers/cpu.h"

#define UART_THR	0	/* transmit holding (write) */
#define UART_RBR	0	/* receive buffer (read) */
#define UART_DLL	0	/* divisor latch low (DLAB=1) */
#define UART_IER	1
#define UART_DLM	1	/* divisor latch high (DLAB=1) */
#define UART_FCR	2
#define  FCR_ENABLE	BIT(0)
#define  FCR_CLEAR	(BIT(1) | BIT(2))
#define UART_LCR	3
#define  LCR_8N1	0x03
#define  LCR_DLAB	BIT(7)
#define UART_MCR	4
#define  MCR_DTR_RTS	0x03
#define UART_LSR	5
#define  LSR_DR		BIT(0)
#define  LSR_THRE	BIT(5)
#define UART_SCR	7

#define UART_CLOCK	115200
#define TX_SPIN_MAX	100000

static uint8_t uart_read(const struct uart *u, unsigned reg)
{
	if (u->mmio)
		return *(volatile uint8_t *)(uintptr_t)(u->base + reg);
	return cpu_inb((uint16_t)(u->base + reg));
}

static void uart_write(const struct uart *u, unsigned reg, uint8_t v)
{
	if (u->mmio)
		*(volatile uint8_t *)(uintptr_t)(u->base + reg) = v;
	else
		cpu_outb((uint16_t)(u->base + reg), v);
}

void uart_init(struct uart *u)
{
	uint32_t div;

	if (!u->baud)
		u->baud = 115200;
	div = UART_CLOCK / u->baud;
	uart_write(u, UART_IER, 0);
	uart_write(u, UART_LCR, LCR_DLAB);
	uart_write(u, UART_DLL, div & 0xff);
	uart_write(u, UART_DLM, (div >> 8) & 0xff);
	uart_write(u, UART_LCR, LCR_8N1);
	uart_write(u, UART_FCR, FCR_ENABLE | FCR_CLEAR);
	uart_write(u, UART_MCR, MCR_DTR_RTS);
}

bool uart_probe(const struct uart *u)
{
	uart_write(u, UART_SCR, 0x5a);
	if (uart_read(u, UART_SCR) != 0x5a)
		return false;
	uart_write(u, UART_SCR, 0xa5);
	return uart_read(u, UART_SCR) == 0xa5;
}

/* A missing or wedged UART must not hang the hv: give up after a bound. */
void uart_putc(const struct uart *u, char c)
{
	unsigned spin;

	for (spin = 0; spin < TX_SPIN_MAX; spin++)
		if (uart_read(u, UART_LSR) & LSR_THRE)
			break;
	uart_write(u, UART_THR, (uint8_t)c);
}

int uart_getc(const struct uart *u)
{
	if (!(uart_read(u, UART_LSR) & LSR_DR))
		return -1;
	return uart_read(u, UART_RBR);
}
