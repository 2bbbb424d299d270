/* Choosing and starting a delivery mode (see delivery.h). */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include "hv/delivery/delivery.h"
#include "hv/guest.h"

const struct msix_mode_ops *delivery_msix_ops(enum opt_msix v)
{
	return v == OPT_MSIX_MAP ? &msix_map_ops : &msix_trap_ops;
}

const struct delivery_ops *delivery_ops_for(enum opt_delivery v)
{
	switch (v) {
	case OPT_DELIVERY_DIRECT:
		return &delivery_direct_ops;
	case OPT_DELIVERY_POSTED:
		return &delivery_posted_ops;
	default:
		return &delivery_inject_ops;
	}
}

const struct eoi_ops *delivery_eoi_ops(enum opt_eoi v)
{
	switch (v) {
	case OPT_EOI_PV:
		return &eoi_pv_ops;
	case OPT_EOI_HW:
		return &eoi_hw_ops;
	default:
		return &eoi_trap_ops;
	}
}

/* "key=value: reason" from a mode's own reason. */
static int refused(const char *key, const char *val, const char *reason, char *why,
		   unsigned len)
{
	char tmp[200];

	snprintf(tmp, sizeof(tmp), "%s", reason);
	snprintf(why, len, "%s=%s: %s", key, val, tmp);
	return -ENODEV;
}

int delivery_select(const struct guest *g, enum opt_msix msix, enum opt_delivery dl,
		    enum opt_eoi eoi, struct delivery_mode *m, char *why, unsigned len)
{
	struct delivery_mode c = {
		.msix = delivery_msix_ops(msix), .delivery = delivery_ops_for(dl),
		.eoi = delivery_eoi_ops(eoi),
	};
	char reason[200];

	if (c.delivery->usable(g, &c, reason, sizeof(reason)))
		return refused("delivery", c.delivery->name, reason, why, len);
	if (c.eoi->usable(g, &c, reason, sizeof(reason)))
		return refused("eoi", c.eoi->name, reason, why, len);
	if (c.msix->usable(g, &c, reason, sizeof(reason)))
		return refused("msix", c.msix->name, reason, why, len);
	*m = c;
	return 0;
}

int delivery_start(struct guest *g, const struct delivery_mode *m, char *why, unsigned len)
{
	int err = m->delivery->start ? m->delivery->start(g, why, len) : 0;

	if (err)
		return err;
	err = m->eoi->start ? m->eoi->start(g, why, len) : 0;
	if (!err && m->msix->start && g->pt.active)
		err = m->msix->start(&g->pt, why, len);
	if (err) {
		if (m->eoi->stop)
			m->eoi->stop(g);
		if (m->delivery->stop)
			m->delivery->stop(g);
	}
	return err;
}

void delivery_stop(struct guest *g, struct delivery_mode *m)
{
	if (!m->delivery)
		return;
	if (m->msix->stop && g->pt.active)
		m->msix->stop(&g->pt);
	if (m->eoi->stop)
		m->eoi->stop(g);
	if (m->delivery->stop)
		m->delivery->stop(g);
	*m = (struct delivery_mode){ 0 };
}

bool delivery_matches(const struct delivery_mode *m, enum opt_msix msix,
		      enum opt_delivery dl, enum opt_eoi eoi)
{
	return m->delivery && m->msix == delivery_msix_ops(msix) &&
	       m->delivery == delivery_ops_for(dl) && m->eoi == delivery_eoi_ops(eoi);
}

int delivery_check_options(const struct guest *g, struct hv_options *o,
			   const struct hv_options *keep, const char *who)
{
	struct delivery_mode m;
	char why[240];

	if (!delivery_select(g, o->msix, o->delivery, o->eoi, &m, why, sizeof(why)))
		return 0;
	printf("%s: %s; msix=%s delivery=%s eoi=%s stay\n", who, why,
	       delivery_msix_ops(keep->msix)->name, delivery_ops_for(keep->delivery)->name,
	       delivery_eoi_ops(keep->eoi)->name);
	o->msix = keep->msix;
	o->delivery = keep->delivery;
	o->eoi = keep->eoi;
	return -ENODEV;
}

/* One line per value of one option, the other two as o has them. */
static void info_values(const struct guest *g, const struct hv_options *o, const char *key,
			unsigned nval)
{
	struct delivery_mode m;
	char why[240];
	unsigned v;

	for (v = 0; v < nval; v++) {
		enum opt_msix msix = o->msix;
		enum opt_delivery dl = o->delivery;
		enum opt_eoi eoi = o->eoi;
		const char *name;

		if (key[0] == 'm') {
			msix = (enum opt_msix)v;
			name = delivery_msix_ops(msix)->name;
		} else if (key[0] == 'd') {
			dl = (enum opt_delivery)v;
			name = delivery_ops_for(dl)->name;
		} else {
			eoi = (enum opt_eoi)v;
			name = delivery_eoi_ops(eoi)->name;
		}
		if (delivery_select(g, msix, dl, eoi, &m, why, sizeof(why)))
			printf("  %s=%s: cannot run here: %s\n", key, name, why);
		else
			printf("  %s=%s: can run\n", key, name);
	}
}

void delivery_info(const struct guest *g, const struct hv_options *o)
{
	printf("mode: msix=%s delivery=%s eoi=%s asked", delivery_msix_ops(o->msix)->name,
	       delivery_ops_for(o->delivery)->name, delivery_eoi_ops(o->eoi)->name);
	if (g->mode.delivery)
		printf(", the guest runs msix=%s delivery=%s eoi=%s", g->mode.msix->name,
		       g->mode.delivery->name, g->mode.eoi->name);
	printf("; each value with the other two as asked:\n");
	info_values(g, o, "msix", 2);
	info_values(g, o, "delivery", 3);
	info_values(g, o, "eoi", 3);
}
