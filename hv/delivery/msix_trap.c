/* msix=trap: the MSI-X table and PBA pages are not mapped in the guest;
 * every access exits and is emulated by the virtual MSI-X state machine
 * (hv/vmsix.c), which routes each entry through the delivery mode. */
#include <stddef.h>
#include "hv/delivery/delivery.h"

static int trap_usable(const struct guest *g, const struct delivery_mode *m, char *why,
		       unsigned len)
{
	(void)g; (void)m; (void)why; (void)len;
	return 0;
}

const struct msix_mode_ops msix_trap_ops = {
	.name = "trap",
	.usable = trap_usable,
};
