/*
 * MSI-X (PCI Local Bus 3.0 6.8.2, PCIe 5.0 6.1.4). Table and PBA live in
 * memory BARs, so memory decode must be on before they are touched; entries
 * are written with dword accesses only (6.8.3.1 allows dword or qword, and
 * some devices mishandle qwords).
 */
#include <errno.h>

#include "drivers/msix.h"

void msix_compat_msg(uint32_t apic_id, uint8_t vector, uint64_t *addr, uint32_t *data)
{
	*addr = MSI_ADDR_BASE | FIELD_PREP(MSI_ADDR_DEST_ID, apic_id);
	*data = (uint32_t)FIELD_PREP(MSI_DATA_VECTOR, vector);
}

void msix_entry_encode(union msix_entry *e, uint64_t addr, uint32_t data, bool masked)
{
	e->dw[0] = (uint32_t)addr;
	e->dw[1] = (uint32_t)(addr >> 32);
	e->dw[2] = data;
	e->dw[3] = masked ? MSIX_ENTRY_CTRL_MASKBIT : 0;
}

static bool msix_range_fits(uint64_t off, uint64_t len, uint64_t bar_size)
{
	return off <= bar_size && len <= bar_size - off;
}

int msix_layout_check(const struct pci_dev *d, uint64_t table_bar_size,
		      uint64_t pba_bar_size)
{
	uint64_t tlen = (uint64_t)d->msix_table_size * PCI_MSIX_ENTRY_SIZE;
	/* PBA: one bit per vector in whole qwords (PCI 3.0 6.8.2.5). */
	uint64_t plen = ALIGN_UP(d->msix_table_size, 64) / 8;

	if (!d->msix_table_size)
		return -ERANGE;
	if (!msix_range_fits(d->msix_table_off, tlen, table_bar_size) ||
	    !msix_range_fits(d->msix_pba_off, plen, pba_bar_size))
		return -ERANGE;
	if (d->msix_table_bir == d->msix_pba_bir &&
	    d->msix_table_off < d->msix_pba_off + plen &&
	    d->msix_pba_off < d->msix_table_off + tlen)
		return -ERANGE;
	return 0;
}

static int msix_bar(const struct msix *m, unsigned bir, uint64_t *base, uint64_t *size)
{
	bool mmio64;
	int err = pci_bar_decode(m->ops, &m->dev, bir, base, size, &mmio64);

	if (err)
		return err;
	return *base ? 0 : -ENXIO;	/* firmware left it unassigned */
}

int msix_init(struct msix *m, const struct pci_cfg_ops *ops, const struct pci_dev *d)
{
	uint64_t tbase, tsize, pbase, psize;
	int err;

	m->ops = ops;
	m->dev = *d;
	if (!d->msix_cap)
		return -ENODEV;
	err = msix_bar(m, d->msix_table_bir, &tbase, &tsize);
	if (!err)
		err = msix_bar(m, d->msix_pba_bir, &pbase, &psize);
	if (!err)
		err = msix_layout_check(d, tsize, psize);
	if (err)
		return err;
	m->nvec = d->msix_table_size;
	m->table_pa = tbase + d->msix_table_off;
	m->pba_pa = pbase + d->msix_pba_off;
	m->table = (volatile uint32_t *)(uintptr_t)m->table_pa;
	m->pba = (volatile uint32_t *)(uintptr_t)m->pba_pa;
	return pci_command_update(ops, d, 0, PCI_COMMAND_MEMORY);
}

uint16_t msix_ctrl_read(const struct msix *m)
{
	return (uint16_t)(pci_cfg_read32(m->ops, &m->dev, m->dev.msix_cap) >> 16);
}

int msix_ctrl_update(struct msix *m, uint16_t clear, uint16_t set)
{
	uint32_t dw0 = pci_cfg_read32(m->ops, &m->dev, m->dev.msix_cap);
	uint16_t ctrl = (uint16_t)(dw0 >> 16);

	ctrl = (uint16_t)((ctrl & ~clear) | set);
	/* The low half (ID, next pointer) is read-only: writing it back is safe. */
	return pci_cfg_write32(m->ops, &m->dev, m->dev.msix_cap,
			       (uint32_t)ctrl << 16 | (dw0 & 0xffff));
}

static volatile uint32_t *msix_entry_ptr(const struct msix *m, unsigned i)
{
	return m->table + (size_t)i * (PCI_MSIX_ENTRY_SIZE / 4);
}

int msix_entry_mask(struct msix *m, unsigned i, bool masked)
{
	volatile uint32_t *e;
	uint32_t ctrl;

	if (i >= m->nvec)
		return -EINVAL;
	e = msix_entry_ptr(m, i);
	ctrl = e[MSIX_ENTRY_CTRL / 4];
	ctrl = masked ? ctrl | MSIX_ENTRY_CTRL_MASKBIT : ctrl & ~MSIX_ENTRY_CTRL_MASKBIT;
	e[MSIX_ENTRY_CTRL / 4] = ctrl;	/* other bits reserved: preserved */
	(void)e[MSIX_ENTRY_CTRL / 4];	/* flush the posted write */
	return 0;
}

int msix_entry_write(struct msix *m, unsigned i, uint64_t addr, uint32_t data)
{
	volatile uint32_t *e;
	union msix_entry v;
	int err = msix_entry_mask(m, i, true);

	if (err)
		return err;
	msix_entry_encode(&v, addr, data, true);
	e = msix_entry_ptr(m, i);
	e[MSIX_ENTRY_ADDR_LO / 4] = v.dw[0];
	e[MSIX_ENTRY_ADDR_HI / 4] = v.dw[1];
	e[MSIX_ENTRY_DATA / 4] = v.dw[2];
	(void)e[MSIX_ENTRY_DATA / 4];
	return 0;
}

int msix_entry_read(const struct msix *m, unsigned i, union msix_entry *v)
{
	volatile uint32_t *e;
	unsigned k;

	if (i >= m->nvec)
		return -EINVAL;
	e = msix_entry_ptr(m, i);
	for (k = 0; k < 4; k++)
		v->dw[k] = e[k];
	return 0;
}

int msix_pending(const struct msix *m, unsigned i)
{
	if (i >= m->nvec)
		return -EINVAL;
	return (m->pba[i / 32] >> (i % 32)) & 1;
}
