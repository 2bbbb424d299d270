/* x86-64 4-level page tables (SDM vol 3, 4.5; APM vol 2, 5.3) and EPT
 * (SDM vol 3, 29.3). Levels are numbered as in the walk: 4 = PML4, 3 =
 * PDPT, 2 = PD, 1 = PT. Both formats keep the frame in bits 51:12 and the
 * large-page bit at 7; they differ in the permission and cache bits,
 * which the ept_* helpers translate. */
#include <errno.h>
#include <string.h>

#include "drivers/bits.h"
#include "hv/paging.h"

/* Intermediate entries grant everything; the leaf restricts. */
#define PT_TABLE_FLAGS  (PT_P | PT_RW | PT_US)
/* Leaf bits that must agree for a repeated mapping to be a no-op (A and
 * D are left out: the CPU sets them). */
#define PT_SAME_MASK    (PT_P | PT_RW | PT_US | PT_PWT | PT_PCD | PT_G | PT_NX)
/* Bits copied from the leaf into pt_walk's flags_out. */
#define PT_LEAF_OUT     (PT_PWT | PT_PCD | PT_A | PT_D | PT_G)

#define VA_BITS         48
/* EPT permission bits: any of them set makes an entry present. */
#define EPT_RWX         (EPT_R | EPT_W | EPT_X)
/* EPT leaf bits that must agree for a repeated mapping to be a no-op. */
#define EPT_SAME_MASK   (EPT_RWX | EPT_MEMTYPE | EPT_IPAT)
#define PA_LIMIT        BIT(52)

/* Returned by pt_install when a table sits where a large leaf was wanted:
 * the caller maps that chunk with smaller pages instead. */
#define PT_USE_SMALLER  1
/* Returned by pt_descend when a large leaf already maps the request. */
#define PT_ALREADY      2

static unsigned int level_shift(int level)
{
	return 12 + 9 * (level - 1);
}

static uint64_t level_size(int level)
{
	return BIT(level_shift(level));
}

static unsigned int pt_index(uint64_t va, int level)
{
	return (unsigned int)((va >> level_shift(level)) & (PT_ENTRIES - 1));
}

static union pte *pt_entry(const struct pt_ctx *c, uint64_t table,
			   uint64_t va, int level)
{
	union pte *t = c->phys_to_virt(c->ctx, table);

	return t ? &t[pt_index(va, level)] : NULL;
}

/* Bits 63:47 all equal (SDM vol 1, 3.3.7.1). */
static bool pt_canonical(uint64_t va)
{
	uint64_t top = va >> (VA_BITS - 1);

	return top == 0 || top == (~0ULL >> (VA_BITS - 1));
}

static bool pt_is_ept(const struct pt_ctx *c)
{
	return c->format == PT_FORMAT_EPT;
}

static bool pte_present(const struct pt_ctx *c, union pte e)
{
	return e.raw & (pt_is_ept(c) ? EPT_RWX : PT_P);
}

/* An input address the tables can translate: canonical for long mode, a
 * 48-bit guest-physical address for EPT (SDM vol 3, 29.3.2). */
static bool pt_input_ok(const struct pt_ctx *c, uint64_t va)
{
	return pt_is_ept(c) ? va < BIT(VA_BITS) : pt_canonical(va);
}

static bool pt_is_leaf(union pte e, int level)
{
	return level == 1 || (level <= 3 && (e.raw & PT_PS));
}

/* The EPT leaf bits for long-mode flags. */
static uint64_t ept_leaf_bits(uint64_t flags)
{
	uint64_t mt = (flags & PT_CACHE_UC) == PT_CACHE_UC ? EPT_MT_UC : EPT_MT_WB;

	return EPT_R | (flags & PT_RW ? EPT_W : 0) | (flags & PT_NX ? 0 : EPT_X) |
	       FIELD_PREP(EPT_MEMTYPE, mt) | EPT_IPAT;
}

static uint64_t pte_leaf_bits(const struct pt_ctx *c, uint64_t flags)
{
	return pt_is_ept(c) ? ept_leaf_bits(flags) : flags | PT_P;
}

static uint64_t pte_same_mask(const struct pt_ctx *c)
{
	return pt_is_ept(c) ? EPT_SAME_MASK : PT_SAME_MASK;
}

static uint64_t pte_table_bits(const struct pt_ctx *c)
{
	return pt_is_ept(c) ? EPT_RWX : PT_TABLE_FLAGS;
}

static uint64_t leaf_addr_mask(int level)
{
	if (level == 3)
		return PT_ADDR_1G;
	if (level == 2)
		return PT_ADDR_2M;
	return PT_ADDR_MASK;
}

static uint64_t leaf_target(union pte e, int level, uint64_t va)
{
	return (e.raw & leaf_addr_mask(level)) | (va & (level_size(level) - 1));
}

static uint64_t leaf_make(const struct pt_ctx *c, uint64_t pa, int level,
			  uint64_t flags)
{
	return pa | pte_leaf_bits(c, flags) | (level > 1 ? PT_PS : 0);
}

/* An existing leaf satisfies the request when it maps va to pa with the
 * same attributes. */
static bool leaf_matches(const struct pt_ctx *c, union pte e, int level,
			 uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t mask = pte_same_mask(c);

	return leaf_target(e, level, va) == pa &&
	       (e.raw & mask) == (pte_leaf_bits(c, flags) & mask);
}

static int pt_alloc_table(struct pt_ctx *c, uint64_t *pa)
{
	int err = c->alloc_page(c->ctx, pa);

	if (err)
		return err;
	if (!IS_ALIGNED(*pa, PT_PAGE_SIZE) || *pa >= PA_LIMIT)
		return -EINVAL;
	c->pages++;
	return 0;
}

int pt_init(struct pt_ctx *c)
{
	c->pages = 0;
	return pt_alloc_table(c, &c->root);
}

size_t pt_pages_used(const struct pt_ctx *c)
{
	return c->pages;
}

/* Find or create the table at `level` for va, starting from the root;
 * PT_ALREADY when a matching large leaf above it covers va. */
static int pt_descend(struct pt_ctx *c, uint64_t va, uint64_t pa,
		      uint64_t flags, int level, uint64_t *table)
{
	*table = c->root;
	for (int l = PT_LEVELS; l > level; l--) {
		union pte *e = pt_entry(c, *table, va, l);
		uint64_t next;
		int err;

		if (!e)
			return -EFAULT;
		if (pte_present(c, *e)) {
			if (pt_is_leaf(*e, l))
				return leaf_matches(c, *e, l, va, pa, flags) ?
				       PT_ALREADY : -EEXIST;
			*table = e->raw & PT_ADDR_MASK;
			continue;
		}
		err = pt_alloc_table(c, &next);
		if (err)
			return err;
		e->raw = next | pte_table_bits(c);
		*table = next;
	}
	return 0;
}

/* Install one leaf of level `level`. 0 when done (or already so mapped),
 * PT_USE_SMALLER when a table occupies the slot, else a negative errno. */
static int pt_install(struct pt_ctx *c, uint64_t va, uint64_t pa,
		      uint64_t flags, int level)
{
	uint64_t table;
	union pte *e;
	int err = pt_descend(c, va, pa, flags, level, &table);

	if (err)
		return err == PT_ALREADY ? 0 : err;
	e = pt_entry(c, table, va, level);
	if (!e)
		return -EFAULT;
	if (!pte_present(c, *e)) {
		e->raw = leaf_make(c, pa, level, flags);
		return 0;
	}
	if (!pt_is_leaf(*e, level))
		return PT_USE_SMALLER;
	return leaf_matches(c, *e, level, va, pa, flags) ? 0 : -EEXIST;
}

static int pt_pick_level(uint64_t va, uint64_t pa, uint64_t left,
			 bool allow_1g)
{
	if (allow_1g && IS_ALIGNED(va | pa, GiB(1)) && left >= GiB(1))
		return 3;
	if (IS_ALIGNED(va | pa, MiB(2)) && left >= MiB(2))
		return 2;
	return 1;
}

static bool pt_map_args_ok(const struct pt_ctx *c, uint64_t va, uint64_t pa,
			   uint64_t size, uint64_t flags)
{
	uint64_t last = va + size - 1;

	if (!size || !IS_ALIGNED(va | pa | size, PT_PAGE_SIZE))
		return false;
	if (flags & ~PT_MAP_FLAGS)
		return false;
	if (last < va || !pt_input_ok(c, va) || !pt_input_ok(c, last) ||
	    ((va ^ last) & BIT(63)))
		return false;
	return pa < PA_LIMIT && size <= PA_LIMIT - pa;
}

int pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t size,
	   uint64_t flags, bool allow_1g)
{
	if (!pt_map_args_ok(c, va, pa, size, flags))
		return -EINVAL;

	while (size) {
		int level = pt_pick_level(va, pa, size, allow_1g);
		int r;

		while ((r = pt_install(c, va, pa, flags, level)) ==
		       PT_USE_SMALLER)
			level--;        /* level 1 never returns it */
		if (r)
			return r;
		va += level_size(level);
		pa += level_size(level);
		size -= level_size(level);
	}
	return 0;
}

/* Reserved-bit check for a present entry (SDM vol 3, 4.5.4 and Table 4-20
 * ff.; APM vol 2, 5.3.3): address bits at or above MAXPHYADDR, PS in a
 * PML4E, and the bits between PAT and the frame of a large leaf. */
static bool pt_reserved(const struct pt_ctx *c, union pte e, int level)
{
	unsigned int bits = c->phys_bits ? c->phys_bits : 52;

	if (bits < 52 && (e.raw & GENMASK(51, bits)))
		return true;
	if (pt_is_ept(c) && (e.raw & EPT_W) && !(e.raw & EPT_R))
		return true;    /* write-only: EPT misconfiguration (29.3.3.1) */
	if (pt_is_ept(c) && !pt_is_leaf(e, level))
		return e.raw & EPT_RSVD_TABLE;
	if (level == 4)
		return e.raw & PT_PS;
	/* EPT has no PAT bit at 12: the whole gap is reserved (29.3.2). */
	if (level == 3 && (e.raw & PT_PS))
		return e.raw & (PT_RSVD_1G | (pt_is_ept(c) ? BIT(12) : 0));
	if (level == 2 && (e.raw & PT_PS))
		return e.raw & (PT_RSVD_2M | (pt_is_ept(c) ? BIT(12) : 0));
	return false;
}

static uint64_t walk_flags(const struct pt_ctx *c, union pte leaf, int level,
			   bool rw, bool us, bool nx)
{
	uint64_t cache = leaf.raw & PT_LEAF_OUT;

	if (pt_is_ept(c))
		cache = FIELD_GET(EPT_MEMTYPE, leaf.raw) == EPT_MT_UC ? PT_CACHE_UC : PT_CACHE_WB;
	return PT_P | cache | (rw ? PT_RW : 0) |
	       (us ? PT_US : 0) | (nx ? PT_NX : 0) | (level > 1 ? PT_PS : 0);
}

/* Fold one entry's permissions into the walk's (SDM vol 3, 4.6 and
 * 29.3.3.2: every level must allow an access). */
static void walk_perms(const struct pt_ctx *c, union pte e, bool *rw, bool *us,
		       bool *nx)
{
	if (pt_is_ept(c)) {
		*rw = *rw && (e.raw & EPT_W);
		*nx = *nx || !(e.raw & EPT_X);
		return;
	}
	*rw = *rw && (e.raw & PT_RW);
	*us = *us && (e.raw & PT_US);
	*nx = *nx || (e.raw & PT_NX);
}

int pt_walk_traced(const struct pt_ctx *c, uint64_t va, uint64_t *pa,
		   uint64_t *flags_out, int *fault_level, struct pt_walk_trace *t)
{
	uint64_t table = c->root;
	bool rw = true, us = true, nx = false;
	int dummy;

	if (!fault_level)
		fault_level = &dummy;
	*fault_level = 0;
	if (t)
		t->n = 0;
	if (!pt_input_ok(c, va))
		return -EINVAL;
	for (int level = PT_LEVELS; level >= 1; level--) {
		union pte *e = pt_entry(c, table, va, level);

		*fault_level = level;
		if (!e || !pte_present(c, *e))
			return -EFAULT;
		if (pt_reserved(c, *e, level))
			return -EINVAL;
		if (t) {
			t->entry[t->n] = e;
			t->value[t->n++] = e->raw;
		}
		walk_perms(c, *e, &rw, &us, &nx);
		if (pt_is_leaf(*e, level)) {
			*pa = leaf_target(*e, level, va);
			if (flags_out)
				*flags_out = walk_flags(c, *e, level, rw, us, nx);
			*fault_level = 0;
			return 0;
		}
		table = e->raw & PT_ADDR_MASK;
	}
	return -EFAULT;         /* not reached: level 1 is always a leaf */
}

int pt_walk(const struct pt_ctx *c, uint64_t va, uint64_t *pa,
	    uint64_t *flags_out, int *fault_level)
{
	return pt_walk_traced(c, va, pa, flags_out, fault_level, NULL);
}

static bool range_overlaps_ram(const struct pt_range *ram, size_t nram,
			       uint64_t base, uint64_t size)
{
	for (size_t i = 0; i < nram; i++) {
		if (!ram[i].size)
			continue;
		if (ram[i].base <= base + size - 1 &&
		    base <= ram[i].base + (ram[i].size - 1))
			return true;
	}
	return false;
}

/* True when all 2 MiB chunks of the 1 GiB chunk at base agree; *wb says
 * whether they are RAM. */
static bool gib_uniform(const struct pt_range *ram, size_t nram,
			uint64_t base, bool *wb)
{
	*wb = range_overlaps_ram(ram, nram, base, MiB(2));
	for (uint64_t off = MiB(2); off < GiB(1); off += MiB(2))
		if (range_overlaps_ram(ram, nram, base + off, MiB(2)) != *wb)
			return false;
	return true;
}

static uint64_t cache_flags(bool wb)
{
	return PT_RW | (wb ? PT_CACHE_WB : PT_CACHE_UC);
}

/* WB or UC per 2 MiB chunk. MMIO inside a chunk that also holds RAM stays
 * WB here; the firmware's MTRRs still make it UC (SDM vol 3, 11.5.2.2). */
static int pt_identity_gib(struct pt_ctx *c, const struct pt_range *ram,
			   size_t nram, uint64_t base, bool allow_1g)
{
	bool wb;
	int err;

	if (allow_1g && gib_uniform(ram, nram, base, &wb))
		return pt_map(c, base, base, GiB(1), cache_flags(wb), true);
	for (uint64_t a = base; a < base + GiB(1); a += MiB(2)) {
		wb = range_overlaps_ram(ram, nram, a, MiB(2));
		err = pt_map(c, a, a, MiB(2), cache_flags(wb), false);
		if (err)
			return err;
	}
	return 0;
}

int pt_identity_map(struct pt_ctx *c, const struct pt_range *ram,
		    size_t nram, uint64_t top, bool allow_1g)
{
	if (!top || top > BIT(VA_BITS - 1))
		return -EINVAL;
	top = ALIGN_UP(top, GiB(1));
	for (uint64_t base = 0; base < top; base += GiB(1)) {
		int err = pt_identity_gib(c, ram, nram, base, allow_1g);

		if (err)
			return err;
	}
	return 0;
}
