/* Virtual 16550 for the guest (see vuart.h). Only what a polled
 * transmit-only driver needs: THR, LSR and inert others. */
#include <stdio.h>
#include "hv/vuart.h"
#include "hv/hypercall_abi.h"
#include "hv/safe_text.h"

#define REG_THR		0
#define REG_LSR		5
#define  LSR_THRE_TEMT	0x60
#define LINE_MAX	160

static char line[LINE_MAX];
static unsigned line_len;

void vuart_flush(void)
{
	if (!line_len)
		return;
	printf("guest: %.*s\n", (int)line_len, line);
	line_len = 0;
}

static void vuart_putc(char c)
{
	if (c == '\n') {
		if (!line_len)
			printf("guest:\n");
		vuart_flush();
		return;
	}
	if (c == '\r')
		return;
	if (line_len == LINE_MAX)
		vuart_flush();
	line[line_len++] = safe_text_char(c);
}

bool vuart_io(uint16_t port, bool in, uint8_t size, uint32_t *val)
{
	unsigned reg;

	if (!vuart_port(port))
		return false;
	reg = port - GUEST_COM1;
	if (in) {
		*val = reg == REG_LSR ? LSR_THRE_TEMT : 0;
		return true;
	}
	if (reg == REG_THR && size == 1)
		vuart_putc((char)*val);
	return true;
}
