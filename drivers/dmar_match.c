/*
 * Which DRHD translates a device (VT-d 8.3.1, 8.3.2): scope paths name
 * devices by the route from a start bus through bridges, so they are
 * resolved against the firmware-programmed bus numbers at lookup time.
 */
#include <errno.h>

#include "drivers/dmar.h"

/* Follow s's path from start_bus through each bridge but the last hop;
 * *bus is the bus the last hop sits on. */
static int dmar_scope_bus(const struct dmar_scope *s, const struct dmar_topo_ops *topo,
			  uint16_t seg, uint8_t *bus)
{
	uint8_t b = s->start_bus, sec, sub;
	unsigned k;
	int ret;

	for (k = 0; k + 1 < s->path_len; k++) {
		if (!topo || !topo->bridge_buses)
			return -ENOENT;
		ret = topo->bridge_buses(topo->ctx, seg, b, s->path[k].dev, s->path[k].fn,
					 &sec, &sub);
		if (ret < 0)
			return ret;
		if (!sec)	/* bridge not configured: path leads nowhere */
			return -ENOENT;
		b = sec;
	}
	*bus = b;
	return 0;
}

/* Does PCI scope s (endpoint or bridge) cover seg:bus:dev.fn? A bridge scope
 * covers the bridge and every bus from its secondary to its subordinate. */
static bool dmar_scope_covers(const struct dmar_scope *s, const struct dmar_topo_ops *topo,
			      uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint8_t sbus, sec, sub, ldev, lfn;

	if ((s->type != DMAR_SCOPE_ENDPOINT && s->type != DMAR_SCOPE_BRIDGE) ||
	    !s->path_len || dmar_scope_bus(s, topo, seg, &sbus))
		return false;
	ldev = s->path[s->path_len - 1].dev;
	lfn = s->path[s->path_len - 1].fn;
	if (sbus == bus && ldev == dev && lfn == fn)
		return true;
	if (s->type != DMAR_SCOPE_BRIDGE || !topo || !topo->bridge_buses ||
	    topo->bridge_buses(topo->ctx, seg, sbus, ldev, lfn, &sec, &sub) < 0)
		return false;
	return sec && sec <= sub && bus >= sec && bus <= sub;
}

/* Does one of the n scopes from first (a unit's or an RMRR's) cover the device? */
static bool dmar_scopes_cover(const struct dmar_info *di, unsigned first, unsigned n,
			      const struct dmar_topo_ops *topo, uint16_t seg, uint8_t bus,
			      uint8_t dev, uint8_t fn)
{
	unsigned k;

	for (k = 0; k < n; k++)
		if (dmar_scope_covers(&di->scopes[first + k], topo, seg, bus, dev, fn))
			return true;
	return false;
}

int dmar_unit_for_device(const struct dmar_info *di, const struct dmar_topo_ops *topo,
			 uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	const struct dmar_unit *u;
	unsigned i;

	for (i = 0; i < di->nunits; i++) {
		u = &di->units[i];
		if (u->segment == seg && !u->include_all &&
		    dmar_scopes_cover(di, u->first_scope, u->nscopes, topo, seg, bus, dev, fn))
			return (int)i;
	}
	for (i = 0; i < di->nunits; i++)
		if (di->units[i].segment == seg && di->units[i].include_all)
			return (int)i;
	return -ENOENT;
}

int dmar_rmrr_for_device(const struct dmar_info *di, const struct dmar_topo_ops *topo,
			 uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn)
{
	const struct dmar_rmrr *r;
	unsigned i;

	for (i = 0; i < di->nrmrr; i++) {
		r = &di->rmrr[i];
		if (r->segment == seg &&
		    dmar_scopes_cover(di, r->first_scope, r->nscopes, topo, seg, bus, dev, fn))
			return (int)i;
	}
	return -ENOENT;
}

/* Unit with a scope of this type and enumeration id, or -ENOENT. */
static int dmar_unit_for_id(const struct dmar_info *di, uint8_t type, uint8_t id)
{
	const struct dmar_scope *s;
	unsigned i, k;

	for (i = 0; i < di->nunits; i++)
		for (k = 0; k < di->units[i].nscopes; k++) {
			s = &di->scopes[di->units[i].first_scope + k];
			if (s->type == type && s->enum_id == id)
				return (int)i;
		}
	return -ENOENT;
}

int dmar_unit_for_ioapic(const struct dmar_info *di, uint8_t ioapic_id)
{
	return dmar_unit_for_id(di, DMAR_SCOPE_IOAPIC, ioapic_id);
}

int dmar_unit_for_hpet(const struct dmar_info *di, uint8_t hpet_id)
{
	return dmar_unit_for_id(di, DMAR_SCOPE_HPET, hpet_id);
}
