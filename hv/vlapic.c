/* Virtual local APIC: the interrupt acceptance, priority and EOI rules of
 * SDM vol 3, 11.8, and the xAPIC register page of 11.4.1 / Table 11-1.
 * Vectors live in 256-bit banks (IRR, ISR, TMR) of eight 32-bit words, the
 * layout the register page exposes (SDM vol 3, Figure 11-20).
 */
#include <errno.h>
#include <string.h>

#include "drivers/bits.h"
#include "hv/vlapic.h"

#define VLAPIC_VERSION          0x14    /* integrated APIC (SDM 11.4.8) */
#define VLAPIC_PAGE_SIZE        0x1000
#define VLAPIC_REG_ALIGN        0x10    /* registers on 128-bit boundaries */
#define VLAPIC_FIRST_VECTOR     16      /* 0..15 are illegal (SDM 11.5.2) */
#define VLAPIC_BANK_BYTES       0x80    /* one 256-bit bank in the page */

/* Writable bits of each LVT (SDM vol 3, Figure 11-8): delivery status and
 * remote IRR are read-only; the timer has no delivery mode. */
static const uint32_t lvt_writable[VLAPIC_NR_LVT] = {
	[VLAPIC_LVT_IDX_CMCI]    = 0x000107ff,
	[VLAPIC_LVT_IDX_TIMER]   = 0x000700ff,  /* + timer mode 18:17 */
	[VLAPIC_LVT_IDX_THERMAL] = 0x000107ff,
	[VLAPIC_LVT_IDX_PERF]    = 0x000107ff,
	[VLAPIC_LVT_IDX_LINT0]   = 0x0001a7ff,  /* + polarity, trigger */
	[VLAPIC_LVT_IDX_LINT1]   = 0x0001a7ff,
	[VLAPIC_LVT_IDX_ERROR]   = 0x000100ff,
};

static bool vec_test(const uint32_t *bank, unsigned int vec)
{
	return bank[vec / 32] & (1u << (vec % 32));
}

/* TMR: a bank without summary. */
static void vec_clear(uint32_t *bank, unsigned int vec)
{
	bank[vec / 32] &= ~(1u << (vec % 32));
}

/* IRR and ISR: the bank and its summary (struct vlapic's irr_sum). */
static void sum_set(uint32_t *bank, uint8_t *sum, unsigned int vec)
{
	bank[vec / 32] |= 1u << (vec % 32);
	*sum |= (uint8_t)(1u << (vec / 32));
}

static void sum_clear(uint32_t *bank, uint8_t *sum, unsigned int vec)
{
	bank[vec / 32] &= ~(1u << (vec % 32));
	if (!bank[vec / 32])
		*sum &= (uint8_t)~(1u << (vec / 32));
}

/* The summary of a bank written whole (the virtual-APIC page's). */
static uint8_t bank_summary(const uint32_t *bank)
{
	uint8_t sum = 0;

	for (unsigned int i = 0; i < 8; i++)
		if (bank[i])
			sum |= (uint8_t)(1u << i);
	return sum;
}

/* Highest set vector in a bank with its summary, or -1. */
static int sum_highest(const uint32_t *bank, uint8_t sum)
{
	int i;

	if (!sum)
		return -1;
	i = 31 - __builtin_clz(sum);
	return i * 32 + 31 - __builtin_clz(bank[i]);
}

int vlapic_highest_irr(const struct vlapic *v)
{
	return sum_highest(v->irr, v->irr_sum);
}

int vlapic_highest_isr(const struct vlapic *v)
{
	return sum_highest(v->isr, v->isr_sum);
}

void vlapic_reset(struct vlapic *v, uint32_t apic_id, uint64_t (*clock)(void))
{
	memset(v, 0, sizeof(*v));
	v->clock = clock;
	vtimer_reset(&v->timer);
	v->id = apic_id;
	v->svr = 0xff;
	v->dfr = 0xffffffff;
	for (int i = 0; i < VLAPIC_NR_LVT; i++)
		v->lvt[i] = VLAPIC_LVT_MASKED;
}

/* Log an error and raise the error LVT if it is usable (SDM vol 3, 11.5.3). */
static void signal_error(struct vlapic *v, uint32_t esr_bit)
{
	uint32_t lvt = v->lvt[VLAPIC_LVT_IDX_ERROR];
	unsigned int vec = FIELD_GET(VLAPIC_LVT_VECTOR, lvt);

	v->esr_pending |= esr_bit;
	if (v->enabled && !(lvt & VLAPIC_LVT_MASKED) &&
	    vec >= VLAPIC_FIRST_VECTOR) {
		sum_set(v->irr, &v->irr_sum, vec);
		vec_clear(v->tmr, vec);
	}
}

int vlapic_nmi(struct vlapic *v)
{
	if (v->nmi_pending) {
		v->stats.nmi_merged++;
		return 0;
	}
	v->nmi_pending = true;
	v->stats.nmi++;
	return 1;
}

bool vlapic_nmi_take(struct vlapic *v)
{
	bool was = v->nmi_pending;

	v->nmi_pending = false;
	return was;
}

int vlapic_accept(struct vlapic *v, uint8_t vector, bool level)
{
	unsigned int w = vector / 32;
	uint32_t bit = 1u << (vector % 32);

	if (vector < VLAPIC_FIRST_VECTOR) {
		v->stats.illegal++;
		signal_error(v, VLAPIC_ESR_RECV_ILL);
		return -EINVAL;
	}
	/* A software-disabled APIC takes no fixed interrupts (SDM 11.4.7.2;
	 * KVM drops them the same way). */
	if (!v->enabled) {
		v->stats.dropped++;
		return -ENODEV;
	}
	/* SDM 11.8.4: TMR set for level, cleared for edge on acceptance. */
	if (level != ((v->tmr[w] & bit) != 0)) {
		v->tmr[w] ^= bit;
		v->gen++;
	}
	if (v->irr[w] & bit) {
		v->stats.merged++;
		return 0;
	}
	v->irr[w] |= bit;
	v->irr_sum |= (uint8_t)(1u << w);
	v->stats.accepted++;
	return 1;
}

uint8_t vlapic_ppr(const struct vlapic *v)
{
	int isrv = vlapic_highest_isr(v);

	if (isrv < 0)
		isrv = 0;
	if ((v->tpr & 0xf0) >= (isrv & 0xf0))
		return v->tpr;
	return (uint8_t)(isrv & 0xf0);
}

/* Only the highest IRR vector matters: a lower one is never in a higher
 * priority class (SDM 11.8.3: class = vector[7:4]). */
int vlapic_pending(const struct vlapic *v)
{
	int irrv;

	if (!v->enabled || !v->irr_sum)
		return -1;
	irrv = vlapic_highest_irr(v);
	return (irrv & 0xf0) > (vlapic_ppr(v) & 0xf0) ? irrv : -1;
}

int vlapic_ack(struct vlapic *v)
{
	int vec = vlapic_pending(v);

	if (vec < 0)
		return -ENOENT;
	sum_clear(v->irr, &v->irr_sum, (unsigned int)vec);
	sum_set(v->isr, &v->isr_sum, (unsigned int)vec);
	v->stats.acked++;
	v->gen++;
	return vec;
}

int vlapic_eoi(struct vlapic *v)
{
	int vec = vlapic_highest_isr(v);

	if (vec < 0) {
		v->stats.spurious_eoi++;
		return -1;
	}
	sum_clear(v->isr, &v->isr_sum, (unsigned int)vec);
	v->stats.eoi++;
	v->gen++;
	return vec;
}

bool vlapic_level(const struct vlapic *v, uint8_t vector)
{
	return vec_test(v->tmr, vector);
}

/* LVT index for an offset, or -1. */
static int lvt_index(uint32_t off)
{
	if (off == VLAPIC_LVT_CMCI)
		return VLAPIC_LVT_IDX_CMCI;
	if (off >= VLAPIC_LVT_TIMER && off <= VLAPIC_LVT_ERROR)
		return VLAPIC_LVT_IDX_TIMER + (int)((off - VLAPIC_LVT_TIMER) / 0x10);
	return -1;
}

/* ISR, TMR and IRR banks: eight registers each from 0x100 (SDM Table 11-1). */
static const uint32_t *bank_word(const struct vlapic *v, uint32_t off)
{
	const uint32_t *banks[] = { v->isr, v->tmr, v->irr };

	if (off < VLAPIC_ISR || off >= VLAPIC_ESR)
		return NULL;
	return &banks[(off - VLAPIC_ISR) / VLAPIC_BANK_BYTES]
		     [(off % VLAPIC_BANK_BYTES) / VLAPIC_REG_ALIGN];
}

/* Value of a readable register; false for write-only or reserved ones. */
static bool reg_read(const struct vlapic *v, uint32_t off, uint32_t *val)
{
	const uint32_t *bank = bank_word(v, off);
	int lvt = lvt_index(off);

	if (bank)
		*val = *bank;
	else if (lvt >= 0)
		*val = v->lvt[lvt];
	else if (off == VLAPIC_ID)
		*val = v->id << 24;
	else if (off == VLAPIC_VER)
		*val = (uint32_t)(FIELD_PREP(VLAPIC_VER_MAXLVT, VLAPIC_NR_LVT - 1) |
				  VLAPIC_VERSION);
	else if (off == VLAPIC_TPR)
		*val = v->tpr;
	else if (off == VLAPIC_APR || off == VLAPIC_RRD)
		*val = 0;       /* not modelled: no arbitration */
	else if (off == VLAPIC_TIMER_CUR)
		*val = vtimer_current(&v->timer, v->lvt[VLAPIC_LVT_IDX_TIMER], v->clock());
	else if (off == VLAPIC_PPR)
		*val = vlapic_ppr(v);
	else if (off == VLAPIC_LDR)
		*val = v->ldr;
	else if (off == VLAPIC_DFR)
		*val = v->dfr;
	else if (off == VLAPIC_SVR)
		*val = v->svr;
	else if (off == VLAPIC_ESR)
		*val = v->esr;
	else if (off == VLAPIC_ICR_LO)
		*val = v->icr_lo;
	else if (off == VLAPIC_ICR_HI)
		*val = v->icr_hi;
	else if (off == VLAPIC_TIMER_INIT)
		*val = v->timer.init;
	else if (off == VLAPIC_TIMER_DIV)
		*val = v->timer.dcr;
	else
		return false;
	return true;
}

/* SVR write (SDM 11.4.7.2): clearing bit 8 masks every LVT. Focus
 * checking is kept as a bit only; EOI-broadcast suppression (bit 12) is
 * not advertised in VER, so it stays 0. */
static void svr_write(struct vlapic *v, uint32_t val)
{
	v->svr = val & (uint32_t)(VLAPIC_SVR_VECTOR | VLAPIC_SVR_ENABLE |
				  VLAPIC_SVR_FOCUS);
	v->enabled = val & VLAPIC_SVR_ENABLE;
	if (!v->enabled)
		for (int i = 0; i < VLAPIC_NR_LVT; i++)
			v->lvt[i] |= VLAPIC_LVT_MASKED;
}

/* LVT write: only writable bits; masks stay set while software-disabled.
 * A new timer mode disarms the timer (SDM 11.5.4.1). */
static void lvt_write(struct vlapic *v, int lvt, uint32_t val)
{
	uint32_t old = v->lvt[lvt];

	v->lvt[lvt] = (v->lvt[lvt] & ~lvt_writable[lvt]) |
		      (val & lvt_writable[lvt]);
	if (!v->enabled)
		v->lvt[lvt] |= VLAPIC_LVT_MASKED;
	if (lvt == VLAPIC_LVT_IDX_TIMER)
		vtimer_lvt_write(&v->timer, old, v->lvt[lvt]);
}

/* Apply a write to a writable register; false for read-only or reserved. */
static bool reg_write(struct vlapic *v, uint32_t off, uint32_t val)
{
	int lvt = lvt_index(off);

	if (lvt >= 0)
		lvt_write(v, lvt, val);
	else if (off == VLAPIC_TPR)
		v->tpr = (uint8_t)val;
	else if (off == VLAPIC_EOI)
		vlapic_eoi(v);  /* any value (SDM 11.8.5) */
	else if (off == VLAPIC_SVR)
		svr_write(v, val);
	else if (off == VLAPIC_ESR) {
		/* SDM 11.5.3: a write latches the errors since the last one. */
		v->esr = v->esr_pending;
		v->esr_pending = 0;
	} else if (off == VLAPIC_LDR)
		v->ldr = val & 0xff000000;
	else if (off == VLAPIC_DFR)
		v->dfr = val | 0x0fffffff;      /* model in 31:28, rest ones */
	else if (off == VLAPIC_ICR_LO)
		v->icr_lo = val & 0x000ccfff;   /* delivery status (12) RO */
	else if (off == VLAPIC_ICR_HI)
		v->icr_hi = val & 0xff000000;
	else if (off == VLAPIC_TIMER_INIT)
		vtimer_init_write(&v->timer, v->lvt[VLAPIC_LVT_IDX_TIMER], val, v->clock());
	else if (off == VLAPIC_TIMER_DIV)
		vtimer_dcr_write(&v->timer, val);
	else
		return false;
	return true;
}

uint64_t vlapic_timer_poll(struct vlapic *v)
{
	uint32_t lvt = v->lvt[VLAPIC_LVT_IDX_TIMER];

	if (!v->timer.deadline)
		return 0;
	if (vtimer_expire(&v->timer, lvt, v->clock()) == VTIMER_FIRE)
		vlapic_accept(v, (uint8_t)FIELD_GET(VLAPIC_LVT_VECTOR, lvt), false);
	return v->timer.deadline;
}

void vlapic_tsc_deadline_write(struct vlapic *v, uint64_t tsc)
{
	vlapic_timer_poll(v);
	vtimer_deadline_write(&v->timer, v->lvt[VLAPIC_LVT_IDX_TIMER], tsc);
}

uint64_t vlapic_tsc_deadline_read(struct vlapic *v)
{
	vlapic_timer_poll(v);
	return vtimer_deadline_read(&v->timer, v->lvt[VLAPIC_LVT_IDX_TIMER]);
}

/* Checks the offset; before a timer register is touched, an expiry that
 * is due happens first, as it would have on time. */
static int check_offset(struct vlapic *v, uint32_t off)
{
	if (off >= VLAPIC_PAGE_SIZE || !IS_ALIGNED(off, VLAPIC_REG_ALIGN)) {
		v->stats.bad_access++;
		return -EINVAL;
	}
	if (off == VLAPIC_LVT_TIMER || off == VLAPIC_TIMER_INIT ||
	    off == VLAPIC_TIMER_CUR || off == VLAPIC_TIMER_DIV)
		vlapic_timer_poll(v);
	return 0;
}

int vlapic_mmio_read(struct vlapic *v, uint32_t offset, uint32_t *value)
{
	int err = check_offset(v, offset);

	if (err)
		return err;
	if (!reg_read(v, offset, value)) {
		*value = 0;
		v->stats.bad_access++;
	}
	return 0;
}

int vlapic_mmio_write(struct vlapic *v, uint32_t offset, uint32_t value)
{
	int err = check_offset(v, offset);

	if (err)
		return err;
	if (!reg_write(v, offset, value))
		v->stats.bad_access++;
	else
		v->gen++;
	return 0;
}

int vlapic_mmio_access(struct vlapic *v, uint32_t offset, unsigned int size,
		       bool write, uint64_t *value)
{
	uint32_t val32;
	int err;

	if (size != 4) {
		v->stats.bad_access++;
		return -EINVAL;
	}
	if (write)
		return vlapic_mmio_write(v, offset, (uint32_t)*value);
	err = vlapic_mmio_read(v, offset, &val32);
	if (!err)
		*value = val32;
	return err;
}

/* The page's dword of a bank word i (eight registers 0x10 apart). */
static uint32_t *page_bank(uint32_t *page, uint32_t base, unsigned int i)
{
	return &page[(base + i * VLAPIC_REG_ALIGN) / 4];
}

uint16_t vlapic_vapic_load(struct vlapic *v, uint32_t *page)
{
	uint32_t irr[8];
	int rvi, svi;

	for (unsigned int i = 0; i < 8; i++) {
		/* OR: vectors the CPU has not delivered yet stay requested. */
		irr[i] = *page_bank(page, VLAPIC_IRR, i) | v->irr[i];
		*page_bank(page, VLAPIC_IRR, i) = irr[i];
		*page_bank(page, VLAPIC_ISR, i) = v->isr[i];
		v->irr[i] = 0;
	}
	v->irr_sum = 0;
	page[VLAPIC_TPR / 4] = v->tpr;
	rvi = sum_highest(irr, bank_summary(irr));
	svi = vlapic_highest_isr(v);
	return (uint16_t)((rvi < 0 ? 0 : rvi) | (svi < 0 ? 0 : svi) << 8);
}

void vlapic_vapic_store(struct vlapic *v, const uint32_t *page)
{
	for (unsigned int i = 0; i < 8; i++) {
		v->irr[i] = page[(VLAPIC_IRR + i * VLAPIC_REG_ALIGN) / 4];
		v->isr[i] = page[(VLAPIC_ISR + i * VLAPIC_REG_ALIGN) / 4];
	}
	v->irr_sum = bank_summary(v->irr);
	v->isr_sum = bank_summary(v->isr);
	v->tpr = (uint8_t)page[VLAPIC_TPR / 4];
}

void vlapic_vapic_mirror(const struct vlapic *v, uint32_t *page)
{
	for (uint32_t off = VLAPIC_ID; off < 0x400; off += VLAPIC_REG_ALIGN) {
		uint32_t val = 0;

		if (off == VLAPIC_TPR || off == VLAPIC_PPR || off == VLAPIC_TIMER_CUR ||
		    (off >= VLAPIC_ISR && off < VLAPIC_ISR + VLAPIC_BANK_BYTES) ||
		    (off >= VLAPIC_IRR && off < VLAPIC_IRR + VLAPIC_BANK_BYTES))
			continue;
		reg_read(v, off, &val);
		page[off / 4] = val;
	}
}
