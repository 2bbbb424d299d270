/*
 * msix=map's pure logic with every value the guest controls, and any
 * state the hv may be in when it calls.
 *
 * msi_map_check: the result is 0 or one of -EPERM, -EINVAL, -EFAULT,
 * with a reason (one printable line) exactly when it refuses; outside map
 * mode always -EPERM; 0 only for MSI-X enabled on an assigned device, an
 * entry inside the table, a vector in 16..255, the guest's APIC id and an
 * out pointer that is non-NULL, 8-byte aligned and does not wrap.
 *
 * msi_map_page_other: against a byte-by-byte walk of the page: it finds
 * a run exactly when some byte of the page inside the BAR is neither
 * table nor PBA, and the run it gives is the first such one, whole (its last byte
 * included, so a run may end at the top of the address space).
 */
#include "hv/delivery/msi_map_check.h"
#include "hv/hypercall_abi.h"
#include "tests/fuzz/fuzz.h"

static void fuzz_check(struct fuzz_in *in)
{
	struct msi_map_state s = {
		.map_mode = fuzz_u8(in) & 1, .assigned = fuzz_u8(in) & 1,
		.enabled = fuzz_u8(in) & 1, .nvec = fuzz_u16(in) % 2049,
		.dest_apic_id = fuzz_u8(in),
	};
	struct msi_map_args a = { .entry = fuzz_u64(in), .vector = fuzz_u64(in),
				  .dest = fuzz_u64(in), .out = fuzz_u64(in) };
	const char *why;
	int r;

	/* Small values matter most: fold some inputs into range. */
	if (a.entry & (1ULL << 63))
		a.entry &= 0xfff;
	if (a.vector & (1ULL << 63))
		a.vector &= 0x1ff;
	if (a.dest & (1ULL << 63))
		a.dest &= 0xff;
	r = msi_map_check(&s, &a, &why);
	FUZZ_CHECK(r == 0 || r == -HC_EPERM || r == -HC_EINVAL || r == -HC_EFAULT, "r %d", r);
	FUZZ_CHECK((r == 0) == (why == NULL), "r %d why %s", r, why ? why : "(null)");
	FUZZ_CHECK(!why || fuzz_printable_line(why, 120), "why \"%s\"", why);
	FUZZ_CHECK(s.map_mode || r == -HC_EPERM, "outside map mode: r %d", r);
	if (r)
		return;
	FUZZ_CHECK(s.assigned && s.enabled, "accepted with no device or MSI-X off");
	FUZZ_CHECK(a.entry < s.nvec, "entry %lu of %u accepted", a.entry, s.nvec);
	FUZZ_CHECK(a.vector >= 16 && a.vector <= 255, "vector %lu accepted", a.vector);
	FUZZ_CHECK(a.dest == s.dest_apic_id, "destination %lu accepted", a.dest);
	FUZZ_CHECK(a.out && a.out % 8 == 0 && a.out <= UINT64_MAX - 16, "out 0x%lx accepted",
		   a.out);
}

static bool in_range(uint64_t a, uint64_t len, uint64_t x)
{
	return x >= a && x - a < len;
}

/* A small layout near the page most of the time, anything otherwise. */
static uint64_t near(struct fuzz_in *in, uint64_t base)
{
	uint8_t k = fuzz_u8(in);

	return k & 0x80 ? fuzz_u64(in) : base + (uint64_t)(int16_t)fuzz_u16(in);
}

static void fuzz_page(struct fuzz_in *in)
{
	uint64_t page = fuzz_u64(in) & ~(MSI_MAP_PAGE - 1);
	uint64_t bar = near(in, page), bar_len = near(in, 0);
	uint64_t table = near(in, page), table_len = near(in, 0);
	uint64_t pba = near(in, page), pba_len = near(in, 0);
	uint64_t start = 0, last = 0, x, first = 0, run_last = 0;
	bool found = false, got;

	for (x = page; x - page < MSI_MAP_PAGE && x >= page; x++) {
		bool other = in_range(bar, bar_len, x) && !in_range(table, table_len, x) &&
			     !in_range(pba, pba_len, x);

		if (other && !found) {
			found = true;
			first = x;
		}
		if (found && !other)
			break;
		if (found)
			run_last = x;
	}
	got = msi_map_page_other(page, bar, bar_len, table, table_len, pba, pba_len, &start,
				 &last);
	FUZZ_CHECK(got == found, "page 0x%lx bar 0x%lx+0x%lx table 0x%lx+0x%lx pba 0x%lx+0x%lx: "
		   "returned %d, walk found %d", page, bar, bar_len, table, table_len, pba,
		   pba_len, got, found);
	if (!found)
		return;
	FUZZ_CHECK(start == first && last == run_last, "page 0x%lx bar 0x%lx+0x%lx table "
		   "0x%lx+0x%lx pba 0x%lx+0x%lx: run 0x%lx..0x%lx, walk 0x%lx..0x%lx", page, bar,
		   bar_len, table, table_len, pba, pba_len, start, last, first, run_last);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };

	if (fuzz_u8(&in) & 1)
		fuzz_page(&in);
	else
		fuzz_check(&in);
	return 0;
}
