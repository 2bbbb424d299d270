/* A virtual local APIC's interrupt logic and xAPIC register page (pure
 * logic, host-testable): IRR/ISR/TMR, TPR/PPR priorities, EOI, and MMIO
 * emulation of the trapped 4 KiB page (SDM vol 3, chapter 11), and the
 * timer (hv/vtimer.h) on a TSC clock the owner gives it. No IPIs: the ICR
 * holds its value, nothing is sent.
 */
#ifndef HV_VLAPIC_H
#define HV_VLAPIC_H

#include <stdbool.h>
#include <stdint.h>

#include "drivers/bits.h"
#include "hv/vtimer.h"

/* xAPIC register offsets (SDM vol 3, Table 11-1). */
#define VLAPIC_ID               0x020   /* ID in bits 31:24 */
#define VLAPIC_VER              0x030
#define   VLAPIC_VER_VERSION    GENMASK(7, 0)
#define   VLAPIC_VER_MAXLVT     GENMASK(23, 16) /* LVT entries - 1 */
#define VLAPIC_TPR              0x080
#define VLAPIC_APR              0x090
#define VLAPIC_PPR              0x0a0
#define VLAPIC_EOI              0x0b0
#define VLAPIC_RRD              0x0c0
#define VLAPIC_LDR              0x0d0
#define VLAPIC_DFR              0x0e0
#define VLAPIC_SVR              0x0f0
#define   VLAPIC_SVR_VECTOR     GENMASK(7, 0)
#define   VLAPIC_SVR_ENABLE     BIT(8)
#define   VLAPIC_SVR_FOCUS      BIT(9)
#define VLAPIC_ISR              0x100   /* 8 registers, step 0x10 */
#define VLAPIC_TMR              0x180
#define VLAPIC_IRR              0x200
#define VLAPIC_ESR              0x280
#define   VLAPIC_ESR_SEND_ILL   BIT(5)  /* send illegal vector */
#define   VLAPIC_ESR_RECV_ILL   BIT(6)  /* receive illegal vector */
#define VLAPIC_LVT_CMCI         0x2f0
#define VLAPIC_ICR_LO           0x300
#define VLAPIC_ICR_HI           0x310
#define VLAPIC_LVT_TIMER        0x320   /* + mode 18:17, VTIMER_LVT_MODE */
#define VLAPIC_LVT_THERMAL      0x330
#define VLAPIC_LVT_PERF         0x340
#define VLAPIC_LVT_LINT0        0x350
#define VLAPIC_LVT_LINT1        0x360
#define VLAPIC_LVT_ERROR        0x370
#define   VLAPIC_LVT_VECTOR     GENMASK(7, 0)
#define   VLAPIC_LVT_MASKED     BIT(16)
#define VLAPIC_TIMER_INIT       0x380
#define VLAPIC_TIMER_CUR        0x390
#define VLAPIC_TIMER_DIV        0x3e0

#define VLAPIC_NMI_VECTOR       2       /* NMIs enter through IDT vector 2 */

/* LVT index in struct vlapic.lvt. */
enum vlapic_lvt { VLAPIC_LVT_IDX_CMCI, VLAPIC_LVT_IDX_TIMER,
		  VLAPIC_LVT_IDX_THERMAL, VLAPIC_LVT_IDX_PERF,
		  VLAPIC_LVT_IDX_LINT0, VLAPIC_LVT_IDX_LINT1,
		  VLAPIC_LVT_IDX_ERROR, VLAPIC_NR_LVT };

struct vlapic_stats {
	uint64_t accepted;      /* newly pending in IRR */
	uint64_t merged;        /* accepted while already pending */
	uint64_t illegal;       /* vectors 0..15 refused */
	uint64_t dropped;       /* refused while software-disabled */
	uint64_t acked;
	uint64_t eoi;
	uint64_t spurious_eoi;  /* EOI with ISR empty */
	uint64_t bad_access;    /* misaligned, wrong size, RO write, WO read */
	uint64_t nmi;           /* NMIs latched */
	uint64_t nmi_merged;    /* NMIs that found one already latched */
};

struct vlapic {
	uint32_t irr[8], isr[8], tmr[8];  /* vector v: word v/32, bit v%32 */
	/* Bit i set exactly while irr[i] (isr[i]) is nonzero: the highest
	 * vector is two BSRs, not a scan of eight words. Kept by every
	 * change vlapic.c makes; code outside it only reads the banks. */
	uint8_t irr_sum, isr_sum;
	uint8_t tpr;
	uint32_t id;
	uint32_t svr;
	bool enabled;           /* SVR bit 8 */
	uint32_t lvt[VLAPIC_NR_LVT];
	uint32_t esr;           /* visible ESR, latched by an ESR write */
	uint32_t esr_pending;   /* errors since the last ESR write */
	uint32_t ldr, dfr, icr_lo, icr_hi;
	struct vtimer timer;    /* LVT timer, TMICT, TMCCT, DCR */
	uint64_t (*clock)(void);        /* the TSC the timer runs on */
	bool nmi_pending;       /* an NMI waits for injection */
	/* Bumped by every change the hv makes outside IRR (register writes,
	 * TMR, ISR by ack and EOI), so a virtual-APIC page knows when it is
	 * stale. */
	uint32_t gen;
	struct vlapic_stats stats;
};

/* True when any vector is requested: the cheap test on every VM entry
 * before the priority logic of vlapic_pending(). */
static inline bool vlapic_irr_any(const struct vlapic *v)
{
	return v->irr_sum != 0;
}

/* Power-on state (SDM vol 3, 11.4.7.1): TPR 0, SVR 0xFF (software
 * disabled), LVTs masked, DFR all ones, IRR/ISR/TMR clear, timer stopped;
 * clock reads the TSC (the guest's own, as RDTSC gives it). */
void vlapic_reset(struct vlapic *v, uint32_t apic_id, uint64_t (*clock)(void));

/* Make vector pending in IRR (TMR set for level, cleared for edge). Returns
 * 1 if newly pending, 0 if merged with a pending one, -EINVAL for vectors
 * 0..15 (ESR receive-illegal-vector is logged), -ENODEV while disabled. */
int vlapic_accept(struct vlapic *v, uint8_t vector, bool level);

/* Latch an NMI for the vCPU (an MSI with NMI delivery). NMIs ignore the
 * software enable, TPR and IF; the CPU holds at most one pending NMI
 * (SDM vol 3, 6.7.1), so a second one before injection is merged. 1 if
 * newly pending, 0 if merged. */
int vlapic_nmi(struct vlapic *v);

/* The vCPU takes the latched NMI: clears it; whether there was one. */
bool vlapic_nmi_take(struct vlapic *v);

/* Processor priority (SDM vol 3, 11.8.3.1). */
uint8_t vlapic_ppr(const struct vlapic *v);

/* Highest vector requested (IRR) or in service (ISR), -1 for none. */
int vlapic_highest_irr(const struct vlapic *v);
int vlapic_highest_isr(const struct vlapic *v);

/* Highest pending vector whose class is above PPR's, or -1 (also when the
 * APIC is software-disabled). */
int vlapic_pending(const struct vlapic *v);

/* The CPU takes vlapic_pending(): move it from IRR to ISR (SDM vol 3,
 * 11.8.4). Returns the vector, or -ENOENT when nothing is deliverable. */
int vlapic_ack(struct vlapic *v);

/* EOI: retire the highest in-service vector (SDM vol 3, 11.8.5). Returns
 * it, or -1 for a spurious EOI (ISR empty, counted). */
int vlapic_eoi(struct vlapic *v);

/* Was vector accepted level-triggered (its EOI must reach the IOAPIC)? */
bool vlapic_level(const struct vlapic *v, uint8_t vector);

/* Expire the timer if its time has come, making the LVT timer vector
 * pending (edge) unless the LVT is masked. Returns the TSC of its next
 * expiry, 0 when it is not armed: the guest must exit by then. */
uint64_t vlapic_timer_poll(struct vlapic *v);

/* IA32_TSC_DEADLINE (MSR 0x6E0) as the guest writes and reads it, after
 * vlapic_timer_poll (SDM vol 3, 11.5.4.1). */
void vlapic_tsc_deadline_write(struct vlapic *v, uint64_t tsc);
uint64_t vlapic_tsc_deadline_read(struct vlapic *v);

/* Emulate a 32-bit access at offset into the xAPIC page. Returns 0, or
 * -EINVAL (counted) when offset is not 16-byte aligned or outside the page.
 * Reads of write-only/reserved registers give 0, writes to read-only ones
 * are ignored; both are counted in stats.bad_access. */
int vlapic_mmio_read(struct vlapic *v, uint32_t offset, uint32_t *value);
int vlapic_mmio_write(struct vlapic *v, uint32_t offset, uint32_t value);

/* The same, for a decoded access of any size: only 4 is valid (SDM vol 3,
 * 11.4.1); others are -EINVAL and counted. Reads store into *value. */
int vlapic_mmio_access(struct vlapic *v, uint32_t offset, unsigned int size,
		       bool write, uint64_t *value);

/* eoi=hw: the CPU's virtual-APIC page (SDM vol 3, 29.1), 1024 dwords
 * with the registers at their xAPIC offsets. While the guest runs, the
 * page holds IRR, ISR and TPR: the CPU delivers, retires (EOI) and
 * prioritises there without exits. Between exits the vlapic is the model
 * every hv path reads (HLT, dumps, trapped accesses): the backend stores
 * the page into it after each exit and loads it back before each entry. */
#define VLAPIC_VAPIC_DWORDS     1024

/* Before VM entry: the vectors requested since the last exit go to the
 * page (its IRR |= ours, ours cleared: the CPU delivers them, nothing
 * injects them), ISR and TPR as the hv left them. Returns the guest
 * interrupt status: RVI (highest requested) in bits 7:0, SVI (highest in
 * service) in 15:8, 0 for none (SDM 24.4.2, 29.2.1). */
uint16_t vlapic_vapic_load(struct vlapic *v, uint32_t *page);

/* After a VM exit: IRR, ISR and TPR as the CPU left them. */
void vlapic_vapic_store(struct vlapic *v, const uint32_t *page);

/* Every register the CPU may read from the page for the guest
 * (APIC-register virtualization, SDM 29.4.2) as vlapic_mmio_read gives
 * it; IRR, ISR and TPR are load's and store's, the current count (TMCCT)
 * and PPR are not virtualized reads (they exit to the model). */
void vlapic_vapic_mirror(const struct vlapic *v, uint32_t *page);

#endif
