/*
 * Virtual MSI-X state machine (PCI Local Bus 3.0 6.8.2, 6.8.3.5;
 * PCIe base spec 7.7.2). The guest's message is only recorded on a write;
 * it reaches the IRTE when the entry goes from effectively masked to
 * unmasked, while it is still physically masked, so no half-written message
 * is ever live. An interrupt that arrives while the guest cannot take it
 * becomes the virtual pending bit and is delivered once on the unmask.
 */
#include <errno.h>

#include "drivers/msix.h"
#include "hv/vmsix.h"

#define ALL_ONES(size)	((size) == 8 ? ~0ULL : 0xffffffffULL)

static bool vmsix_eff_masked(const struct vmsix *m, const struct vmsix_entry *e)
{
	return !m->enabled || m->fmask || e->masked;
}

/* Aligned dword or qword fully inside [0, limit). */
static bool vmsix_access_ok(uint32_t offset, uint8_t size, uint32_t limit)
{
	if (size != 4 && size != 8)
		return false;
	return IS_ALIGNED(offset, size) && offset < limit && limit - offset >= size;
}

/*
 * Effectively masked -> unmasked. Route while still physically masked. If
 * the device holds a message (PBA), unmasking makes it send it itself (PCI
 * 3.0 6.8.3.5) and that arrival through vmsix_fire is the one delivery, so
 * the virtual bit merges into it; otherwise the virtual bit is delivered here.
 */
static int vmsix_go_live(struct vmsix *m, unsigned i)
{
	struct vmsix_entry *e = &m->e[i];
	bool held;
	int ret;

	if (!e->routed) {
		ret = m->ops->route(m->ctx, i, e->addr, e->data);
		if (ret < 0) {
			m->stats.refused++;
			return ret;	/* stays physically masked, pending kept */
		}
		e->routed = true;
		m->stats.routes++;
	}
	held = m->ops->phys_pending(m->ctx, i);
	m->ops->mask(m->ctx, i, false);
	e->live = true;
	if (e->pending) {
		e->pending = false;
		if (!held) {
			m->stats.deliveries++;
			m->ops->deliver(m->ctx, i);
		}
	}
	return 0;
}

static void vmsix_go_dead(struct vmsix *m, unsigned i)
{
	m->ops->mask(m->ctx, i, true);
	m->e[i].live = false;
}

/* Bring entry i's physical mask in line with its effective mask. An entry
 * refused by route is retried whenever this runs for it. */
static int vmsix_sync(struct vmsix *m, unsigned i)
{
	struct vmsix_entry *e = &m->e[i];

	if (vmsix_eff_masked(m, e)) {
		if (e->live)
			vmsix_go_dead(m, i);
		return 0;
	}
	return e->live ? 0 : vmsix_go_live(m, i);
}

static int vmsix_sync_all(struct vmsix *m)
{
	int ret, first = 0;
	unsigned i;

	for (i = 0; i < m->nvec; i++) {
		ret = vmsix_sync(m, i);
		if (ret < 0 && first == 0)
			first = ret;
	}
	return first;
}

/* Every entry was masked by alloc_all and its IRTE is new: nothing routed. */
static int vmsix_enable(struct vmsix *m)
{
	unsigned i;
	int ret;

	ret = m->ops->alloc_all(m->ctx, m->nvec);
	if (ret < 0) {
		m->stats.refused++;
		return ret;
	}
	for (i = 0; i < m->nvec; i++) {
		m->e[i].routed = false;
		m->e[i].live = false;
	}
	m->enabled = true;
	return 0;
}

/* Mask every live entry before anything is freed; what the device still
 * holds becomes virtual pending, so the disable loses no interrupt. */
static void vmsix_disable(struct vmsix *m)
{
	unsigned i;

	m->enabled = false;
	vmsix_sync_all(m);	/* only masks: cannot fail */
	for (i = 0; i < m->nvec; i++) {
		if (m->ops->phys_pending(m->ctx, i))
			m->e[i].pending = true;
		m->e[i].routed = false;
	}
	m->ops->free_all(m->ctx, m->nvec);
}

int vmsix_init(struct vmsix *m, unsigned nvec, struct vmsix_entry *storage,
	       const struct vmsix_ops *ops, void *ctx)
{
	unsigned i;

	if (!m || !storage || !ops || nvec == 0 || nvec > VMSIX_MAX_VEC)
		return -EINVAL;
	if (!ops->alloc_all || !ops->free_all || !ops->route || !ops->mask ||
	    !ops->phys_pending || !ops->deliver)
		return -EINVAL;
	*m = (struct vmsix){ .nvec = nvec, .e = storage, .ops = ops, .ctx = ctx };
	for (i = 0; i < nvec; i++)
		storage[i] = (struct vmsix_entry){ .masked = true };
	return 0;
}

static bool vmsix_fn_masked(const struct vmsix *m)
{
	return !m->enabled || m->fmask;
}

static int vmsix_ctrl_apply(struct vmsix *m, uint16_t value)
{
	bool enable = value & PCI_MSIX_CTRL_ENABLE;
	int ret;

	m->fmask = value & PCI_MSIX_CTRL_MASKALL;	/* table size is RO */
	if (enable && !m->enabled) {
		ret = vmsix_enable(m);
		if (ret < 0)
			return ret;
	} else if (!enable && m->enabled) {
		vmsix_disable(m);
		return 0;
	}
	return vmsix_sync_all(m);
}

/* fn_mask on every write, not only on a change: whoever else touched the
 * device's Message Control meanwhile (the hv's native work) is undone. */
int vmsix_ctrl_write(struct vmsix *m, uint16_t value)
{
	int ret;

	m->stats.traps++;
	ret = vmsix_ctrl_apply(m, value);
	if (m->ops->fn_mask)
		m->ops->fn_mask(m->ctx, vmsix_fn_masked(m));
	return ret;
}

uint16_t vmsix_ctrl_read(const struct vmsix *m)
{
	uint16_t v = (uint16_t)FIELD_PREP(PCI_MSIX_CTRL_SIZE, m->nvec - 1);

	if (m->enabled)
		v |= PCI_MSIX_CTRL_ENABLE;
	if (m->fmask)
		v |= PCI_MSIX_CTRL_MASKALL;
	return v;
}

/* A changed message is only recorded: it is routed on the next unmask, so a
 * live entry keeps its old IRTE until the guest masks it (6.8.3.5). */
static void vmsix_set_msg(struct vmsix_entry *e, uint64_t addr, uint32_t data)
{
	if (addr != e->addr || data != e->data)
		e->routed = false;
	e->addr = addr;
	e->data = data;
}

static int vmsix_write_dw(struct vmsix *m, unsigned i, uint32_t reg, uint32_t v)
{
	struct vmsix_entry *e = &m->e[i];

	switch (reg) {
	case MSIX_ENTRY_ADDR_LO:
		vmsix_set_msg(e, (e->addr & GENMASK(63, 32)) | (v & ~3u), e->data);
		return 0;
	case MSIX_ENTRY_ADDR_HI:
		vmsix_set_msg(e, (e->addr & GENMASK(31, 0)) | (uint64_t)v << 32, e->data);
		return 0;
	case MSIX_ENTRY_DATA:
		vmsix_set_msg(e, e->addr, v);
		return 0;
	default:	/* vector control: only the mask bit is writable */
		e->masked = v & MSIX_ENTRY_CTRL_MASKBIT;
		return vmsix_sync(m, i);
	}
}

static uint32_t vmsix_read_dw(const struct vmsix_entry *e, uint32_t reg)
{
	switch (reg) {
	case MSIX_ENTRY_ADDR_LO:
		return (uint32_t)e->addr;
	case MSIX_ENTRY_ADDR_HI:
		return (uint32_t)(e->addr >> 32);
	case MSIX_ENTRY_DATA:
		return e->data;
	default:
		return e->masked ? MSIX_ENTRY_CTRL_MASKBIT : 0;
	}
}

/* A qword is two dwords in address order: low half first, as a device
 * splitting the TLP would, so data is in place before a control unmask. */
int vmsix_table_write(struct vmsix *m, uint32_t offset, uint8_t size, uint64_t value)
{
	unsigned i = offset / PCI_MSIX_ENTRY_SIZE;
	uint32_t reg = offset % PCI_MSIX_ENTRY_SIZE;
	int ret;

	m->stats.traps++;
	if (!vmsix_access_ok(offset, size, m->nvec * PCI_MSIX_ENTRY_SIZE)) {
		m->stats.refused++;
		return -EINVAL;
	}
	ret = vmsix_write_dw(m, i, reg, (uint32_t)value);
	if (size == 8) {
		int hi = vmsix_write_dw(m, i, reg + 4, (uint32_t)(value >> 32));

		if (ret == 0)
			ret = hi;
	}
	return ret;
}

int vmsix_table_read(const struct vmsix *m, uint32_t offset, uint8_t size, uint64_t *value)
{
	uint32_t reg = offset % PCI_MSIX_ENTRY_SIZE;
	const struct vmsix_entry *e;

	if (!vmsix_access_ok(offset, size, m->nvec * PCI_MSIX_ENTRY_SIZE)) {
		*value = ALL_ONES(size);
		return -EINVAL;
	}
	e = &m->e[offset / PCI_MSIX_ENTRY_SIZE];
	*value = vmsix_read_dw(e, reg);
	if (size == 8)
		*value |= (uint64_t)vmsix_read_dw(e, reg + 4) << 32;
	return 0;
}

/* The device's own PBA bits count while it is enabled: a message it holds
 * for a masked entry is pending from the guest's view too (6.8.3.5). */
static bool vmsix_pending_bit(const struct vmsix *m, unsigned i)
{
	return m->e[i].pending || (m->enabled && m->ops->phys_pending(m->ctx, i));
}

int vmsix_pba_read(const struct vmsix *m, uint32_t offset, uint8_t size, uint64_t *value)
{
	uint32_t limit = (uint32_t)ALIGN_UP(m->nvec, 64) / 8;
	unsigned bit, first = offset * 8;

	if (!vmsix_access_ok(offset, size, limit)) {
		*value = ALL_ONES(size);
		return -EINVAL;
	}
	*value = 0;
	for (bit = 0; bit < size * 8u && first + bit < m->nvec; bit++)
		if (vmsix_pending_bit(m, first + bit))
			*value |= BIT(bit);
	return 0;
}

/* Masked first, so a live entry leaves its old route before the new
 * message is recorded; the unmask then routes it as a guest's would. */
int vmsix_map_entry(struct vmsix *m, unsigned i, uint64_t addr, uint32_t data)
{
	struct vmsix_entry *e;
	int ret;

	if (i >= m->nvec)
		return -EINVAL;
	e = &m->e[i];
	e->masked = true;
	vmsix_sync(m, i);	/* only masks: cannot fail */
	vmsix_set_msg(e, addr, data);
	e->masked = false;
	ret = vmsix_sync(m, i);
	if (ret < 0)
		e->masked = true;
	return ret;
}

/* Live implies effectively unmasked and routed once; anything else pends,
 * including an entry whose route was refused. */
void vmsix_fire(struct vmsix *m, unsigned i)
{
	struct vmsix_entry *e;

	if (i >= m->nvec) {
		m->stats.refused++;
		return;
	}
	e = &m->e[i];
	if (e->live && !vmsix_eff_masked(m, e)) {
		m->stats.deliveries++;
		m->ops->deliver(m->ctx, i);
		return;
	}
	e->pending = true;
	m->stats.pended++;
}
