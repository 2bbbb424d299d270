/* Placeholder while issue 10 builds this mode: it refuses to run. */
#include <errno.h>
#include <stdio.h>
#include "hv/delivery/delivery.h"

static int unbuilt_usable(const struct guest *g, const struct delivery_mode *m, char *why,
			  unsigned len)
{
	(void)g; (void)m;
	snprintf(why, len, "not built yet (issue 10)");
	return -ENODEV;
}

const struct eoi_ops eoi_hw_ops = {
	.name = "hw",
	.usable = unbuilt_usable,
};
