/*
 * VT-d DMA remapping structures for assigned devices (pure logic): root
 * table, legacy-mode context entries and second-level page tables. Table
 * pages are reached through the caller's phys_to_virt, so the same code
 * runs in the hv and over a plain buffer in unit tests. No MMIO, no cache
 * flushes: after changing entries the caller writes back cache lines when
 * ECAP.C is 0 and invalidates the context cache and IOTLB (VT-d 6.5).
 */
#ifndef DRIVERS_VTD_DMA_H
#define DRIVERS_VTD_DMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"

#define VTD_TABLE_ENTRIES	256	/* root and context tables, 16 B each */
#define VTD_SL_ENTRIES		512	/* second-level tables, 8 B each */

/* Root entry, VT-d 9.1: one per bus, points at that bus's context table. */
#define VTD_RE_P		BIT(0)
#define VTD_RE_CTP		GENMASK(63, 12)
union vtd_root_entry {
	struct {
		uint64_t p:1;		/* 0 */
		uint64_t rsvd0:11;	/* 11:1 */
		uint64_t ctp:52;	/* 63:12 context-table pointer */
		uint64_t rsvd1;		/* 127:64 (upper CTP in scalable mode) */
	};
	struct {
		uint64_t lo, hi;
	};
};
_Static_assert(sizeof(union vtd_root_entry) == 16, "root entry is 128 bits");

/* Legacy-mode context entry, VT-d 9.3: one per devfn. */
#define VTD_CE_LO_P		BIT(0)
#define VTD_CE_LO_FPD		BIT(1)		/* fault processing disable */
#define VTD_CE_LO_TT		GENMASK(3, 2)	/* translation type: */
#define  VTD_TT_SLPT		0		/*  untranslated via SL tables */
#define  VTD_TT_DEV_TLB		1		/*  also translated (ATS) */
#define  VTD_TT_PASSTHROUGH	2		/*  needs ECAP.PT */
#define VTD_CE_LO_SLPTPTR	GENMASK(63, 12)	/* top-level SL table */
#define VTD_CE_HI_AW		GENMASK(2, 0)	/* address width: */
#define  VTD_AW_39		1		/*  3-level tables */
#define  VTD_AW_48		2		/*  4-level */
#define  VTD_AW_57		3		/*  5-level */
#define VTD_CE_HI_AVAIL		GENMASK(6, 3)	/* ignored by hardware */
#define VTD_CE_HI_DID		GENMASK(23, 8)	/* domain id */
union vtd_context_entry {
	struct {
		uint64_t p:1;		/* 0 */
		uint64_t fpd:1;		/* 1 */
		uint64_t tt:2;		/* 3:2 */
		uint64_t rsvd0:8;	/* 11:4 */
		uint64_t slptptr:52;	/* 63:12 */
		uint64_t aw:3;		/* 66:64 */
		uint64_t avail:4;	/* 70:67 */
		uint64_t rsvd1:1;	/* 71 */
		uint64_t did:16;	/* 87:72 */
		uint64_t rsvd2:40;	/* 127:88 */
	};
	struct {
		uint64_t lo, hi;
	};
};
_Static_assert(sizeof(union vtd_context_entry) == 16,
	       "context entry is 128 bits");

/* Second-level paging entry, VT-d 9.8. Present when R or W is set; PS
 * only in level 2 (2 MiB) and 3 (1 GiB) entries when CAP.SLLPS allows;
 * SNP needs ECAP.SC (QEMU 7.2 has none and faults on it as reserved). */
#define VTD_SL_R		BIT(0)
#define VTD_SL_W		BIT(1)
#define VTD_SL_X		BIT(2)		/* only with SLEE */
#define VTD_SL_PS		BIT(7)
#define VTD_SL_SNP		BIT(11)
#define VTD_SL_ADDR		GENMASK(51, 12)
union vtd_sl_entry {
	struct {
		uint64_t r:1;		/* 0 */
		uint64_t w:1;		/* 1 */
		uint64_t x:1;		/* 2 */
		uint64_t emt:3;		/* 5:3 */
		uint64_t ipat:1;	/* 6 */
		uint64_t ps:1;		/* 7 */
		uint64_t ign0:3;	/* 10:8 */
		uint64_t snp:1;		/* 11 */
		uint64_t pfn:40;	/* 51:12 */
		uint64_t ign1:10;	/* 61:52 */
		uint64_t tm:1;		/* 62 */
		uint64_t ign2:1;	/* 63 */
	};
	uint64_t raw;
};
_Static_assert(sizeof(union vtd_sl_entry) == 8, "SL entry is one quadword");
_Static_assert(VTD_SL_ENTRIES * sizeof(union vtd_sl_entry) == 4096,
	       "an SL table fills one page");
_Static_assert(VTD_TABLE_ENTRIES * sizeof(union vtd_context_entry) == 4096,
	       "a context table fills one page");

/* The MSI address window: DMA writes there are interrupt requests, never
 * translated (VT-d 3.14), so no domain maps it. */
#define VTD_MSI_WINDOW_BASE	0xfee00000ULL
#define VTD_MSI_WINDOW_SIZE	MiB(1)

struct vtd_mem_ops {
	/* Access a table page at physical address pa. */
	void *(*phys_to_virt)(void *ctx, uint64_t pa);
	/* A zeroed 4 KiB page: 0 and *pa, or -ENOMEM. */
	int (*alloc_page)(void *ctx, uint64_t *pa);
	void *ctx;
};

/* One DMA address space (a second-level table tree and its domain id). */
struct vtd_domain {
	struct vtd_mem_ops mem;
	uint64_t root_pa;	/* top-level SL table */
	unsigned levels;	/* 3, 4 or 5 */
	unsigned width;		/* IOVA bits mapped: min(levels', MGAW) */
	uint16_t did;
	uint8_t sllps;		/* VTD_SLLPS_2M | VTD_SLLPS_1G from CAP */
	size_t pages;		/* SL table pages, the top one included */
};

/* Build an empty domain for an IOMMU with capability register cap. Levels
 * come from CAP.SAGAW (4 preferred, then 3, then 5) among those whose
 * width covers max_gpa (one past the highest IOVA needed, 0 = any).
 * -ENODEV when SAGAW offers no level, -ERANGE when none is wide enough or
 * max_gpa exceeds CAP.MGAW, -EINVAL for a did beyond CAP.ND or did 0
 * with CAP.CM (reserved then, VT-d 6.2.2), -ENOMEM. */
int vtd_domain_init(struct vtd_domain *d, const struct vtd_mem_ops *mem,
		    uint64_t cap, uint16_t did, uint64_t max_gpa);

/* Map [iova, iova+size) -> [pa, pa+size) readable, and writable if write,
 * with 1 GiB / 2 MiB pages where SLLPS and alignment allow. -EINVAL when
 * not 4 KiB aligned, empty, beyond the domain width or pa beyond 52 bits,
 * or overlapping the MSI window; -EEXIST when part is already mapped
 * differently (the same mapping again is a no-op); -ENOMEM. A failure
 * leaves the part mapped before it in place. */
int vtd_domain_map(struct vtd_domain *d, uint64_t iova, uint64_t pa,
		   uint64_t size, bool write);

/* Identity-map an RMRR region [base, limit] read/write (VT-d 8.4: base 4
 * KiB aligned, limit + 1 too). Errors as vtd_domain_map. */
int vtd_domain_map_identity(struct vtd_domain *d, uint64_t base,
			    uint64_t limit_inclusive);

/* Walk like the hardware: 0 with *pa and *writable (W at every level),
 * -EFAULT when iova is beyond the width or an entry is not present.
 * writable may be NULL. */
int vtd_domain_translate(const struct vtd_domain *d, uint64_t iova,
			 uint64_t *pa, bool *writable);

/* Root table and the per-bus context tables hanging off it. */
struct vtd_ctx_tables {
	struct vtd_mem_ops mem;
	uint64_t root_pa;
};

/* Allocate an empty root table: 0 or -ENOMEM. */
int vtd_ctx_init(struct vtd_ctx_tables *t, const struct vtd_mem_ops *mem);

/* Point bus:devfn at domain d (TT untranslated via SL tables, AW from its
 * levels, its DID), allocating the bus's context table on first use. 0
 * also when already attached to d; -EEXIST when attached elsewhere. */
int vtd_ctx_attach(struct vtd_ctx_tables *t, uint8_t bus, uint8_t devfn,
		   const struct vtd_domain *d);

/* Copy bus:devfn's context entry into *ce (zero when its bus has no
 * context table). */
void vtd_ctx_lookup(const struct vtd_ctx_tables *t, uint8_t bus,
		    uint8_t devfn, union vtd_context_entry *ce);

/* RTADDR register value: root table address, legacy mode (TTM 00). */
uint64_t vtd_rtaddr_value(const struct vtd_ctx_tables *t);

#endif
