/* VT-d DMA remapping structures (VT-d 3.4-3.6, 9.1, 9.3, 9.8). Second-level
 * levels are numbered as in the walk: 5/4 = top, 3 = 1 GiB entries, 2 =
 * 2 MiB entries, 1 = 4 KiB leaves. */
#include <errno.h>
#include <stddef.h>

#include "drivers/bits.h"
#include "drivers/vtd_dma.h"
#include "drivers/vtd_regs.h"

/* Non-leaf entries grant read and write; the leaf restricts (VT-d 3.6:
 * the effective permission is the AND over the walk). */
#define SL_TABLE_FLAGS	(VTD_SL_R | VTD_SL_W)
#define SL_PRESENT	(VTD_SL_R | VTD_SL_W)
#define PA_LIMIT	BIT(52)

static unsigned level_shift(unsigned level)
{
	return 12 + 9 * (level - 1);
}

static uint64_t level_size(unsigned level)
{
	return BIT(level_shift(level));
}

/* IOVA bits a table tree of this many levels translates: 39, 48, 57. */
static unsigned levels_width(unsigned levels)
{
	return level_shift(levels) + 9;
}

static unsigned sl_index(uint64_t iova, unsigned level)
{
	return (unsigned)((iova >> level_shift(level)) & (VTD_SL_ENTRIES - 1));
}

/* PS is only defined at levels 3 and 2; above it is reserved, below it
 * is ignored (VT-d 9.8). */
static bool sl_is_leaf(uint64_t e, unsigned level)
{
	return level == 1 || ((level == 2 || level == 3) && (e & VTD_SL_PS));
}

static union vtd_sl_entry *sl_table(const struct vtd_domain *d, uint64_t pa)
{
	return d->mem.phys_to_virt(d->mem.ctx, pa);
}

/* Hardware may walk live tables at any time: an entry goes in with one
 * 64-bit store, after everything it points to (a zeroed table, the other
 * half of a context entry) is in place. */
static void entry_publish(uint64_t *e, uint64_t v)
{
	__atomic_store_n(e, v, __ATOMIC_RELEASE);
}

/* Largest level whose page SLLPS allows and iova, pa and left fit. */
static unsigned leaf_level(const struct vtd_domain *d, uint64_t iova,
			   uint64_t pa, uint64_t left)
{
	unsigned level;

	for (level = 3; level > 1; level--) {
		uint64_t sz = level_size(level);

		/* SLLPS bit 0 = 2 MiB (level 2), bit 1 = 1 GiB (level 3) */
		if ((d->sllps & BIT(level - 2)) && IS_ALIGNED(iova | pa, sz) &&
		    left >= sz)
			return level;
	}
	return 1;
}

/* Map one page (or confirm it is already mapped the same way) at iova;
 * *step says how many bytes were covered. */
static int sl_map_chunk(struct vtd_domain *d, uint64_t iova, uint64_t pa,
			uint64_t left, uint64_t perm, uint64_t *step)
{
	unsigned want = leaf_level(d, iova, pa, left);
	uint64_t table = d->root_pa;
	unsigned level;

	for (level = d->levels; level > 0; level--) {
		uint64_t *e = &sl_table(d, table)[sl_index(iova, level)].raw;
		uint64_t v = *e;

		if (level == want) {
			uint64_t leaf = (pa & VTD_SL_ADDR) | perm |
					(level > 1 ? VTD_SL_PS : 0);

			if (!(v & SL_PRESENT))
				entry_publish(e, leaf);
			else if (v != leaf && sl_is_leaf(v, level))
				return -EEXIST;
			if (!(v & SL_PRESENT) || v == leaf) {
				*step = level_size(level);
				return 0;
			}
			want--;	/* a table sits here: use smaller pages */
		}
		if (!(v & SL_PRESENT)) {
			uint64_t next;
			int ret = d->mem.alloc_page(d->mem.ctx, &next);

			if (ret)
				return ret;
			d->pages++;
			entry_publish(e, (next & VTD_SL_ADDR) | SL_TABLE_FLAGS);
			table = next;
			continue;
		}
		if (sl_is_leaf(v, level)) {
			/* a larger page covers iova: fine if it says the same */
			uint64_t sz = level_size(level), off = iova & (sz - 1);

			if ((v & ~VTD_SL_ADDR) != (perm | VTD_SL_PS) ||
			    (v & VTD_SL_ADDR) + off != pa)
				return -EEXIST;
			*step = sz - off < left ? sz - off : left;
			return 0;
		}
		table = v & VTD_SL_ADDR;
	}
	return -EFAULT;	/* not reached: level 1 always takes the leaf */
}

int vtd_domain_init(struct vtd_domain *d, const struct vtd_mem_ops *mem,
		    uint64_t cap, uint16_t did, uint64_t max_gpa)
{
	static const unsigned order[] = { 4, 3, 5 };
	unsigned sagaw = (unsigned)FIELD_GET(VTD_CAP_SAGAW, cap);
	unsigned mgaw = (unsigned)FIELD_GET(VTD_CAP_MGAW, cap) + 1;
	unsigned did_bits = 4 + 2 * (unsigned)FIELD_GET(VTD_CAP_ND, cap);
	unsigned levels = 0, i;
	int ret;

	if (!(sagaw & (VTD_SAGAW_39 | VTD_SAGAW_48 | VTD_SAGAW_57)))
		return -ENODEV;
	if (mgaw < 64 && max_gpa > BIT(mgaw))
		return -ERANGE;
	if (did_bits < 16 && (did >> did_bits))
		return -EINVAL;
	/* With caching mode, DID 0 tags cached not-present entries (VT-d
	 * 6.2.2): software must not use it. */
	if ((cap & VTD_CAP_CM) && did == 0)
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(order) && !levels; i++)
		if ((sagaw & BIT(order[i] - 2)) &&
		    max_gpa <= BIT(levels_width(order[i])))
			levels = order[i];
	if (!levels)
		return -ERANGE;

	d->mem = *mem;
	d->levels = levels;
	d->width = levels_width(levels) < mgaw ? levels_width(levels) : mgaw;
	d->did = did;
	d->sllps = (uint8_t)(FIELD_GET(VTD_CAP_SLLPS, cap) &
			     (VTD_SLLPS_2M | VTD_SLLPS_1G));
	d->pages = 0;
	ret = mem->alloc_page(mem->ctx, &d->root_pa);
	if (ret)
		return ret;
	d->pages = 1;
	return 0;
}

int vtd_domain_map(struct vtd_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t size, bool write)
{
	uint64_t perm = VTD_SL_R | (write ? VTD_SL_W : 0), step = 0;
	int ret;

	if (!size || !IS_ALIGNED(iova | pa | size, VTD_PAGE_SIZE))
		return -EINVAL;
	if (iova + size < iova || iova + size > BIT(d->width) ||
	    pa + size < pa || pa + size > PA_LIMIT)
		return -EINVAL;
	/* VT-d 3.14: requests to 0xFEEx_xxxx are interrupts, not DMA. */
	if (iova < VTD_MSI_WINDOW_BASE + VTD_MSI_WINDOW_SIZE &&
	    iova + size > VTD_MSI_WINDOW_BASE)
		return -EINVAL;
	while (size) {
		ret = sl_map_chunk(d, iova, pa, size, perm, &step);
		if (ret)
			return ret;
		iova += step;
		pa += step;
		size -= step;
	}
	return 0;
}

int vtd_domain_map_identity(struct vtd_domain *d, uint64_t base,
			    uint64_t limit_inclusive)
{
	if (limit_inclusive < base || limit_inclusive == UINT64_MAX)
		return -EINVAL;
	return vtd_domain_map(d, base, base, limit_inclusive - base + 1, true);
}

int vtd_domain_translate(const struct vtd_domain *d, uint64_t iova,
			 uint64_t *pa, bool *writable)
{
	uint64_t table = d->root_pa, perm = SL_PRESENT;
	unsigned level;

	if (iova >> d->width)
		return -EFAULT;
	for (level = d->levels; level > 0; level--) {
		uint64_t v = sl_table(d, table)[sl_index(iova, level)].raw;

		if (!(v & SL_PRESENT))
			return -EFAULT;
		perm &= v;
		if (sl_is_leaf(v, level)) {
			uint64_t off = iova & (level_size(level) - 1);

			*pa = ((v & VTD_SL_ADDR) & ~(level_size(level) - 1)) | off;
			if (writable)
				*writable = perm & VTD_SL_W;
			return 0;
		}
		table = v & VTD_SL_ADDR;
	}
	return -EFAULT;
}

static union vtd_root_entry *root_table(const struct vtd_ctx_tables *t)
{
	return t->mem.phys_to_virt(t->mem.ctx, t->root_pa);
}

static union vtd_context_entry *ctx_table(const struct vtd_ctx_tables *t,
					  const union vtd_root_entry *re)
{
	return t->mem.phys_to_virt(t->mem.ctx, re->lo & VTD_RE_CTP);
}

int vtd_ctx_init(struct vtd_ctx_tables *t, const struct vtd_mem_ops *mem)
{
	t->mem = *mem;
	return mem->alloc_page(mem->ctx, &t->root_pa);
}

int vtd_ctx_attach(struct vtd_ctx_tables *t, uint8_t bus, uint8_t devfn,
		   const struct vtd_domain *d)
{
	union vtd_root_entry *re = &root_table(t)[bus];
	union vtd_context_entry *ce;
	uint64_t lo, hi;

	if (d->levels < 3 || d->levels > 5)
		return -EINVAL;
	lo = (d->root_pa & VTD_CE_LO_SLPTPTR) |
	     FIELD_PREP(VTD_CE_LO_TT, VTD_TT_SLPT) | VTD_CE_LO_P;
	hi = FIELD_PREP(VTD_CE_HI_AW, d->levels - 2) |	/* 39 -> 1 ... */
	     FIELD_PREP(VTD_CE_HI_DID, d->did);
	if (!(re->lo & VTD_RE_P)) {
		uint64_t ct;
		int ret = t->mem.alloc_page(t->mem.ctx, &ct);

		if (ret)
			return ret;
		entry_publish(&re->lo, (ct & VTD_RE_CTP) | VTD_RE_P);
	}
	ce = &ctx_table(t, re)[devfn];
	if (ce->lo & VTD_CE_LO_P)
		return ce->lo == lo && ce->hi == hi ? 0 : -EEXIST;
	/* P is in the low half: the high half (AW, DID) goes first so the
	 * hardware never fetches a present entry with a stale DID. */
	ce->hi = hi;
	entry_publish(&ce->lo, lo);
	return 0;
}

void vtd_ctx_lookup(const struct vtd_ctx_tables *t, uint8_t bus,
		    uint8_t devfn, union vtd_context_entry *ce)
{
	const union vtd_root_entry *re = &root_table(t)[bus];

	if (!(re->lo & VTD_RE_P)) {
		ce->lo = 0;
		ce->hi = 0;
		return;
	}
	*ce = ctx_table(t, re)[devfn];
}

uint64_t vtd_rtaddr_value(const struct vtd_ctx_tables *t)
{
	return (t->root_pa & VTD_RTADDR_RTA) | FIELD_PREP(VTD_RTADDR_TTM, 0);
}
