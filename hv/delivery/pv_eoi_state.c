/* eoi=pv's bookkeeping (see pv_eoi_state.h). */
#include <stdbool.h>
#include "hv/delivery/pv_eoi_state.h"
#include "hv/hypercall_abi.h"

void pv_eoi_reset(struct pv_eoi_state *s)
{
	*s = (struct pv_eoi_state){ .vector = -1 };
}

int pv_eoi_check_gpa(const struct guest_ram *ram, uint64_t gpa, const char **why)
{
	if (gpa & 7) {
		*why = "not 8-byte aligned";
		return -HC_EINVAL;
	}
	if (gpa < GUEST_HV_DMA_GPA + GUEST_HV_DMA_SIZE && gpa + 8 > GUEST_HV_DMA_GPA) {
		*why = "inside the hv's DMA window at GUEST_HV_DMA_GPA, which the device writes";
		return -HC_EINVAL;
	}
	if (!guest_ram_find(ram, gpa, 8)) {
		*why = "not guest RAM";
		return -HC_EFAULT;
	}
	return 0;
}

static bool flag_set(const struct pv_eoi_state *s)
{
	return *s->flag & HC_PV_EOI_PENDING;
}

static void flag_clear(struct pv_eoi_state *s)
{
	*s->flag &= ~HC_PV_EOI_PENDING;
}

/* The guest cleared the flag: its EOI, for the only vector in service. */
static void retire(struct pv_eoi_state *s, struct vlapic *v)
{
	vlapic_eoi(v);
	s->vector = -1;
	s->stats.pv_eoi++;
}

/* Take the flag back: the vector's EOI will trap. */
static void withdraw(struct pv_eoi_state *s)
{
	flag_clear(s);
	s->vector = -1;
	s->stats.withdrawn++;
}

/* A flagged vector before the word changes: retired or withdrawn. */
static void settle(struct pv_eoi_state *s, struct vlapic *v)
{
	if (s->vector < 0)
		return;
	if (flag_set(s))
		withdraw(s);
	else
		retire(s, v);
}

void pv_eoi_register(struct pv_eoi_state *s, struct vlapic *v, uint64_t gpa,
		     volatile uint64_t *flag)
{
	settle(s, v);
	s->gpa = flag ? gpa : 0;
	s->flag = flag;
	if (flag)
		flag_clear(s);
}

/* vector is in ISR and no other vector is. */
static bool only_in_service(const struct vlapic *v, uint8_t vector)
{
	unsigned i;

	for (i = 0; i < 8; i++)
		if (v->isr[i] != (i == vector / 32u ? 1u << (vector % 32u) : 0))
			return false;
	return true;
}

void pv_eoi_injected(struct pv_eoi_state *s, struct vlapic *v, uint8_t vector)
{
	if (!s->flag)
		return;
	if (s->vector >= 0)
		withdraw(s);
	if (vlapic_level(v, vector) || !only_in_service(v, vector) || vlapic_irr_any(v))
		return;
	*s->flag |= HC_PV_EOI_PENDING;
	s->vector = vector;
	s->stats.flagged++;
}

void pv_eoi_sync(struct pv_eoi_state *s, struct vlapic *v)
{
	if (s->vector < 0)
		return;
	if (!flag_set(s))
		retire(s, v);
	else if (vlapic_irr_any(v))
		withdraw(s);
}

/* With the flag still set the write is the flagged vector's one EOI. With
 * it clear the guest has already ended that vector through the flag, and
 * the write is one EOI more (spurious: the flagged vector was the only one
 * in service): a guest that EOIs twice, or a vector the CPU delivered twice
 * (QEMU 7.2's TCG SVM can, after an EVENTINJ injection). */
void pv_eoi_apic_eoi(struct pv_eoi_state *s, struct vlapic *v)
{
	if (s->vector >= 0 && flag_set(s)) {
		flag_clear(s);
		s->vector = -1;
		s->stats.trapped++;
	} else if (s->vector >= 0) {
		retire(s, v);
		s->stats.doubled++;
	}
	vlapic_eoi(v);
}
