/* ST_IRQ: the assigned device's MSI-X interrupts end to end through the
 * hv, one verdict per property. Every raise is spaced by the source's
 * emulated throttle (QEMU's 82574: 128 us) from the last one of its entry, and an entry is raised again only once its last
 * message has landed, so each raise means exactly one message (QEMU would
 * otherwise hold or merge them, and a PBA bit holds one message at most). */
#include <errno.h>
#include <stdio.h>

#include "guest/devtest.h"
#include "guest/guest.h"
#include "guest/irqsrc.h"
#include "guest/lapic.h"
#include "drivers/cpu.h"

#define IRQ_ROUNDS		20	/* irq.deliver: raises per entry */
#define IRQ_RETARGET_ROUNDS	40
#define IRQ_STRESS_STEPS	2000
#define IRQ_STRESS_SEED		0x9e3779b97f4a7c15ull
#define IRQ_STORM_RAISES	60	/* irq.storm: raises per entry */
#define IRQ_PENDED_ENTRY	4	/* Other: the cause a link change raises */
#define IRQ_AUTONEG_MS		500	/* QEMU 7.2: e1000x_restart_autoneg's timer */
#define IRQ_PENDED_WAIT_MS	3000	/* a real PHY negotiates within this */
#define IRQ_PENDED_CALIB	4	/* timed mask writes before the real one */
#define NS_PER_MS		1000000ull
#define IRQ_TIMEOUT_MS		100	/* a message that should land */
#define IRQ_QUIET_MS		2	/* window in which nothing may land */

static uint64_t irq_timeout(const struct irqsrc *s)
{
	return IRQ_TIMEOUT_MS * s->ms;
}

static uint64_t irq_quiet(const struct irqsrc *s)
{
	return IRQ_QUIET_MS * s->ms;
}

/* Between properties: function unmasked, every entry back on its base
 * vector and unmasked, whatever is in flight landed, counters zero. */
static void irq_reset(struct irqsrc *s)
{
	unsigned i;

	msix_ctrl_update(s->src.msix, PCI_MSIX_CTRL_MASKALL, 0);
	for (i = 0; i < s->src.nvec; i++) {
		irqsrc_retarget(s, i, (uint8_t)(IRQSRC_VEC_BASE + i));
		irqsrc_mask(s, i, false);
	}
	irqsrc_settle(irq_quiet(s) + s->spacing);
	irqsrc_reset_counts(s);
}

static unsigned irq_pending_count(const struct irqsrc *s)
{
	unsigned i, n = 0;

	for (i = 0; i < s->src.nvec; i++)
		n += msix_pending(s->src.msix, i) == 1;
	return n;
}

/* Every entry, raised IRQ_ROUNDS times, lands exactly once per raise on
 * its own vector. */
static void irq_deliver(struct irqsrc *s)
{
	const char *name = "irq.deliver";
	unsigned r, i, v;

	for (r = 0; r < IRQ_ROUNDS; r++)
		for (i = 0; i < s->src.nvec; i++) {
			v = IRQSRC_VEC_BASE + i;
			if (irqsrc_trigger(s, i))
				return report(HC_FAIL, name, "raising entry %u failed", i);
			if (!irqsrc_wait(&irqsrc_count[v], r + 1, irq_timeout(s)))
				return report(HC_FAIL, name, "entry %u raise %u: nothing on vector "
					      "0x%x within %u ms", i, r + 1, v, IRQ_TIMEOUT_MS);
		}
	irqsrc_settle(irq_quiet(s));
	for (i = 0; i < s->src.nvec; i++) {
		v = IRQSRC_VEC_BASE + i;
		if (irqsrc_count[v] != IRQ_ROUNDS)
			return report(HC_FAIL, name, "vector 0x%x: %u deliveries for %u raises",
				      v, irqsrc_count[v], IRQ_ROUNDS);
	}
	if (irqsrc_stray())
		return report(HC_FAIL, name, "%u deliveries on vectors nothing targets",
			      irqsrc_stray());
	report(HC_PASS, name, NULL);
}

/* A raise while the entry is masked sets its PBA bit and delivers nothing;
 * the unmask delivers it exactly once and clears the bit (PCI 3.0 6.8.3.4). */
static void irq_masked(struct irqsrc *s)
{
	const char *name = "irq.masked";
	unsigned i, v, before;
	int p;

	for (i = 0; i < s->src.nvec; i++) {
		v = IRQSRC_VEC_BASE + i;
		before = irqsrc_count[v];
		irqsrc_mask(s, i, true);
		if (irqsrc_trigger(s, i))
			return report(HC_FAIL, name, "raising entry %u failed", i);
		irqsrc_settle(irq_quiet(s));
		if (irqsrc_count[v] != before)
			return report(HC_FAIL, name, "entry %u masked: vector 0x%x delivered anyway",
				      i, v);
		if ((p = msix_pending(s->src.msix, i)) != 1)
			return report(HC_FAIL, name, "entry %u masked and raised: PBA bit reads %d, "
				      "expected 1", i, p);
		irqsrc_mask(s, i, false);
		if (!irqsrc_wait(&irqsrc_count[v], before + 1, irq_timeout(s)))
			return report(HC_FAIL, name, "entry %u: pending message not delivered "
				      "within %u ms of the unmask", i, IRQ_TIMEOUT_MS);
		irqsrc_settle(irq_quiet(s));
		if (irqsrc_count[v] != before + 1)
			return report(HC_FAIL, name, "entry %u: %u deliveries after the unmask, "
				      "expected 1", i, irqsrc_count[v] - before);
		if ((p = msix_pending(s->src.msix, i)) != 0)
			return report(HC_FAIL, name, "entry %u: PBA bit still %d after delivery",
				      i, p);
	}
	report(HC_PASS, name, NULL);
}

/* The same through the Function Mask, with all five pending at once. */
static void irq_fmask(struct irqsrc *s)
{
	const char *name = "irq.fmask";
	unsigned i, n;

	msix_ctrl_update(s->src.msix, 0, PCI_MSIX_CTRL_MASKALL);
	for (i = 0; i < s->src.nvec; i++)
		if (irqsrc_trigger(s, i))
			return report(HC_FAIL, name, "raising entry %u failed", i);
	irqsrc_settle(irq_quiet(s));
	for (i = 0; i < s->src.nvec; i++)
		if (irqsrc_delivered(s, i))
			return report(HC_FAIL, name, "function masked: entry %u delivered anyway", i);
	if ((n = irq_pending_count(s)) != s->src.nvec)
		return report(HC_FAIL, name, "function masked, %u entries raised: %u PBA bits set",
			      s->src.nvec, n);
	msix_ctrl_update(s->src.msix, PCI_MSIX_CTRL_MASKALL, 0);
	for (i = 0; i < s->src.nvec; i++)
		if (!irqsrc_wait_entry(s, i, 1, irq_timeout(s)))
			return report(HC_FAIL, name, "entry %u: not delivered within %u ms of "
				      "clearing the function mask", i, IRQ_TIMEOUT_MS);
	irqsrc_settle(irq_quiet(s));
	for (i = 0; i < s->src.nvec; i++)
		if (irqsrc_delivered(s, i) != 1)
			return report(HC_FAIL, name, "entry %u: %u deliveries for one raise",
				      i, irqsrc_delivered(s, i));
	if ((n = irq_pending_count(s)))
		return report(HC_FAIL, name, "%u PBA bits still set after delivery", n);
	report(HC_PASS, name, NULL);
}

static uint8_t irq_other_vector(const struct irqsrc *s, unsigned i)
{
	return (uint8_t)(s->vector[i] == IRQSRC_VEC_BASE + i ? IRQSRC_VEC_ALT + i
							       : IRQSRC_VEC_BASE + i);
}

/* Rotating over the entries with IF=1 throughout: raise the other four,
 * then retarget this one (mask, new data, unmask) while theirs land, then
 * raise it: it must land on its new vector only. */
static void irq_retarget(struct irqsrc *s)
{
	const char *name = "irq.retarget";
	uint32_t expect[IRQSRC_VEC_END - IRQSRC_VEC_BASE] = { 0 };
	unsigned r, i, k, v;

	cpu_sti();
	for (r = 0; r < IRQ_RETARGET_ROUNDS; r++) {
		k = r % s->src.nvec;
		for (i = 0; i < s->src.nvec; i++) {
			if (i == k || irqsrc_delivered(s, i) != s->fired[i])
				continue;	/* its last message is still in flight */
			irqsrc_trigger(s, i);
			expect[s->vector[i] - IRQSRC_VEC_BASE]++;
		}
		if (!irqsrc_wait_entry(s, k, s->fired[k], irq_timeout(s)))
			break;
		irqsrc_retarget(s, k, irq_other_vector(s, k));
		irqsrc_trigger(s, k);
		expect[s->vector[k] - IRQSRC_VEC_BASE]++;
		if (!irqsrc_wait_entry(s, k, s->fired[k], irq_timeout(s)))
			break;
	}
	cpu_cli();
	if (r < IRQ_RETARGET_ROUNDS)
		return report(HC_FAIL, name, "round %u: entry %u (vector 0x%x) not delivered "
			      "within %u ms", r, k, s->vector[k], IRQ_TIMEOUT_MS);
	for (i = 0; i < s->src.nvec; i++)
		irqsrc_wait_entry(s, i, s->fired[i], irq_timeout(s));
	irqsrc_settle(irq_quiet(s));
	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		if (irqsrc_count[v] != expect[v - IRQSRC_VEC_BASE])
			return report(HC_FAIL, name, "vector 0x%x: %u deliveries, expected %u",
				      v, irqsrc_count[v], expect[v - IRQSRC_VEC_BASE]);
	report(HC_PASS, name, NULL);
}

static uint64_t xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* What the stress run expects: deliveries per vector, and the raises the
 * device holds for an effectively masked entry (PCI 3.0 6.8.3.4: held in
 * the PBA, sent with the entry's message as it is when it is unmasked). */
struct irq_stress {
	bool fmask;
	bool held[IRQSRC_NVEC];
	uint32_t expect[IRQSRC_VEC_END - IRQSRC_VEC_BASE];
	unsigned masks, unmasks, retargets, fmasks, waits, skipped, held_raises;
};

static bool irq_eff_masked(const struct irqsrc *s, const struct irq_stress *st, unsigned i)
{
	return s->masked[i] || st->fmask;
}

/* Entry i just became effectively unmasked: what it held goes out now,
 * on the vector it targets now. */
static void irq_stress_release(const struct irqsrc *s, struct irq_stress *st, unsigned i)
{
	if (!st->held[i] || irq_eff_masked(s, st, i))
		return;
	st->held[i] = false;
	st->expect[s->vector[i] - IRQSRC_VEC_BASE]++;
}

/* 0; -ETIMEDOUT when an unmasked entry's last message did not land within
 * irq_timeout (lost); -EPROTO when the entry has more deliveries than raises
 * (one message delivered twice). Either would otherwise skip the entry's
 * raises for good, and irq.storm, which runs until every raise is made,
 * would never end. */
static int irq_stress_raise(struct irqsrc *s, struct irq_stress *st, unsigned i)
{
	if (irqsrc_delivered(s, i) < s->fired[i] && !irq_eff_masked(s, st, i)) {
		if (!irqsrc_wait_entry(s, i, s->fired[i], irq_timeout(s)))
			return -ETIMEDOUT;
		st->waits++;
	}
	if (irqsrc_delivered(s, i) > s->fired[i])
		return -EPROTO;
	if (irqsrc_delivered(s, i) != s->fired[i] || st->held[i]) {
		st->skipped++;
		return 0;
	}
	irqsrc_trigger(s, i);
	if (irq_eff_masked(s, st, i)) {
		st->held[i] = true;
		st->held_raises++;
	} else
		st->expect[s->vector[i] - IRQSRC_VEC_BASE]++;
	return 0;
}

static void irq_raise_report(const struct irqsrc *s, const char *name, unsigned i, int err)
{
	if (err == -ETIMEDOUT)
		return report(HC_FAIL, name, "entry %u: raise %u not delivered within %u ms "
			      "(%u delivered)", i, s->fired[i], IRQ_TIMEOUT_MS,
			      irqsrc_delivered(s, i));
	report(HC_FAIL, name, "entry %u: %u deliveries for %u raises (one message taken "
	       "twice)", i, irqsrc_delivered(s, i), s->fired[i]);
}

static void irq_stress_fmask(struct irqsrc *s, struct irq_stress *st, bool set)
{
	unsigned i;

	msix_ctrl_update(s->src.msix, set ? 0 : PCI_MSIX_CTRL_MASKALL,
			 set ? PCI_MSIX_CTRL_MASKALL : 0);
	st->fmask = set;
	st->fmasks++;
	for (i = 0; i < s->src.nvec; i++)
		irq_stress_release(s, st, i);
}

/* One random step. A raise waits for the entry's spacing and happens only
 * once its previous message has landed: unmasked, it waits (halts) for
 * that; masked, the raise is skipped, since a second message would merge
 * into the one PBA bit. */
static int irq_stress_step(struct irqsrc *s, uint64_t r, struct irq_stress *st)
{
	unsigned i = (unsigned)(r % s->src.nvec);

	switch ((r >> 8) % 8) {
	case 0: case 1: case 2: case 3:
		return irq_stress_raise(s, st, i);
	case 4:
		irqsrc_mask(s, i, true);
		st->masks++;
		break;
	case 5:
		irqsrc_mask(s, i, false);
		st->unmasks++;
		irq_stress_release(s, st, i);
		break;
	case 6:
		irqsrc_retarget(s, i, irq_other_vector(s, i));
		st->retargets++;
		break;
	default:
		if (!((r >> 16) % 4))
			irq_stress_fmask(s, st, (r >> 20) & 1);
		break;
	}
	return 0;
}

/* The end of a random run: every entry unmasked (its held messages go out
 * on the vector it targets now), then, with IF=0, wait until each entry's
 * raises are in and the device is quiet. */
static void irq_stress_finish(struct irqsrc *s, struct irq_stress *st)
{
	unsigned i;

	for (i = 0; i < s->src.nvec; i++) {
		irqsrc_mask(s, i, false);
		irq_stress_release(s, st, i);
	}
	cpu_cli();
	for (i = 0; i < s->src.nvec; i++)
		irqsrc_wait_entry(s, i, s->fired[i], irq_timeout(s));
	irqsrc_settle(irq_quiet(s) + s->spacing);
}

/* Random raise/mask/unmask/retarget/function-mask steps with IF=1. After
 * unmasking everything nothing may be pending (a message left in the PBA
 * after its unmask is lost), and each vector must have exactly the
 * deliveries the steps sent to it: one lost on one vector cannot hide
 * behind one doubled on the entry's other vector. */
static void irq_stress(struct irqsrc *s)
{
	const char *name = "irq.stress";
	struct irq_stress st = { 0 };
	uint64_t x = IRQ_STRESS_SEED, r;
	unsigned step, i, v, raised = 0, delivered = 0;
	int p, err;

	cpu_sti();
	for (step = 0; step < IRQ_STRESS_STEPS; step++) {
		r = xorshift64(&x);
		err = irq_stress_step(s, r, &st);
		if (err) {
			cpu_cli();
			return irq_raise_report(s, name, (unsigned)(r % s->src.nvec), err);
		}
	}
	irq_stress_fmask(s, &st, false);
	irq_stress_finish(s, &st);
	for (i = 0; i < s->src.nvec; i++) {
		raised += s->fired[i];
		delivered += irqsrc_delivered(s, i);
		if ((p = msix_pending(s->src.msix, i)) != 0)
			return report(HC_FAIL, name, "entry %u: PBA bit reads %d after the final "
				      "unmask (%u delivered of %u raised)", i, p,
				      irqsrc_delivered(s, i), s->fired[i]);
	}
	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		if (irqsrc_count[v] != st.expect[v - IRQSRC_VEC_BASE])
			return report(HC_FAIL, name, "vector 0x%x: %u deliveries, expected %u",
				      v, irqsrc_count[v], st.expect[v - IRQSRC_VEC_BASE]);
	printf("irq.stress: %u steps: %u raised, %u delivered; %u masks, %u unmasks, "
	       "%u retargets, %u function-mask writes, %u waits, %u raises skipped\n",
	       IRQ_STRESS_STEPS, raised, delivered, st.masks, st.unmasks, st.retargets,
	       st.fmasks, st.waits, st.skipped);
	report(HC_PASS, name, NULL);
}

/* Every entry raised again the moment its spacing allows, while the guest
 * keeps masking one random entry and unmasking another between the raises
 * (each a trapped exit), with IF=1 throughout: raises land on unmasked entries,
 * are held by masked ones and go out on their unmask. Then, as in
 * irq.stress, exact counts per vector and nothing left pending. */
static void irq_storm(struct irqsrc *s)
{
	const char *name = "irq.storm";
	struct irq_stress st = { 0 };
	uint64_t x = IRQ_STRESS_SEED, r;
	unsigned n, i, v, raised = 0;
	int p, err;

	cpu_sti();
	for (n = 0; raised < IRQ_STORM_RAISES * s->src.nvec; n++) {
		i = n % s->src.nvec;
		if (s->fired[i] < IRQ_STORM_RAISES &&
		    cpu_rdtsc() - s->last_fire[i] >= s->spacing) {
			err = irq_stress_raise(s, &st, i);
			if (err) {
				cpu_cli();
				return irq_raise_report(s, name, i, err);
			}
			raised = 0;
			for (v = 0; v < s->src.nvec; v++)
				raised += s->fired[v];
		}
		r = xorshift64(&x);
		irqsrc_mask(s, (unsigned)(r % s->src.nvec), true);
		irqsrc_mask(s, (unsigned)((r >> 8) % s->src.nvec), false);
		irq_stress_release(s, &st, (unsigned)((r >> 8) % s->src.nvec));
		st.masks++;
		st.unmasks++;
	}
	irq_stress_finish(s, &st);
	for (i = 0; i < s->src.nvec; i++)
		if ((p = msix_pending(s->src.msix, i)) != 0)
			return report(HC_FAIL, name, "entry %u: PBA bit reads %d after the final "
				      "unmask", i, p);
	for (v = IRQSRC_VEC_BASE; v < IRQSRC_VEC_END; v++)
		if (irqsrc_count[v] != st.expect[v - IRQSRC_VEC_BASE])
			return report(HC_FAIL, name, "vector 0x%x: %u deliveries, expected %u",
				      v, irqsrc_count[v], st.expect[v - IRQSRC_VEC_BASE]);
	printf("irq.storm: %u raises (%u of them held by a masked entry) over %u rounds, "
	       "%u masks and %u unmasks between them, %u raises skipped\n", raised,
	       st.held_raises, n, st.masks, st.unmasks, st.skipped);
	report(HC_PASS, name, NULL);
}

/* Shortest round trip of a single trapped write of an entry's mask bit. */
static uint64_t irq_mask_round_trip(volatile uint32_t *ctrl)
{
	uint64_t t0, d, best = ~0ull;
	unsigned n;

	for (n = 0; n < IRQ_PENDED_CALIB; n++) {
		t0 = cpu_rdtsc();
		*ctrl = MSIX_ENTRY_CTRL_MASKBIT;
		d = cpu_rdtsc() - t0;
		if (d < best)
			best = d;
		*ctrl = 0;
	}
	return best;
}

/*
 * The hv's pended path, which nothing else reaches under QEMU: a message
 * arriving while the guest's entry is masked only virtually (its mask
 * write has trapped, the hv has not yet masked the physical entry) becomes
 * the virtual pending bit and is delivered on the unmask. QEMU delivers a
 * device message the instant it is raised, and a raise by a guest register
 * write exits before the guest's next instruction, so only a message the
 * device times itself can land inside the hv's handling of a trapped
 * write. The link change that ends auto-negotiation is one: QEMU 7.2 sends
 * it at the virtual millisecond boundary 500 ms after the restart's, and
 * under -icount shift=0 the TSC is that clock in ns. The mask write is
 * placed so the message lands a quarter into its trapped round trip;
 * wherever it lands, the entry's vector must get it exactly once, after
 * the unmask at the latest, with nothing left pending. The hv says how it
 * went (selftest irq prints its pended count).
 */
static void irq_pended(struct irqsrc *s)
{
	const char *name = "irq.pended";
	const unsigned k = IRQ_PENDED_ENTRY;
	volatile uint32_t *ctrl = s->src.msix->table + k * 4 + MSIX_ENTRY_CTRL / 4;
	uint64_t rt, t0, t1, due, aim;
	unsigned v = s->vector[k], u;
	int p;

	if (!(s->src.ops->flags & IRQ_SOURCE_SELF_TIMED))
		return report(HC_SKIP, name, "needs a source that times a message itself (the "
			      "82574's link change); the %s cannot", s->src.ops->desc);
	rt = irq_mask_round_trip(ctrl);
	irqsrc_space(s, k);	/* the vector's throttle timer has run out */
	s->src.ops->arm(&s->src, k);
	while (cpu_rdtsc() % NS_PER_MS >= NS_PER_MS / 2)
		cpu_pause();	/* the restart's millisecond is then the read's */
	t0 = cpu_rdtsc();
	if (irqsrc_link_restart(s))
		return report(HC_FAIL, name, "restarting auto-negotiation failed");
	due = (t0 / NS_PER_MS + IRQ_AUTONEG_MS) * NS_PER_MS;
	s->fired[k]++;
	aim = due - rt / 4;
	cpu_cli();
	while (cpu_rdtsc() < aim)
		cpu_pause();
	*ctrl = MSIX_ENTRY_CTRL_MASKBIT;
	t1 = cpu_rdtsc();
	s->masked[k] = true;
	irqsrc_settle(s->spacing);
	cpu_cli();
	irqsrc_mask(s, k, false);
	if (!irqsrc_wait(&irqsrc_count[v], 1, IRQ_PENDED_WAIT_MS * s->ms))
		return report(HC_FAIL, name, "the link change was not delivered within %u ms of "
			      "the unmask", IRQ_PENDED_WAIT_MS);
	irqsrc_settle(irq_quiet(s) + s->spacing);
	if ((p = msix_pending(s->src.msix, k)) != 0)
		return report(HC_FAIL, name, "entry %u: PBA bit reads %d after delivery", k, p);
	for (u = IRQSRC_VEC_BASE; u < IRQSRC_VEC_END; u++)
		if (irqsrc_count[u] != (u == v))
			return report(HC_FAIL, name, "vector 0x%x: %u deliveries, expected %u", u,
				      irqsrc_count[u], u == v);
	printf("irq.pended: link change due at tick %lu; mask write from tick %lu to %lu "
	       "(round trip %lu); delivered at tick %lu\n", due, aim, t1, rt, irqsrc_stamp[v]);
	report(HC_PASS, name, NULL);
}

void irq_selftest(void)
{
	static struct irqsrc s;
	char why[192];
	int err = irqsrc_open(&s);

	if (err == -ENODEV) {
		irqsrc_why(&s, why, sizeof(why));
		return report(HC_SKIP, "irq", "%s", why);
	}
	if (err)
		return report(HC_FAIL, "irq", "interrupt source bring-up failed (error %d, see "
			      "above)", err);
	if (!irqsrc_is_msix(&s)) {
		irqsrc_close(&s);
		return report(HC_SKIP, "irq", "the %s has no MSI-X entries to test (source=timer, "
			      "or a device with no driver)", s.src.ops->desc);
	}
	printf("irq: source %s (%s), %u vectors\n", s.src.ops->name, s.src.ops->desc,
	       s.src.nvec);
	irq_deliver(&s);
	irq_reset(&s);
	irq_masked(&s);
	irq_reset(&s);
	irq_fmask(&s);
	irq_reset(&s);
	irq_retarget(&s);
	irq_reset(&s);
	irq_stress(&s);
	irq_reset(&s);
	irq_storm(&s);
	irq_reset(&s);
	irq_pended(&s);
	irq_reset(&s);
	if (guest_lapic_spurious())
		printf("irq: %u spurious-vector interrupts\n", guest_lapic_spurious());
	irqsrc_close(&s);
}
