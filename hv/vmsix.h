/*
 * Virtual MSI-X of the assigned function in msix=trap mode (PCI Local Bus
 * 3.0 6.8.2, PCIe base spec 7.7.2): the guest's Message Control, table and
 * PBA as pure logic. Physical effects go through struct vmsix_ops, so this
 * file never touches hardware and is unit-tested on the host.
 *
 * Every vector is allocated when the guest sets Enable (seed thread 004), so
 * an unmask never needs a resource and never fails for lack of one. An entry
 * is effectively masked when MSI-X is off, the function is masked or the
 * entry is masked; only effectively unmasked entries are physically unmasked.
 */
#ifndef HV_VMSIX_H
#define HV_VMSIX_H

#include <stdbool.h>
#include <stdint.h>

/* Largest table a function can declare (PCI_MSIX_CTRL_SIZE + 1). */
#define VMSIX_MAX_VEC	2048u

struct vmsix_ops {
	/* Enable went 0->1: a host vector + IRTE for every entry, all or
	 * nothing, every physical entry programmed masked. <0 fails the enable. */
	int (*alloc_all)(void *ctx, unsigned nvec);
	/* Enable went 1->0: release everything (entries already masked). */
	void (*free_all)(void *ctx, unsigned nvec);
	/* Rewrite entry i's IRTE for the guest's message; called only while
	 * the entry is physically masked. -EINVAL: undeliverable message. */
	int (*route)(void *ctx, unsigned i, uint64_t addr, uint32_t data);
	/* Physical mask (true) or unmask of entry i. */
	void (*mask)(void *ctx, unsigned i, bool masked);
	/* Physical PBA bit of entry i: the device holds a message that it sends
	 * by itself when the entry is unmasked (PCI 3.0 6.8.3.5). */
	bool (*phys_pending)(void *ctx, unsigned i);
	/* Inject entry i's message into the guest now. */
	void (*deliver)(void *ctx, unsigned i);
	/* Optional (msix=map): after every control write, whether the
	 * function as a whole is masked (MSI-X off or Function Mask set),
	 * once the entries were synced and, on disable, freed. The guest's
	 * table is the device's there, so only the physical Function Mask
	 * can hold its entries. */
	void (*fn_mask)(void *ctx, bool masked);
};

struct vmsix_entry {
	uint64_t addr;		/* as the guest wrote it, [1:0] zero */
	uint32_t data;
	bool masked;		/* guest's vector control mask bit */
	bool pending;		/* virtual pending bit */
	bool routed;		/* IRTE holds addr/data as they are now */
	bool live;		/* physically unmasked */
};

struct vmsix {
	unsigned nvec;
	bool enabled, fmask;
	struct vmsix_entry *e;
	const struct vmsix_ops *ops;
	void *ctx;
	struct {
		/* traps: ctrl and table writes (reads are const: the caller
		 * counts them); refused: rejected accesses, undeliverable
		 * messages, failed enables and out-of-range fires. */
		uint64_t traps, routes, deliveries, pended, refused;
	} stats;
};

/* Reset state (PCI 3.0 6.8.2.9: mask bits set after reset): MSI-X off, all
 * entries masked with address/data 0. nvec 1..VMSIX_MAX_VEC; 0 or -EINVAL. */
int vmsix_init(struct vmsix *m, unsigned nvec, struct vmsix_entry *storage,
	       const struct vmsix_ops *ops, void *ctx);
/* Guest write of the whole Message Control word; only Enable and Function
 * Mask are writable. 0; the alloc_all error (Enable stays 0); or the first
 * route error (the write took effect, that entry stays physically masked). */
int vmsix_ctrl_write(struct vmsix *m, uint16_t value);
/* Message Control as the guest reads it: Enable, Function Mask, table size. */
uint16_t vmsix_ctrl_read(const struct vmsix *m);
/* Trapped table write: aligned dword or qword within the table. 0, -EINVAL
 * (bad access, ignored) or a route error as for vmsix_ctrl_write. A new
 * message for an unmasked entry takes effect on its next unmask (6.8.3.5). */
int vmsix_table_write(struct vmsix *m, uint32_t offset, uint8_t size, uint64_t value);
/* Trapped table read: what the guest wrote. -EINVAL and all ones if bad. */
int vmsix_table_read(const struct vmsix *m, uint32_t offset, uint8_t size, uint64_t *value);
/* Trapped PBA read: virtual pending bits, plus the device's while enabled.
 * -EINVAL and all ones if bad. */
int vmsix_pba_read(const struct vmsix *m, uint32_t offset, uint8_t size, uint64_t *value);
/* msix=map: the hv sets entry i's message on the guest's behalf (the
 * guest writes the device's table itself) and unmasks it virtually, so
 * it is routed now, or when the function is next unmasked. 0, -EINVAL
 * for i beyond the table, or the route error (the entry stays virtually
 * masked: what arrives for it pends). */
int vmsix_map_entry(struct vmsix *m, unsigned i, uint64_t addr, uint32_t data);
/* Entry i's physical interrupt reached the hv: deliver it, or set the
 * virtual pending bit if the guest cannot take it now. Exactly once. */
void vmsix_fire(struct vmsix *m, unsigned i);

#endif
