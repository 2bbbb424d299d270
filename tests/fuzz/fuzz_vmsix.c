/*
 * Virtual MSI-X state machine (hv/vmsix.c) driven by arbitrary sequences of
 * guest control writes, table writes and reads (any offset and size), PBA
 * reads, device interrupts, messages landing late and enable failures.
 *
 * The fake ops play the device and the remapping hardware: a physical mask
 * and PBA bit per entry (an unmask with the PBA bit set makes the device
 * send the held message, which reaches the hv when it returns to the
 * guest), IRTEs that exist only between alloc_all and free_all, and routes
 * refused for a message outside the interrupt window. Next to it runs an
 * ideal virtual MSI-X function that sees only what the guest wrote and when
 * each interrupt became visible: delivered at once if the guest can take
 * it, else pending (two pending ones merge into one).
 *
 * Invariants: after every step each entry's deliveries equal the ideal's
 * (none lost, none doubled); no delivery while the entry, the function or
 * MSI-X itself is masked or off; route, mask and deliver only touch
 * allocated IRTEs, routes only physically masked entries, and nothing is
 * freed while unmasked; table, control and PBA reads show exactly what the
 * ideal function holds; return codes match the ideal's; the hv's delivery
 * count is the number of deliveries it made.
 */
#include <errno.h>

#include "drivers/msix.h"
#include "hv/vmsix.h"
#include "tests/fuzz/fuzz.h"

#define MAXV	72		/* more than 64: two PBA qwords */
#define EN	PCI_MSIX_CTRL_ENABLE
#define MA	PCI_MSIX_CTRL_MASKALL

struct ideal {
	bool enabled, fmask, masked[MAXV], pending[MAXV];
	bool live[MAXV];	/* unmasked with a deliverable message */
	uint64_t addr[MAXV];
	uint32_t data[MAXV];
	unsigned delivered[MAXV];
};

struct fake {
	unsigned nvec;
	bool alloc_fails;
	bool allocated;
	bool pmask[MAXV], pba[MAXV], irte[MAXV];
	unsigned inflight[MAXV], resend[MAXV], delivered[MAXV];
	struct ideal o;
	struct vmsix m;
	struct vmsix_entry e[MAXV];
};

static bool msg_ok(uint64_t addr)
{
	return (addr & ~0xfffffULL) == MSI_ADDR_BASE;
}

static bool ideal_masked(const struct ideal *o, unsigned i)
{
	return !o->enabled || o->fmask || o->masked[i];
}

/* An interrupt the guest can now see: taken at once, or pending. */
static void ideal_event(struct ideal *o, unsigned i)
{
	if (!ideal_masked(o, i) && o->live[i])
		o->delivered[i]++;
	else
		o->pending[i] = true;
}

/* The hv looks at entry i again (its vector control, any control write):
 * masked entries stop; an unmasked one goes live if its message is
 * deliverable, and takes what was pending. Returns the route error. */
static int ideal_sync(struct ideal *o, unsigned i)
{
	if (ideal_masked(o, i)) {
		o->live[i] = false;
		return 0;
	}
	if (o->live[i])
		return 0;
	if (!msg_ok(o->addr[i]))
		return -EINVAL;
	o->live[i] = true;
	if (o->pending[i]) {
		o->pending[i] = false;
		o->delivered[i]++;
	}
	return 0;
}

static int ideal_sync_all(struct ideal *o, unsigned nvec)
{
	int ret, first = 0;
	unsigned i;

	for (i = 0; i < nvec; i++) {
		ret = ideal_sync(o, i);
		if (ret && !first)
			first = ret;
	}
	return first;
}

static int ideal_ctrl(struct fake *f, uint16_t v)
{
	struct ideal *o = &f->o;
	bool en = v & EN;

	o->fmask = v & MA;
	if (en && !o->enabled && f->alloc_fails)
		return -ENOSPC;
	if (!en && o->enabled) {
		o->enabled = false;
		ideal_sync_all(o, f->nvec);
		return 0;
	}
	o->enabled = en;
	return ideal_sync_all(o, f->nvec);
}

static int ideal_dword(struct fake *f, unsigned i, unsigned reg, uint32_t v)
{
	struct ideal *o = &f->o;

	switch (reg) {
	case MSIX_ENTRY_ADDR_LO:
		o->addr[i] = (o->addr[i] & ~0xffffffffULL) | (v & ~3u);
		return 0;
	case MSIX_ENTRY_ADDR_HI:
		o->addr[i] = (o->addr[i] & 0xffffffffULL) | (uint64_t)v << 32;
		return 0;
	case MSIX_ENTRY_DATA:
		o->data[i] = v;
		return 0;
	default:
		o->masked[i] = v & MSIX_ENTRY_CTRL_MASKBIT;
		return ideal_sync(o, i);
	}
}

/* ---- the fake device and remapping hardware ---- */

static int fake_alloc_all(void *ctx, unsigned nvec)
{
	struct fake *f = ctx;
	unsigned i;

	FUZZ_CHECK(nvec == f->nvec && !f->allocated, "alloc_all(%u) allocated %d", nvec,
		   f->allocated);
	if (f->alloc_fails)
		return -ENOSPC;
	f->allocated = true;
	for (i = 0; i < nvec; i++) {
		f->pmask[i] = true;
		f->pba[i] = false;
		f->irte[i] = false;
	}
	return 0;
}

static void fake_free_all(void *ctx, unsigned nvec)
{
	struct fake *f = ctx;
	unsigned i;

	FUZZ_CHECK(nvec == f->nvec && f->allocated, "free_all(%u) allocated %d", nvec,
		   f->allocated);
	for (i = 0; i < nvec; i++) {
		FUZZ_CHECK(f->pmask[i], "entry %u freed while physically unmasked", i);
		f->pba[i] = false;
	}
	f->allocated = false;
}

static int fake_route(void *ctx, unsigned i, uint64_t addr, uint32_t data)
{
	struct fake *f = ctx;

	(void)data;
	FUZZ_CHECK(i < f->nvec && f->allocated, "route(%u) with nothing allocated", i);
	FUZZ_CHECK(f->pmask[i], "route(%u) while physically unmasked", i);
	if (!msg_ok(addr))
		return -EINVAL;
	f->irte[i] = true;
	return 0;
}

static void fake_mask(void *ctx, unsigned i, bool masked)
{
	struct fake *f = ctx;

	FUZZ_CHECK(i < f->nvec && f->allocated, "mask(%u) with nothing allocated", i);
	f->pmask[i] = masked;
	if (!masked) {
		FUZZ_CHECK(f->irte[i], "entry %u unmasked with no IRTE", i);
		if (f->pba[i]) {	/* the device sends what it held (6.8.3.5) */
			f->pba[i] = false;
			f->resend[i]++;
		}
	}
}

static bool fake_phys_pending(void *ctx, unsigned i)
{
	struct fake *f = ctx;

	FUZZ_CHECK(i < f->nvec, "phys_pending(%u)", i);
	return f->allocated && f->pba[i];
}

static void fake_deliver(void *ctx, unsigned i)
{
	struct fake *f = ctx;

	FUZZ_CHECK(i < f->nvec && f->allocated && f->irte[i],
		   "deliver(%u): allocated %d IRTE %d", i, f->allocated, f->irte[i]);
	FUZZ_CHECK(!ideal_masked(&f->o, i), "entry %u delivered while masked (enable %d, "
		   "function mask %d, entry mask %d)", i, f->o.enabled, f->o.fmask,
		   f->o.masked[i]);
	f->delivered[i]++;
}

static const struct vmsix_ops fake_ops = {
	.alloc_all = fake_alloc_all, .free_all = fake_free_all,
	.route = fake_route, .mask = fake_mask,
	.phys_pending = fake_phys_pending, .deliver = fake_deliver,
};

/* ---- steps ---- */

/* The device raises entry i: sent if physically unmasked, else held, where
 * the guest sees it as pending at once. */
static void dev_event(struct fake *f, unsigned i)
{
	if (!f->allocated)
		return;		/* MSI-X off: the function cannot signal */
	if (!f->pmask[i]) {
		f->inflight[i]++;
		return;
	}
	f->pba[i] = true;
	ideal_event(&f->o, i);
}

/* A message sent earlier reaches the hv (maybe after a mask or disable). */
static void land(struct fake *f, unsigned i)
{
	if (!f->inflight[i])
		return;
	f->inflight[i]--;
	ideal_event(&f->o, i);
	vmsix_fire(&f->m, i);
}

/* Messages an unmask made the device send reach the hv when it returns to
 * the guest: they were counted by the ideal when held. */
static void drain_resends(struct fake *f)
{
	unsigned i;

	for (i = 0; i < f->nvec; i++)
		for (; f->resend[i]; f->resend[i]--)
			vmsix_fire(&f->m, i);
}

static int table_write(struct fake *f, uint32_t off, uint8_t size, uint64_t v)
{
	unsigned i = off / PCI_MSIX_ENTRY_SIZE, reg = off % PCI_MSIX_ENTRY_SIZE;
	int want = 0, lo, got;

	if ((size != 4 && size != 8) || off % size || off >= f->nvec * PCI_MSIX_ENTRY_SIZE)
		want = -EINVAL;
	else {
		lo = ideal_dword(f, i, reg, (uint32_t)v);
		want = size == 8 ? ideal_dword(f, i, reg + 4, (uint32_t)(v >> 32)) : 0;
		if (lo)
			want = lo;
	}
	got = vmsix_table_write(&f->m, off, size, v);
	FUZZ_CHECK(got == want, "table write 0x%x/%u = 0x%llx returned %d, expected %d",
		   off, size, (unsigned long long)v, got, want);
	return got;
}

static uint32_t ideal_read_dw(const struct ideal *o, unsigned i, unsigned reg)
{
	switch (reg) {
	case MSIX_ENTRY_ADDR_LO:
		return (uint32_t)o->addr[i];
	case MSIX_ENTRY_ADDR_HI:
		return (uint32_t)(o->addr[i] >> 32);
	case MSIX_ENTRY_DATA:
		return o->data[i];
	default:
		return o->masked[i];
	}
}

static void table_read(struct fake *f, uint32_t off, uint8_t size)
{
	unsigned i = off / PCI_MSIX_ENTRY_SIZE, reg = off % PCI_MSIX_ENTRY_SIZE;
	bool ok = (size == 4 || size == 8) && !(off % size) &&
		  off < f->nvec * PCI_MSIX_ENTRY_SIZE;
	uint64_t v, want = size == 8 ? ~0ULL : 0xffffffffULL;
	int ret = vmsix_table_read(&f->m, off, size, &v);

	if (ok) {
		want = ideal_read_dw(&f->o, i, reg);
		if (size == 8)
			want |= (uint64_t)ideal_read_dw(&f->o, i, reg + 4) << 32;
	}
	FUZZ_CHECK(ret == (ok ? 0 : -EINVAL) && v == want,
		   "table read 0x%x/%u: %d 0x%llx, expected 0x%llx", off, size, ret,
		   (unsigned long long)v, (unsigned long long)want);
}

static void pba_read(struct fake *f, uint32_t off, uint8_t size)
{
	uint32_t limit = (f->nvec + 63) / 64 * 8;
	bool ok = (size == 4 || size == 8) && !(off % size) && off < limit;
	uint64_t v, want = size == 8 ? ~0ULL : 0xffffffffULL;
	int ret = vmsix_pba_read(&f->m, off, size, &v);
	unsigned b;

	if (ok)
		for (want = 0, b = 0; b < size * 8u && off * 8 + b < f->nvec; b++)
			want |= (uint64_t)f->o.pending[off * 8 + b] << b;
	FUZZ_CHECK(ret == (ok ? 0 : -EINVAL) && v == want,
		   "PBA read 0x%x/%u: %d 0x%llx, expected 0x%llx", off, size, ret,
		   (unsigned long long)v, (unsigned long long)want);
}

static void ctrl_write(struct fake *f, uint16_t v)
{
	int want = ideal_ctrl(f, v), got = vmsix_ctrl_write(&f->m, v);
	uint16_t r = vmsix_ctrl_read(&f->m);

	FUZZ_CHECK(got == want, "control write 0x%04x returned %d, expected %d", v, got, want);
	FUZZ_CHECK(r == ((f->o.enabled ? EN : 0) | (f->o.fmask ? MA : 0) | (f->nvec - 1)),
		   "control reads 0x%04x", r);
}

static void check_counts(const struct fake *f)
{
	uint64_t all = 0;
	unsigned i;

	for (i = 0; i < f->nvec; i++)
		all += f->delivered[i];
	FUZZ_CHECK(f->m.stats.deliveries == all, "stats count %llu deliveries, %llu made",
		   (unsigned long long)f->m.stats.deliveries, (unsigned long long)all);
	for (i = 0; i < f->nvec; i++)
		FUZZ_CHECK(f->delivered[i] == f->o.delivered[i],
			   "entry %u: %u deliveries, the guest should have %u (%s)", i,
			   f->delivered[i], f->o.delivered[i],
			   f->delivered[i] > f->o.delivered[i] ? "doubled" : "lost");
}

/* Offsets mostly inside the table, sometimes anywhere. */
static uint32_t pick_off(struct fuzz_in *in, uint32_t limit)
{
	uint8_t b = fuzz_u8(in);

	return b & 0x80 ? fuzz_u32(in) : (uint32_t)((b * 4u) % (limit + 8));
}

static uint8_t pick_size(uint8_t b)
{
	static const uint8_t sizes[] = { 4, 8, 4, 8, 4, 8, 2, 1 };

	return sizes[b % 8];
}

static uint32_t pick_addr_lo(struct fuzz_in *in)
{
	uint32_t v = fuzz_u32(in);

	return v & 1 ? v : MSI_ADDR_BASE | (v & 0xff000);	/* mostly deliverable */
}

static void step(struct fake *f, struct fuzz_in *in)
{
	uint8_t op = fuzz_u8(in), arg = fuzz_u8(in);
	unsigned i = arg % f->nvec;
	uint32_t off;

	switch (op % 12) {
	case 0:
		ctrl_write(f, fuzz_u16(in));
		break;
	case 1:
		table_write(f, i * 16 + MSIX_ENTRY_CTRL, 4, fuzz_u8(in) & 1);
		break;
	case 2:
		table_write(f, i * 16 + MSIX_ENTRY_ADDR_LO, 4, pick_addr_lo(in));
		break;
	case 3:
		table_write(f, i * 16 + (arg & 0x80 ? MSIX_ENTRY_ADDR_HI : MSIX_ENTRY_DATA), 4,
			    arg & 0x40 ? fuzz_u32(in) : 0);
		break;
	case 4:
		off = pick_off(in, f->nvec * 16);
		table_write(f, off, pick_size(arg), fuzz_u64(in));
		break;
	case 5:
		off = pick_off(in, f->nvec * 16);
		table_read(f, off, pick_size(arg));
		break;
	case 6:
		off = pick_off(in, (f->nvec + 63) / 64 * 8);
		pba_read(f, off, pick_size(arg));
		break;
	case 7:
	case 8:
		dev_event(f, i);
		break;
	case 9:
		land(f, i);
		break;
	case 10:
		f->alloc_fails = arg & 1;
		break;
	default:
		vmsix_fire(&f->m, f->nvec + arg);	/* out of range: refused */
		break;
	}
	drain_resends(f);
	check_counts(f);
}

/* Everything in flight lands; then the guest enables, gives every entry a
 * deliverable message and unmasks it: nothing may be left pending. */
static void finish(struct fake *f)
{
	unsigned i;

	for (i = 0; i < f->nvec; i++)
		while (f->inflight[i])
			land(f, i);
	f->alloc_fails = false;
	ctrl_write(f, EN | MA);
	for (i = 0; i < f->nvec; i++) {
		table_write(f, i * 16 + MSIX_ENTRY_ADDR_LO, 8, MSI_ADDR_BASE);
		table_write(f, i * 16 + MSIX_ENTRY_CTRL, 4, 0);
	}
	ctrl_write(f, EN);
	drain_resends(f);
	check_counts(f);
	for (i = 0; i < f->nvec; i++)
		FUZZ_CHECK(!f->o.pending[i] && !f->pba[i], "entry %u still pending", i);
	pba_read(f, 0, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fake f;
	struct fuzz_in in = { data, size };
	unsigned i;

	memset(&f, 0, sizeof(f));
	f.nvec = 1 + fuzz_u8(&in) % MAXV;
	FUZZ_CHECK(vmsix_init(&f.m, f.nvec, f.e, &fake_ops, &f) == 0, "vmsix_init(%u)", f.nvec);
	for (i = 0; i < f.nvec; i++)
		f.o.masked[i] = true;
	while (in.left)
		step(&f, &in);
	finish(&f);
	return 0;
}
