/* VT-d self-tests on the assigned device (see vtd_selftest.h). Every
 * negative test is bracketed by a positive one on the same entry, so a
 * device that simply stopped interrupting cannot pass it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/vtd_selftest.h"
#include "hv/guest.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "hv/irq.h"
#include "hv/mem.h"
#include "hv/native_dev.h"
#include "hv/report.h"
#include "drivers/lapic.h"
#include "drivers/vtd_regs.h"

#define ROUNDS			3
#define SETTLE_US		400
#define DMA_RING_GPA		0x10000ULL	/* guest RAM the device may reach */
#define WHY_MAX			256
#define QEMU_NO_CFI_BLOCK	"QEMU 7.2 delivers compatibility-format MSIs even with CFI clear"
#define QEMU_NO_IR_FAULTS	"QEMU 7.2 records no interrupt-remapping faults (FSTS stays 0)"

/* What these tests need and the machine lacks, in the order it is
 * missing: a unit with interrupt remapping, then a device assigned. */
static bool missing(char *why, size_t len)
{
	char ir[WHY_MAX - 40];

	if (iommu_why_no_ir(ir, sizeof(ir))) {
		snprintf(why, len, "no VT-d interrupt remapping: %s", ir);
		return true;
	}
	if (!hv.assigned) {
		snprintf(why, len, "no device assigned to the guest (the boot's \"assign:\" "
			 "line says why)");
		return true;
	}
	return false;
}

/* Every test runs between native_dev_get and native_dev_put, so the
 * device's IRTEs are cleared on every path out of it. */
static void native_test(const char *name, void (*body)(struct native_dev *n, const char *name))
{
	char why[WHY_MAX];
	struct native_dev *n;
	int err;

	if (missing(why, sizeof(why)))
		return report_verdict(HC_SKIP, name, why);
	n = native_dev_get(NATIVE_DEVICE, why, sizeof(why));
	if (!n)
		return report_verdict(native_dev_error() == -ENODEV ? HC_SKIP : HC_FAIL, name, why);
	body(n, name);
	err = native_dev_put(n);
	if (err) {
		snprintf(why, sizeof(why), "clearing the native IRTEs failed (error %d)", err);
		report_verdict(HC_FAIL, name, why);
	}
}

/* A unit register the tests observe (the driver owns every write). */
static uint32_t unit_reg32(const struct vtd_unit *u, unsigned reg)
{
	return *(volatile uint32_t *)(uintptr_t)(u->reg_base + reg);
}

/* Fire vector k once; how many arrived on its host vector and elsewhere. */
static void fire(struct native_dev *n, unsigned k, uint64_t *on_k, uint64_t *others)
{
	uint64_t t0;
	unsigned i;

	for (i = 0; i < n->nvec; i++)
		irq_reset((uint8_t)(n->host_vec + i));
	irq_source_trigger(&n->src, k, &t0);
	irq_wait((uint8_t)(n->host_vec + k), 1, native_timeout());
	/* Long enough for a second message after the device's 128 us
	 * throttle interval (QEMU's 82574) to show up as a failure. */
	irq_settle(native_timeout() * SETTLE_US / 10000);
	*others = 0;
	for (i = 0; i < n->nvec; i++)
		if (i != k)
			*others += irq_count((uint8_t)(n->host_vec + i));
	*on_k = irq_count((uint8_t)(n->host_vec + k));
}

static bool delivers_once(struct native_dev *n, unsigned k, char *why, size_t len)
{
	uint64_t on_k, others;

	fire(n, k, &on_k, &others);
	if (on_k == 1 && !others)
		return true;
	snprintf(why, len, "vector %u: %lu interrupt(s) on host vector 0x%x, %lu elsewhere "
		 "(expected exactly 1)", k, on_k, n->host_vec + k, others);
	return false;
}

static bool delivers_nothing(struct native_dev *n, unsigned k, const char *what,
			     char *why, size_t len)
{
	uint64_t on_k, others;

	fire(n, k, &on_k, &others);
	if (!on_k && !others)
		return true;
	snprintf(why, len, "%s: %lu interrupt(s) arrived", what, on_k + others);
	return false;
}

static void remap(struct native_dev *n, const char *name)
{
	char why[WHY_MAX];
	unsigned k, r;

	for (r = 0; r < ROUNDS; r++)
		for (k = 0; k < n->nvec; k++)
			if (!delivers_once(n, k, why, sizeof(why)))
				return report_verdict(HC_FAIL, name, why);
	report_verdict(HC_PASS, name, NULL);
}

void vtd_test_remap(void)
{
	native_test("vtd.remap", remap);
}

/* Run a broken configuration of entry 0 between two good deliveries;
 * false with why filled when any step fails. */
static bool bracketed(struct native_dev *n, int (*breakit)(struct native_dev *),
		      int (*mend)(struct native_dev *), const char *what, char *why, size_t len)
{
	int err;

	if (!delivers_once(n, 0, why, len))
		return false;
	err = breakit(n);
	if (err) {
		snprintf(why, len, "could not set up the test (error %d)", err);
		mend(n);
		return false;
	}
	if (!delivers_nothing(n, 0, what, why, len)) {
		mend(n);
		return false;
	}
	err = mend(n);
	if (err) {
		snprintf(why, len, "restoring the entry failed (error %d)", err);
		return false;
	}
	return delivers_once(n, 0, why, len);
}

static void report_bracketed(const char *name, struct native_dev *n,
			     int (*breakit)(struct native_dev *),
			     int (*mend)(struct native_dev *), const char *what)
{
	char why[WHY_MAX];

	if (bracketed(n, breakit, mend, what, why, sizeof(why)))
		report_verdict(HC_PASS, name, NULL);
	else
		report_verdict(HC_FAIL, name, why);
}

static int restore_route(struct native_dev *n)
{
	return native_route(n, 0, n->host_vec, NULL);
}

static int wrong_sid(struct native_dev *n)
{
	/* Another bus's requester, validated exactly. */
	struct vtd_sid s = { .svt = VTD_SVT_SID, .sq = 0, .sid = (uint16_t)(n->sid.sid ^ 0x8000) };

	return native_route(n, 0, n->host_vec, &s);
}

static void bad_sid(struct native_dev *n, const char *name)
{
	report_bracketed(name, n, wrong_sid, restore_route, "an IRTE validating another source-id");
}

void vtd_test_bad_sid(void)
{
	native_test("vtd.bad-sid", bad_sid);
}

static int not_present(struct native_dev *n)
{
	union vtd_irte e;

	memset(&e, 0, sizeof(e));
	return vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte, &e);
}

static void not_present_test(struct native_dev *n, const char *name)
{
	report_bracketed(name, n, not_present, restore_route, "a not-present IRTE");
}

void vtd_test_not_present(void)
{
	native_test("vtd.not-present", not_present_test);
}

static int handle_beyond_table(struct native_dev *n)
{
	return native_entry_handle(n, 0, (uint16_t)(n->unit->irt.size + 3));
}

static int restore_handle(struct native_dev *n)
{
	return native_entry_handle(n, 0, (uint16_t)n->irte);
}

static void bad_handle(struct native_dev *n, const char *name)
{
	report_bracketed(name, n, handle_beyond_table, restore_handle, "a handle beyond the table");
}

void vtd_test_bad_handle(void)
{
	native_test("vtd.bad-handle", bad_handle);
}

static int compat_message(struct native_dev *n)
{
	uint64_t addr;
	uint32_t data;
	int err;

	msix_compat_msg(lapic_id(), n->host_vec, &addr, &data);
	err = msix_entry_write(n->src.msix, 0, addr, data);
	return err ?: msix_entry_mask(n->src.msix, 0, false);
}

/* QEMU 7.2 does not block compatibility-format MSIs with CFI clear: the
 * message goes through unremapped, exactly once to the vector it names.
 * Only that observation, on that emulator, is a SKIP; on any other
 * platform, or with any other outcome, a delivered message is a FAIL. */
static bool compat_known_limit(uint64_t on_k, uint64_t others, uint32_t gsts)
{
	return hv_on_qemu() && on_k == 1 && !others && (gsts & VTD_GSTS_IRES) &&
	       !(gsts & VTD_GSTS_CFIS);
}

static void compat_blocked(struct native_dev *n, const char *name)
{
	uint64_t on_k = 0, others = 0;
	uint32_t gsts;
	char why[WHY_MAX];
	int err;

	if (!delivers_once(n, 0, why, sizeof(why)))
		return report_verdict(HC_FAIL, name, why);
	err = compat_message(n);
	if (!err)
		fire(n, 0, &on_k, &others);
	gsts = unit_reg32(n->unit, VTD_GSTS);
	err = err ?: restore_handle(n);
	if (err) {
		snprintf(why, sizeof(why), "could not write or restore the entry (error %d)", err);
		return report_verdict(HC_FAIL, name, why);
	}
	if (!delivers_once(n, 0, why, sizeof(why)))
		return report_verdict(HC_FAIL, name, why);
	if (!on_k && !others)
		return report_verdict(HC_PASS, name, NULL);
	snprintf(why, sizeof(why), "%s; observed: a compatibility-format MSI to vector 0x%x "
		 "arrived %lu time(s), %lu elsewhere, GSTS 0x%x (CFIS %s)",
		 compat_known_limit(on_k, others, gsts) ? QEMU_NO_CFI_BLOCK : "not blocked",
		 n->host_vec, on_k, others, gsts, gsts & VTD_GSTS_CFIS ? "set" : "clear");
	report_verdict(compat_known_limit(on_k, others, gsts) ? HC_SKIP : HC_FAIL, name, why);
}

void vtd_test_compat_blocked(void)
{
	native_test("vtd.compat-blocked", compat_blocked);
}

/* QEMU 7.2 blocks the interrupt but records nothing: FSTS stays 0 and no
 * fault record appears. Only that observation, on that emulator, is a
 * SKIP; a record of another kind, or the same silence elsewhere, FAILs. */
static bool ir_faults_known_limit(const struct vtd_fault_counts *before,
				  const struct vtd_fault_counts *after, uint32_t fsts)
{
	return hv_on_qemu() && !fsts && after->dma == before->dma &&
	       after->other == before->other && after->overflow == before->overflow;
}

static void ir_faults(struct native_dev *n, const char *name)
{
	struct vtd_fault_counts before = n->unit->faults;
	char why[WHY_MAX];
	uint32_t fsts;

	if (!bracketed(n, not_present, restore_route, "a not-present IRTE", why, sizeof(why)))
		return report_verdict(HC_FAIL, name, why);
	fsts = unit_reg32(n->unit, VTD_FSTS);
	vtd_faults_handle(n->unit);
	if (n->unit->faults.ir > before.ir)
		return report_verdict(HC_PASS, name, NULL);
	snprintf(why, sizeof(why), "%s; observed: an interrupt blocked by a not-present IRTE left "
		 "FSTS 0x%x and %lu new DMA, %lu other fault record(s)",
		 ir_faults_known_limit(&before, &n->unit->faults, fsts) ? QEMU_NO_IR_FAULTS :
		 "no interrupt-remapping fault recorded", fsts,
		 n->unit->faults.dma - before.dma, n->unit->faults.other - before.other);
	report_verdict(ir_faults_known_limit(&before, &n->unit->faults, fsts) ? HC_SKIP : HC_FAIL,
		       name, why);
}

void vtd_test_ir_faults(void)
{
	native_test("vtd.ir-faults", ir_faults);
}

/* DMA to guest-physical gpa must land in its place in the guest RAM block. */
static int dma_probe_gpa(struct native_dev *n, uint64_t gpa)
{
	const struct irq_source_ops *ops = n->src.ops;
	const struct guest_ram_range *r = guest_ram_find(&iommu.guest_ram, gpa,
							 ops->dma_probe_size);
	void *cpu;

	if (!r)
		return -EINVAL;
	cpu = (void *)(uintptr_t)(iommu.guest_hpa + r->offset + (gpa - r->gpa));
	return ops->dma_prepare(&n->src, gpa, cpu) ?: ops->dma_run(&n->src, gpa, cpu);
}

/* Whether the source can probe DMA; if not, the test SKIPs saying so. */
static bool can_probe_dma(struct native_dev *n, const char *name)
{
	char why[WHY_MAX];

	if (n->src.ops->flags & IRQ_SOURCE_DMA_PROBE)
		return true;
	snprintf(why, sizeof(why), "the %s source cannot probe DMA", n->src.ops->name);
	report_verdict(HC_SKIP, name, why);
	return false;
}

/* The domain maps every guest RAM range: one probe below the hole, and
 * one at the start of RAM above 4 GiB when there is some. */
static void dma_domain(struct native_dev *n, const char *name)
{
	const struct guest_ram *ram = &iommu.guest_ram;
	uint64_t gpa = DMA_RING_GPA;
	char why[WHY_MAX];
	unsigned i;
	int err = 0;

	if (!can_probe_dma(n, name))
		return;
	for (i = 0; i < ram->n && !err; i++) {
		gpa = i ? ram->r[i].gpa : DMA_RING_GPA;
		err = dma_probe_gpa(n, gpa);
	}
	if (err) {
		snprintf(why, sizeof(why), "DMA to guest-physical 0x%lx did not complete (error %d)",
			 gpa, err);
		return report_verdict(HC_FAIL, name, why);
	}
	report_verdict(HC_PASS, name, NULL);
}

void vtd_test_dma_domain(void)
{
	native_test("vtd.dma-domain", dma_domain);
}

/* A descriptor ring in hv memory: the device must neither read it (no
 * write-back) nor change a byte of it, and the unit records the fault.
 * The device is pointed at the ring's host address; when a large guest's
 * RAM covers that address too, at the first one past all guest RAM. */
static void dma_blocked(struct native_dev *n, const char *name)
{
	static uint8_t snapshot[4096];
	uint64_t pa, iova, faults;
	char why[WHY_MAX];
	int err;

	if (!can_probe_dma(n, name))
		return;
	if (n->src.ops->dma_probe_size > sizeof(snapshot))
		return report_verdict(HC_FAIL, name, "the source's DMA probe is larger than a page");
	if (mem_alloc_pages(1, &pa))
		return report_verdict(HC_FAIL, name, "no hv page for the ring");
	iova = guest_ram_find(&iommu.guest_ram, pa, PT_PAGE_SIZE) ?
	       iommu.guest_ram.unmapped_gpa : pa;
	faults = n->unit->faults.dma;
	err = n->src.ops->dma_prepare(&n->src, iova, (void *)(uintptr_t)pa);
	memcpy(snapshot, (void *)(uintptr_t)pa, sizeof(snapshot));
	if (!err)
		err = n->src.ops->dma_run(&n->src, iova, (void *)(uintptr_t)pa);
	vtd_faults_handle(n->unit);
	if (err != -ETIMEDOUT && err != -EIO) {
		snprintf(why, sizeof(why), "DMA to 0x%lx (hv memory at 0x%lx) was not blocked (%d)",
			 iova, pa, err);
		return report_verdict(HC_FAIL, name, why);
	}
	if (memcmp(snapshot, (void *)(uintptr_t)pa, sizeof(snapshot)))
		return report_verdict(HC_FAIL, name, "hv memory changed under blocked DMA");
	if (n->unit->faults.dma == faults)
		return report_verdict(HC_FAIL, name, "blocked DMA left no fault record");
	report_verdict(HC_PASS, name, NULL);
}

void vtd_test_dma_blocked(void)
{
	native_test("vtd.dma-blocked", dma_blocked);
}

/* IRTEs of the hv's native work still present (first such index in
 * *first): after that work ended there must be none. */
static unsigned native_irtes_live(const struct vtd_irt *t, unsigned *first)
{
	unsigned i, live = 0;

	for (i = 0; i < t->size; i++) {
		if (vtd_irt_owner(t, i) != NATIVE_IRT_OWNER || !t->table[i].p)
			continue;
		if (!live++)
			*first = i;
	}
	return live;
}

/* What the guest's device could do once it is the guest's again: send a
 * remappable-format MSI with the hv's handles and its own source-id. The
 * device's own MSI-X engine sends exactly that write here, after
 * native_dev_put; nothing may arrive. */
static void native_cleanup(struct native_dev *n, const char *name)
{
	char why[WHY_MAX], what[64];
	unsigned k;
	int err;

	if (!delivers_once(n, 0, why, sizeof(why)))
		return report_verdict(HC_FAIL, name, why);
	err = native_dev_put(n);
	for (k = 0; !err && k < n->nvec; k++) {
		snprintf(what, sizeof(what), "the device sending handle %u after the work ended",
			 n->irte + k);
		err = native_entry_handle(n, k, (uint16_t)(n->irte + k));
		if (err) {
			snprintf(why, sizeof(why), "could not point entry %u at handle %u (error %d)",
				 k, n->irte + k, err);
			return report_verdict(HC_FAIL, name, why);
		}
		if (!delivers_nothing(n, k, what, why, sizeof(why)))
			return report_verdict(HC_FAIL, name, why);
	}
	if (err) {
		snprintf(why, sizeof(why), "native_dev_put failed (error %d)", err);
		return report_verdict(HC_FAIL, name, why);
	}
	report_verdict(HC_PASS, name, NULL);
}

void vtd_test_native_cleanup(void)
{
	const char *name = "vtd.native-cleanup";
	struct vtd_unit *u = hv.assigned ? iommu_unit_for(hv.assigned) : NULL;
	unsigned live = 0, first = 0;
	char why[WHY_MAX];

	if (u && u->ir_on)
		live = native_irtes_live(&u->irt, &first);
	if (live) {
		snprintf(why, sizeof(why), "%u IRTE(s) of the hv's native work still present after it "
			 "ended (first at index %u): the guest's device could reach them", live, first);
		return report_verdict(HC_FAIL, name, why);
	}
	native_test(name, native_cleanup);
}

/* One run of the guest's attack: the interrupts it brought to the hv's
 * native vectors (*hits) and to the sink vector (*compat). */
static int dma_attack_round(struct guest *g, struct native_dev *n, unsigned id, uint8_t sink,
			    uint64_t *hits, uint64_t *compat)
{
	struct hc_work w = { .kind = WORK_SELFTEST, .arg = id, .iters = n->irte, .warmup = sink };
	unsigned k;

	for (k = 0; k < n->nvec; k++)
		irq_reset((uint8_t)(n->host_vec + k));
	irq_reset(sink);
	if (guest_run_work(g, &w))
		return -EIO;
	irq_settle(native_timeout());
	for (*hits = 0, k = 0; k < n->nvec; k++)
		*hits += irq_count((uint8_t)(n->host_vec + k));
	*compat = irq_count(sink);
	return 0;
}

/* The hv's IRTEs stay live while the guest attacks (the control: the
 * attack must reach them), then native_dev_put clears them and the same
 * attack must reach nothing. */
void vtd_test_native_dma(struct guest *g, unsigned id)
{
	const char *name = "vtd.native-dma";
	static uint8_t sink;
	static int sink_err = 1;
	uint64_t live, after, compat_live, compat_after;
	struct native_dev *n;
	char why[WHY_MAX];
	int err;

	if (missing(why, sizeof(why)))
		return report_verdict(HC_SKIP, name, why);
	if (!g)
		return report_verdict(HC_FAIL, name, "no guest to attack from");
	if (sink_err > 0)
		sink_err = irq_vector_alloc(1, &sink);
	if (sink_err)
		return report_verdict(HC_FAIL, name, "no host vector for the sink");
	n = native_dev_get(NATIVE_DEVICE, why, sizeof(why));
	if (!n)
		return report_verdict(native_dev_error() == -ENODEV ? HC_SKIP : HC_FAIL, name, why);
	if (!(n->src.ops->flags & IRQ_SOURCE_LOOPBACK_DMA)) {
		snprintf(why, sizeof(why), "needs a source that DMA-writes data of its choosing "
			 "(the 82574's PHY loopback); the %s cannot", n->src.ops->desc);
		err = native_dev_put(n);
		return report_verdict(err ? HC_FAIL : HC_SKIP, name,
				      err ? "clearing the native IRTEs failed" : why);
	}
	err = dma_attack_round(g, n, id, sink, &live, &compat_live);
	err = native_dev_put(n) ?: err;
	if (!err)
		err = dma_attack_round(g, n, id, sink, &after, &compat_after);
	if (err) {
		snprintf(why, sizeof(why), "the guest stopped or the IRTEs were not cleared (error %d)",
			 err);
		return report_verdict(HC_FAIL, name, why);
	}
	printf("%s: DMA-written MSIs at handle %u: %lu reached the hv's vectors with its IRTEs "
	       "live, %lu after they were cleared (compatibility-format words delivered: %lu, %lu)\n",
	       name, n->irte, live, after, compat_live, compat_after);
	if (!live)
		return report_verdict(HC_FAIL, name, "the attack never reached the live IRTEs, so "
				      "it proves nothing here (see the guest's lines)");
	if (after) {
		snprintf(why, sizeof(why), "%lu DMA-written MSI(s) reached the hv's vectors after "
			 "its native work ended", after);
		return report_verdict(HC_FAIL, name, why);
	}
	report_verdict(HC_PASS, name, NULL);
}
