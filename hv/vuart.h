/* The guest's serial port: a trapped 16550 at COM1 whose output appears on
 * the hv console line by line, prefixed "guest: ". */
#ifndef HV_VUART_H
#define HV_VUART_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/hypercall_abi.h"

#define VUART_PORTS	8	/* COM1's registers, from GUEST_COM1 */

/* Whether port is one of the virtual UART's (for the exit path's port
 * dispatch: no call for the other ports). */
static inline bool vuart_port(uint16_t port)
{
	return port >= GUEST_COM1 && port < GUEST_COM1 + VUART_PORTS;
}

/* Emulate an access; false when port is not the virtual UART's. */
bool vuart_io(uint16_t port, bool in, uint8_t size, uint32_t *val);
/* Print what the guest wrote without a newline yet. */
void vuart_flush(void);

#endif
