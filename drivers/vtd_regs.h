/*
 * Intel VT-d remapping hardware register map (VT-d 3.x/4.x, chapter 11.4):
 * offsets from a DRHD's register base, with their bit fields indented
 * beneath. Pure definitions, no access: drivers/vtd.c does the MMIO.
 */
#ifndef DRIVERS_VTD_REGS_H
#define DRIVERS_VTD_REGS_H

#include <stdint.h>

#include "drivers/bits.h"

#define VTD_PAGE_SIZE		4096

#define VTD_VER			0x00	/* 32, VT-d 11.4.1 */
#define  VTD_VER_MAX		GENMASK(7, 4)
#define  VTD_VER_MIN		GENMASK(3, 0)
#define VTD_CAP			0x08	/* 64, VT-d 11.4.2 */
#define  VTD_CAP_ND		GENMASK(2, 0)	/* 2^(4 + 2 * ND) domain ids */
#define  VTD_CAP_AFL		BIT(3)		/* advanced fault logging */
#define  VTD_CAP_RWBF		BIT(4)		/* write-buffer flush required */
#define  VTD_CAP_PLMR		BIT(5)		/* protected low memory region */
#define  VTD_CAP_PHMR		BIT(6)		/* protected high memory region */
#define  VTD_CAP_CM		BIT(7)		/* caching mode: flush not-present too */
#define  VTD_CAP_SAGAW		GENMASK(12, 8)	/* second-level widths supported: */
#define   VTD_SAGAW_39		BIT(1)		/*  3-level tables */
#define   VTD_SAGAW_48		BIT(2)		/*  4-level tables */
#define   VTD_SAGAW_57		BIT(3)		/*  5-level tables */
#define  VTD_CAP_MGAW		GENMASK(21, 16)	/* max guest address width - 1 */
#define  VTD_CAP_ZLR		BIT(22)		/* zero-length reads */
#define  VTD_CAP_FRO		GENMASK(33, 24)	/* fault records at FRO * 16 */
#define  VTD_CAP_SLLPS		GENMASK(37, 34)	/* second-level large pages: */
#define   VTD_SLLPS_2M		BIT(0)
#define   VTD_SLLPS_1G		BIT(1)
#define  VTD_CAP_PSI		BIT(39)		/* page-selective IOTLB invalidation */
#define  VTD_CAP_NFR		GENMASK(47, 40)	/* fault records - 1 */
#define  VTD_CAP_MAMV		GENMASK(53, 48)	/* max PSI address mask */
#define  VTD_CAP_DWD		BIT(54)		/* write draining */
#define  VTD_CAP_DRD		BIT(55)		/* read draining */
#define  VTD_CAP_FL1GP		BIT(56)		/* first-level 1 GiB pages */
#define  VTD_CAP_PI		BIT(59)		/* posted interrupts (vtd_posted.h) */
#define  VTD_CAP_FL5LP		BIT(60)		/* first-level 5-level paging */
#define  VTD_CAP_ESIRTPS	BIT(62)		/* SIRTP also invalidates the IEC */
#define  VTD_CAP_ESRTPS		BIT(63)		/* SRTP also invalidates caches */
#define VTD_ECAP		0x10	/* 64, VT-d 11.4.3 */
#define  VTD_ECAP_C		BIT(0)		/* page-walk coherency: else clflush */
#define  VTD_ECAP_QI		BIT(1)		/* queued invalidation */
#define  VTD_ECAP_DT		BIT(2)		/* device TLB (ATS) */
#define  VTD_ECAP_IR		BIT(3)		/* interrupt remapping */
#define  VTD_ECAP_EIM		BIT(4)		/* 32-bit x2APIC destinations */
#define  VTD_ECAP_PT		BIT(6)		/* pass-through translation */
#define  VTD_ECAP_SC		BIT(7)		/* snoop control */
#define  VTD_ECAP_IRO		GENMASK(17, 8)	/* IOTLB registers at IRO * 16 */
#define  VTD_ECAP_MHMV		GENMASK(23, 20)	/* max IEC handle mask */
#define  VTD_ECAP_MTS		BIT(25)		/* memory type support */
#define  VTD_ECAP_NEST		BIT(26)		/* nested translation */
#define  VTD_ECAP_PRS		BIT(29)		/* page requests */
#define  VTD_ECAP_SRS		BIT(31)		/* supervisor requests */
#define  VTD_ECAP_PASID		BIT(40)
#define  VTD_ECAP_SMTS		BIT(43)		/* scalable mode */
#define  VTD_ECAP_SLTS		BIT(46)		/* second-level translation */
#define  VTD_ECAP_FLTS		BIT(47)		/* first-level translation */
#define VTD_GCMD		0x18	/* 32, VT-d 11.4.4.1: one command per write */
#define  VTD_GCMD_CFI		BIT(23)		/* compatibility format interrupts */
#define  VTD_GCMD_SIRTP		BIT(24)		/* set interrupt remap table ptr */
#define  VTD_GCMD_IRE		BIT(25)		/* interrupt remapping enable */
#define  VTD_GCMD_QIE		BIT(26)		/* queued invalidation enable */
#define  VTD_GCMD_WBF		BIT(27)		/* write buffer flush */
#define  VTD_GCMD_EAFL		BIT(28)		/* enable advanced fault logging */
#define  VTD_GCMD_SFL		BIT(29)		/* set fault log */
#define  VTD_GCMD_SRTP		BIT(30)		/* set root table pointer */
#define  VTD_GCMD_TE		BIT(31)		/* translation enable */
#define VTD_GSTS		0x1c	/* 32, VT-d 11.4.4.2: status of each command */
#define  VTD_GSTS_CFIS		BIT(23)
#define  VTD_GSTS_IRTPS		BIT(24)
#define  VTD_GSTS_IRES		BIT(25)
#define  VTD_GSTS_QIES		BIT(26)
#define  VTD_GSTS_WBFS		BIT(27)
#define  VTD_GSTS_AFLS		BIT(28)
#define  VTD_GSTS_FLS		BIT(29)
#define  VTD_GSTS_RTPS		BIT(30)
#define  VTD_GSTS_TES		BIT(31)
/* One-shot commands: GCMD is rebuilt from GSTS minus these (VT-d 11.4.4.1). */
#define  VTD_GSTS_ONESHOT	(VTD_GSTS_IRTPS | VTD_GSTS_WBFS | VTD_GSTS_FLS | \
				 VTD_GSTS_RTPS)
#define VTD_RTADDR		0x20	/* 64, VT-d 11.4.5 */
#define  VTD_RTADDR_RTA		GENMASK(63, 12)
#define  VTD_RTADDR_TTM		GENMASK(11, 10)	/* 0 legacy, 1 scalable mode */
#define VTD_CCMD		0x28	/* 64, VT-d 11.4.6.1 */
#define  VTD_CCMD_ICC		BIT(63)		/* invalidate; clears when done */
#define  VTD_CCMD_CIRG		GENMASK(62, 61)	/* 1 global, 2 domain, 3 device */
#define  VTD_CCMD_CAIG		GENMASK(60, 59)
#define  VTD_CCMD_FM		GENMASK(33, 32)
#define  VTD_CCMD_SID		GENMASK(31, 16)
#define  VTD_CCMD_DID		GENMASK(15, 0)
#define VTD_FSTS		0x34	/* 32, VT-d 11.4.7.1: RW1C */
#define  VTD_FSTS_PFO		BIT(0)		/* primary fault overflow */
#define  VTD_FSTS_PPF		BIT(1)		/* primary pending fault (RO) */
#define  VTD_FSTS_AFO		BIT(2)
#define  VTD_FSTS_APF		BIT(3)
#define  VTD_FSTS_IQE		BIT(4)		/* invalidation queue error */
#define  VTD_FSTS_ICE		BIT(5)		/* invalidation completion error */
#define  VTD_FSTS_ITE		BIT(6)		/* invalidation time-out error */
#define  VTD_FSTS_FRI		GENMASK(15, 8)	/* first pending fault record */
#define VTD_FECTL		0x38	/* 32, VT-d 11.4.7.2 */
#define  VTD_FECTL_IP		BIT(30)		/* interrupt pending (RO) */
#define  VTD_FECTL_IM		BIT(31)		/* interrupt mask */
#define VTD_FEDATA		0x3c	/* 32, MSI data of the fault event */
#define VTD_FEADDR		0x40	/* 32, MSI address */
#define VTD_FEUADDR		0x44	/* 32, MSI upper address (x2APIC) */
#define VTD_AFLOG		0x58	/* 64, VT-d 11.4.7.6 */
#define  VTD_AFLOG_FLA		GENMASK(63, 12)
#define  VTD_AFLOG_FLS		GENMASK(11, 9)
#define VTD_PMEN		0x64	/* 32, VT-d 11.4.8.1 */
#define  VTD_PMEN_PRS		BIT(0)
#define  VTD_PMEN_EPM		BIT(31)
#define VTD_IQH			0x80	/* 64, VT-d 11.4.9.1 */
#define  VTD_IQ_INDEX		GENMASK(18, 4)	/* 128-bit descriptor index */
#define VTD_IQT			0x88	/* 64, VT-d 11.4.9.2; VTD_IQ_INDEX */
#define VTD_IQA			0x90	/* 64, VT-d 11.4.9.3 */
#define  VTD_IQA_IQA		GENMASK(63, 12)
#define  VTD_IQA_DW		BIT(11)		/* 256-bit descriptors */
#define  VTD_IQA_QS		GENMASK(2, 0)	/* 2^QS 4 KiB pages */
#define VTD_ICS			0x9c	/* 32, VT-d 11.4.9.4: RW1C */
#define  VTD_ICS_IWC		BIT(0)		/* invalidation wait completed */
#define VTD_IECTL		0xa0	/* 32, VT-d 11.4.9.5 */
#define  VTD_IECTL_IP		BIT(30)
#define  VTD_IECTL_IM		BIT(31)
#define VTD_IEDATA		0xa4
#define VTD_IEADDR		0xa8
#define VTD_IEUADDR		0xac
#define VTD_IQERCD		0xb0	/* 64, VT-d 11.4.9.9 */
#define  VTD_IQERCD_IQEI	GENMASK(3, 0)
#define VTD_IRTA		0xb8	/* 64, VT-d 11.4.10.1 */
#define  VTD_IRTA_IRTA		GENMASK(63, 12)
#define  VTD_IRTA_EIME		BIT(11)		/* x2APIC mode: 32-bit dest ids */
#define  VTD_IRTA_S		GENMASK(3, 0)	/* 2^(S + 1) entries */

/* IOTLB registers at ECAP.IRO * 16 (VT-d 11.4.8). */
#define VTD_IVA			0x00	/* 64, from the IOTLB block */
#define VTD_IOTLB		0x08	/* 64 */
#define  VTD_IOTLB_IVT		BIT(63)
#define  VTD_IOTLB_IIRG		GENMASK(61, 60)	/* 1 global, 2 domain, 3 page */
#define  VTD_IOTLB_DR		BIT(49)
#define  VTD_IOTLB_DW		BIT(48)
#define  VTD_IOTLB_DID		GENMASK(47, 32)

/* Fault recording registers: CAP.NFR + 1 records of 16 bytes at CAP.FRO *
 * 16 (VT-d 11.4.7.4). lo is bits 63:0, hi bits 127:64 (fields below are
 * positions within hi). F is RW1C: writing it back frees the record. */
#define VTD_FRCD_SIZE		16
#define VTD_FRCD_LO		0x00
#define  VTD_FRCD_LO_FI		GENMASK(63, 12)	/* faulting page address */
#define  VTD_FRCD_LO_IR_INDEX	GENMASK(63, 48)	/* IR faults: interrupt index */
#define VTD_FRCD_HI		0x08
#define  VTD_FRCD_HI_SID	GENMASK(15, 0)	/* source id (bus:dev.fn) */
#define  VTD_FRCD_HI_T2		BIT(28)
#define  VTD_FRCD_HI_PRIV	BIT(29)
#define  VTD_FRCD_HI_EXE	BIT(30)
#define  VTD_FRCD_HI_PP		BIT(31)		/* PASID present */
#define  VTD_FRCD_HI_FR		GENMASK(39, 32)	/* fault reason, VT-d 7.1.3 */
#define  VTD_FRCD_HI_PV		GENMASK(59, 40)	/* PASID value */
#define  VTD_FRCD_HI_AT		GENMASK(61, 60)
#define  VTD_FRCD_HI_T1		BIT(62)		/* 0 write, 1 read */
#define  VTD_FRCD_HI_F		BIT(63)		/* fault recorded */

struct vtd_fault_record {
	uint64_t lo;
	uint64_t hi;
} __attribute__((packed));
_Static_assert(sizeof(struct vtd_fault_record) == VTD_FRCD_SIZE, "fault record size");

/* Byte offset of fault record 0 from the register base. */
static inline uint32_t vtd_cap_fault_offset(uint64_t cap)
{
	return (uint32_t)FIELD_GET(VTD_CAP_FRO, cap) * 16;
}

/* Number of fault recording registers. */
static inline unsigned vtd_cap_nfr(uint64_t cap)
{
	return (unsigned)FIELD_GET(VTD_CAP_NFR, cap) + 1;
}

/* Byte offset of the IOTLB register block from the register base. */
static inline uint32_t vtd_ecap_iotlb_offset(uint64_t ecap)
{
	return (uint32_t)FIELD_GET(VTD_ECAP_IRO, ecap) * 16;
}

#endif
