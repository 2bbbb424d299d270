/*
 * eoi=pv (hv/delivery/pv_eoi_state.c) over arbitrary sequences of device
 * interrupts (edge or level, any of a few vectors), VM entries, the
 * guest's EOIs (through the flag or the APIC register), HLT, guest
 * restarts and HC_PV_EOI registrations with any argument; in hostile runs
 * the guest also writes anything into its flag word at any time.
 *
 * The hv's calls follow hv/guest.c's entry path: the EOI mode's sync, then
 * the highest deliverable vector acked and handed to the injected hook.
 * Next to the pv vLAPIC runs a reference vLAPIC whose every EOI is a
 * trapped write (eoi=trap), fed the same interrupts.
 *
 * Invariants, always: a vector the hv flags is edge; while it is flagged
 * it is the only one in service, and a flag word is registered; the hv sets no
 * bit but PENDING, and sets it only when it flags; every EOI the vLAPIC
 * performs answers one guest EOI (an APIC write, or a flag the hv set and
 * then found clear), and a retirement from the flag retires the vector
 * flagged; an address HC_PV_EOI takes is aligned guest RAM outside the
 * hv's DMA window. Without hostile writes, additionally: after every entry
 * and HLT check, the pv vLAPIC's ISR and IRR equal the reference's, and
 * both inject the same vectors.
 */
#include "hv/delivery/pv_eoi_state.h"
#include "hv/hypercall_abi.h"
#include "tests/fuzz/fuzz.h"

static const uint8_t vectors[] = { 0x31, 0x41, 0x42, 0x61, 0xe0 };

struct run {
	struct vlapic pv, ref;
	struct pv_eoi_state s;
	uint64_t words[2];
	int word;		/* the guest's registered word, -1: none */
	bool hostile;
	uint64_t guest_eois;	/* APIC writes and flag EOIs the hv owes */
};

static uint64_t clock_zero(void)
{
	return 0;
}

static const struct guest_ram ram = {
	.r = { { 0, 0x1000000ULL, 0 }, { 0x100000000ULL, 0x200000ULL, 0x1000000ULL } },
	.n = 2,
};

static void start(struct run *r)
{
	vlapic_reset(&r->pv, 0, clock_zero);
	vlapic_reset(&r->ref, 0, clock_zero);
	vlapic_mmio_write(&r->pv, VLAPIC_SVR, 0x1ff);
	vlapic_mmio_write(&r->ref, VLAPIC_SVR, 0x1ff);
	pv_eoi_reset(&r->s);
	r->word = -1;
	r->guest_eois = 0;
}

static unsigned isr_count(const struct vlapic *v)
{
	unsigned i, n = 0;

	for (i = 0; i < 8; i++)
		n += (unsigned)__builtin_popcount(v->isr[i]);
	return n;
}

/* Retirements the vLAPIC performed: each one a guest EOI. */
static uint64_t retired(const struct vlapic *v)
{
	return v->stats.eoi + v->stats.spurious_eoi;
}

static void check_always(const struct run *r)
{
	if (r->s.vector >= 0) {
		FUZZ_CHECK(r->s.flag != NULL, "vector 0x%x flagged with no word", r->s.vector);
		FUZZ_CHECK(isr_count(&r->pv) == 1 &&
			   vlapic_highest_isr(&r->pv) == r->s.vector,
			   "flagged 0x%x but %u vector(s) in service, highest %d", r->s.vector,
			   isr_count(&r->pv), vlapic_highest_isr(&r->pv));
	}
	FUZZ_CHECK(retired(&r->pv) == r->guest_eois, "%lu retirements for %lu guest EOIs",
		   (unsigned long)retired(&r->pv), (unsigned long)r->guest_eois);
	FUZZ_CHECK(r->s.stats.pv_eoi <= r->s.stats.flagged, "%lu flag EOIs, %lu flagged",
		   (unsigned long)r->s.stats.pv_eoi, (unsigned long)r->s.stats.flagged);
}

static void check_same(const struct run *r)
{
	if (r->hostile)
		return;
	FUZZ_CHECK(!memcmp(r->pv.isr, r->ref.isr, sizeof(r->pv.isr)) &&
		   !memcmp(r->pv.irr, r->ref.irr, sizeof(r->pv.irr)),
		   "pv ISR/IRR highest %d/%d, trapped %d/%d", vlapic_highest_isr(&r->pv),
		   vlapic_highest_irr(&r->pv), vlapic_highest_isr(&r->ref),
		   vlapic_highest_irr(&r->ref));
}

/* Wrap an hv call that may look at the flag: the bits it changes, and a
 * retirement from the flag only of the vector it had flagged, found clear. */
struct before {
	uint64_t words[2], pv_eoi;
	int vector;
	bool was_clear;
};

static void hv_enter(const struct run *r, struct before *b)
{
	memcpy(b->words, r->words, sizeof(b->words));
	b->pv_eoi = r->s.stats.pv_eoi;
	b->vector = r->s.vector;
	b->was_clear = r->s.flag && !(*r->s.flag & HC_PV_EOI_PENDING);
}

static void hv_leave(struct run *r, const struct before *b)
{
	unsigned i;

	for (i = 0; i < 2; i++) {
		uint64_t changed = b->words[i] ^ r->words[i];

		FUZZ_CHECK(!(changed & ~HC_PV_EOI_PENDING), "hv changed word %u: %lx -> %lx", i,
			   (unsigned long)b->words[i], (unsigned long)r->words[i]);
		if (r->words[i] & ~b->words[i] & HC_PV_EOI_PENDING)
			FUZZ_CHECK(r->s.vector >= 0 && r->s.flag == &r->words[i],
				   "hv set word %u's bit without flagging", i);
	}
	if (r->s.stats.pv_eoi != b->pv_eoi) {
		FUZZ_CHECK(r->s.stats.pv_eoi == b->pv_eoi + 1 && b->vector >= 0 && b->was_clear,
			   "retired from a flag it had not set, or that was set");
		r->guest_eois++;
	}
}

static void entry(struct run *r)
{
	struct before b;
	int vec, ref;

	hv_enter(r, &b);
	pv_eoi_sync(&r->s, &r->pv);
	hv_leave(r, &b);
	check_always(r);
	vec = vlapic_ack(&r->pv);
	ref = vlapic_ack(&r->ref);
	if (!r->hostile)
		FUZZ_CHECK(vec == ref, "pv injects %d, trapped %d", vec, ref);
	if (vec >= 0) {
		hv_enter(r, &b);
		pv_eoi_injected(&r->s, &r->pv, (uint8_t)vec);
		hv_leave(r, &b);
		FUZZ_CHECK(r->s.vector < 0 || !vlapic_level(&r->pv, (uint8_t)r->s.vector),
			   "level vector 0x%x flagged", r->s.vector);
	}
	check_same(r);
}

static void apic_write(struct run *r)
{
	struct before b;

	hv_enter(r, &b);
	pv_eoi_apic_eoi(&r->s, &r->pv);
	hv_leave(r, &b);
	r->guest_eois++;
	vlapic_eoi(&r->ref);
}

/* guest/lapic.c's EOI: BTR of its word when registered. */
static void guest_eoi(struct run *r)
{
	bool was_set = false;

	if (r->word >= 0) {
		was_set = r->words[r->word] & HC_PV_EOI_PENDING;
		r->words[r->word] &= ~HC_PV_EOI_PENDING;
	}
	if (!was_set) {
		apic_write(r);
		return;
	}
	vlapic_eoi(&r->ref);
}

/* HC_PV_EOI with the guest-physical address of words[w] (w < 2), 0 (off)
 * or any other address (refused, or accepted as one of the words). */
static void hc_pv_eoi(struct run *r, uint64_t arg, unsigned w)
{
	static const uint64_t word_gpa[2] = { 0x200000, 0x100000ff8ULL };
	uint64_t gpa = w < 2 ? word_gpa[w] + (arg & 7) : arg;
	const char *why = NULL;
	struct before b;
	int err;

	hv_enter(r, &b);
	if (w == 2) {
		pv_eoi_register(&r->s, &r->pv, 0, NULL);
		r->word = -1;
		hv_leave(r, &b);
		return;
	}
	err = pv_eoi_check_gpa(&ram, gpa, &why);
	if (!err) {
		FUZZ_CHECK(!(gpa & 7) && (gpa + 8 <= GUEST_HV_DMA_GPA ||
					  gpa >= GUEST_HV_DMA_GPA + GUEST_HV_DMA_SIZE) &&
			   guest_ram_find(&ram, gpa, 8), "accepted 0x%lx", (unsigned long)gpa);
		/* the harness has two words: any other accepted address is the first */
		w = w < 2 ? w : 0;
		pv_eoi_register(&r->s, &r->pv, gpa, &r->words[w]);
		r->word = (int)w;
	} else {
		FUZZ_CHECK((err == -HC_EINVAL || err == -HC_EFAULT) && why &&
			   fuzz_printable_line(why, 120), "refusal %d", err);
	}
	hv_leave(r, &b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct run r;
	unsigned steps;

	memset(&r, 0, sizeof(r));
	start(&r);
	r.hostile = fuzz_u8(&in) & 1;
	for (steps = 0; in.left && steps < 4096; steps++) {
		uint8_t op = fuzz_u8(&in), arg = fuzz_u8(&in);
		uint8_t vec = vectors[arg % sizeof(vectors)];
		bool level = arg & 0x80;
		struct before b;

		switch (op % 9) {
		case 0:
			vlapic_accept(&r.pv, vec, level);
			vlapic_accept(&r.ref, vec, level);
			break;
		case 1:
			entry(&r);
			break;
		case 2:
			if (vlapic_highest_isr(&r.ref) >= 0 || r.hostile)
				guest_eoi(&r);
			break;
		case 3:		/* the EOI register written directly */
			if (vlapic_highest_isr(&r.ref) >= 0 || r.hostile)
				apic_write(&r);
			break;
		case 4:		/* HLT: the hv's check before it waits */
			hv_enter(&r, &b);
			pv_eoi_sync(&r.s, &r.pv);
			hv_leave(&r, &b);
			check_same(&r);
			break;
		case 5:
			hc_pv_eoi(&r, arg & 0x40 ? fuzz_u64(&in) : arg, arg % 4);
			break;
		case 6:
			start(&r);
			break;
		case 7:
			if (r.hostile)
				r.words[arg & 1] = fuzz_u64(&in);
			break;
		default:
			if (r.hostile)
				r.words[arg & 1] ^= HC_PV_EOI_PENDING;
			break;
		}
		check_always(&r);
	}
	return 0;
}
