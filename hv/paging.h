/* x86-64 4-level page tables: builder and walker (pure logic).
 *
 * Two entry formats share the walk: the long-mode format serves the hv's
 * identity map, the guest's initial tables and the SVM nested page tables
 * (APM vol 2, 15.25: nested tables use the long-mode format); the EPT
 * format (SDM vol 3, 29.3.2) serves VMX. Callers always speak the
 * long-mode flags below; an EPT context translates them. Table pages are
 * reached through the caller's phys_to_virt, so the same code runs on the
 * host over a plain buffer.
 */
#ifndef HV_PAGING_H
#define HV_PAGING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"

/* Page-table entry bits (SDM vol 3, 4.5; APM vol 2, 5.3.3, 5.4.1). */
#define PT_P            BIT(0)          /* present */
#define PT_RW           BIT(1)          /* writable */
#define PT_US           BIT(2)          /* user */
#define PT_PWT          BIT(3)          /* write-through */
#define PT_PCD          BIT(4)          /* cache disable */
#define PT_A            BIT(5)          /* accessed */
#define PT_D            BIT(6)          /* dirty (leaf only) */
#define PT_PS           BIT(7)          /* 1G/2M leaf in PDPTE/PDE */
#define PT_G            BIT(8)          /* global (leaf only) */
#define PT_NX           BIT(63)         /* no execute (EFER.NXE) */
#define PT_ADDR_MASK    GENMASK(51, 12) /* next table or 4 KiB frame */
#define PT_ADDR_2M      GENMASK(51, 21) /* 2 MiB frame in a PDE */
#define PT_ADDR_1G      GENMASK(51, 30) /* 1 GiB frame in a PDPTE */
#define PT_RSVD_2M      GENMASK(20, 13) /* MBZ in a 2 MiB PDE */
#define PT_RSVD_1G      GENMASK(29, 13) /* MBZ in a 1 GiB PDPTE */

/* Flags pt_map accepts; P is always added. Nested page tables need PT_US
 * on every leaf: NPT walks are user accesses (APM vol 2, 15.25.5). */
#define PT_MAP_FLAGS    (PT_P | PT_RW | PT_US | PT_PWT | PT_PCD | PT_A | \
			 PT_D | PT_G | PT_NX)
/* Memory types through PAT entries 0 and 3 as set at reset (SDM vol 3,
 * 11.12.4): WB and UC. */
#define PT_CACHE_WB     0ULL
#define PT_CACHE_UC     (PT_PCD | PT_PWT)

/* EPT entry bits (SDM vol 3, 29.3.2, tables 29-1 to 29-6). */
#define EPT_R           BIT(0)          /* read */
#define EPT_W           BIT(1)          /* write */
#define EPT_X           BIT(2)          /* execute (supervisor) */
#define EPT_MEMTYPE     GENMASK(5, 3)   /* leaf: memory type */
#define  EPT_MT_UC      0
#define  EPT_MT_WB      6
#define EPT_IPAT        BIT(6)          /* leaf: ignore the guest's PAT */
#define EPT_LARGE       BIT(7)          /* 1G/2M leaf, as PT_PS */
#define EPT_RSVD_TABLE  GENMASK(7, 3)   /* MBZ in a non-leaf entry */

enum pt_format {
	PT_FORMAT_X86,                  /* long-mode (and NPT) entries */
	PT_FORMAT_EPT,                  /* VMX extended page tables */
};

#define PT_LEVELS       4
#define PT_ENTRIES      512
#define PT_PAGE_SIZE    KiB(4)

union pte {
	struct {
		uint64_t p:1;           /* 0 */
		uint64_t rw:1;          /* 1 */
		uint64_t us:1;          /* 2 */
		uint64_t pwt:1;         /* 3 */
		uint64_t pcd:1;         /* 4 */
		uint64_t a:1;           /* 5 */
		uint64_t d:1;           /* 6 */
		uint64_t ps:1;          /* 7: PAT in a 4 KiB PTE */
		uint64_t g:1;           /* 8 */
		uint64_t avl:3;         /* 11:9 */
		uint64_t pfn:40;        /* 51:12 */
		uint64_t avl2:11;       /* 62:52 */
		uint64_t nx:1;          /* 63 */
	};
	uint64_t raw;
};
_Static_assert(sizeof(union pte) == 8, "pte is one quadword");
_Static_assert(PT_ENTRIES * sizeof(union pte) == PT_PAGE_SIZE,
	       "a table fills one page");

struct pt_ctx {
	/* Access a table page at physical address pa. */
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	/* A zeroed 4 KiB page: 0 and *pa, or -ENOMEM. */
	int (*alloc_page)(void *ctx, uint64_t *pa);
	void *ctx;
	uint64_t root;          /* PA of the PML4 */
	size_t pages;           /* table pages allocated so far */
	unsigned int phys_bits; /* MAXPHYADDR for pt_walk checks, 0 = 52 */
	enum pt_format format;  /* entry format (0: long mode) */
};

/* A physical address range, for pt_identity_map. */
struct pt_range {
	uint64_t base, size;
};

/* Allocate an empty PML4 into c->root and reset the page count. */
int pt_init(struct pt_ctx *c);

/* Map [va, va+size) to [pa, pa+size) with flags from PT_MAP_FLAGS (in an
 * EPT context: readable always, writable with PT_RW, executable without
 * PT_NX, write-back or uncached by PT_CACHE_WB/UC with the guest's PAT
 * ignored; PT_US, PT_G, PT_A and PT_D have no EPT meaning), using
 * 1 GiB pages when allow_1g and alignment permit, else 2 MiB, else 4 KiB.
 * Intermediate entries are P|RW|US so the leaf decides. -EINVAL on a
 * misaligned, empty or non-canonical range or bad flags, -EEXIST when part
 * of the range is already mapped to another target or with other flags
 * (the same mapping again is a no-op), -ENOMEM from alloc_page. A failure
 * leaves the part mapped before it in place. */
int pt_map(struct pt_ctx *c, uint64_t va, uint64_t pa, uint64_t size,
	   uint64_t flags, bool allow_1g);

/* Translate va: 0 with *pa and the effective *flags_out (RW and US only if
 * set at every level, NX if set at any, the leaf's PWT, PCD, A, D, G, and
 * PS for a large page), -EFAULT when an entry is not present
 * (*fault_level = 4 for the PML4 .. 1 for the PT), -EINVAL when reserved
 * bits are set (*fault_level says where). flags_out and fault_level may
 * be NULL. Assumes EFER.NXE=1 and 1 GiB page support. An EPT walk reports
 * in the same flags: P, RW, NX for what its entries allow, US always,
 * PT_CACHE_UC for an uncached leaf; an entry that is writable but not
 * readable is a misconfiguration (-EINVAL). */
int pt_walk(const struct pt_ctx *c, uint64_t va, uint64_t *pa,
	    uint64_t *flags_out, int *fault_level);

/* The entries a walk read, so a cached translation can be revalidated: a
 * walk's result depends only on the root and these entries. */
struct pt_walk_trace {
	unsigned n;
	const union pte *entry[PT_LEVELS];
	uint64_t value[PT_LEVELS];
};
/* pt_walk that also records the entries it read into t. */
int pt_walk_traced(const struct pt_ctx *c, uint64_t va, uint64_t *pa,
		   uint64_t *flags_out, int *fault_level, struct pt_walk_trace *t);
/* True when every entry recorded in t still holds the value it had, i.e.
 * a new walk would give the same result. Inline and unrolled (the
 * differences of all levels ORed, one test): it is on the exit path. */
static inline bool pt_trace_current(const struct pt_walk_trace *t)
{
	uint64_t diff = 0;

	_Static_assert(PT_LEVELS == 4, "one case per level");
	switch (t->n) {
	case 4:
		diff |= t->entry[3]->raw ^ t->value[3];
		/* fall through */
	case 3:
		diff |= t->entry[2]->raw ^ t->value[2];
		/* fall through */
	case 2:
		diff |= t->entry[1]->raw ^ t->value[1];
		/* fall through */
	case 1:
		diff |= t->entry[0]->raw ^ t->value[0];
		return !diff;
	default:
		return false;	/* nothing recorded: no translation */
	}
}
/* Table pages allocated so far, the PML4 included. */
size_t pt_pages_used(const struct pt_ctx *c);

/* Identity-map [0, top rounded up to 1 GiB): each 2 MiB chunk overlapping
 * a ram range is write-back, any other chunk uncached (PCD|PWT). With
 * allow_1g a 1 GiB chunk whose 2 MiB chunks all agree is one page. */
int pt_identity_map(struct pt_ctx *c, const struct pt_range *ram,
		    size_t nram, uint64_t top, bool allow_1g);

#endif
