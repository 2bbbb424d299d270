/* VT-d self-tests on the assigned device (see vtd_selftest.h). Every
 * negative test is bracketed by a positive one on the same entry, so a
 * device that simply stopped interrupting cannot pass it. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/vtd_selftest.h"
#include "hv/hv.h"
#include "hv/iommu.h"
#include "hv/irq.h"
#include "hv/mem.h"
#include "hv/native_dev.h"
#include "hv/report.h"
#include "drivers/lapic.h"

#define ROUNDS			3
#define SETTLE_US		400
#define DMA_RING_GPA		0x10000ULL	/* guest RAM the device may reach */
#define WHY_MAX			160
#define QEMU_NO_CFI_BLOCK	"QEMU 7.2 delivers compatibility-format MSIs even with CFI clear"
#define QEMU_NO_IR_FAULTS	"QEMU 7.2 records no interrupt-remapping faults (FSTS stays 0)"

static struct native_dev *dev_or_skip(const char *name)
{
	char why[WHY_MAX];
	struct native_dev *n = native_dev_get(why, sizeof(why));

	if (!n)
		report_verdict(HC_SKIP, name, why);
	return n;
}

/* Fire vector k once; how many arrived on its host vector and elsewhere. */
static void fire(struct native_dev *n, unsigned k, uint64_t *on_k, uint64_t *others)
{
	unsigned i;

	for (i = 0; i < NATIVE_VECTORS; i++)
		irq_reset((uint8_t)(n->host_vec + i));
	e1000e_trigger(&n->nic, k);
	irq_wait((uint8_t)(n->host_vec + k), 1, native_timeout());
	/* Long enough for a second message after the device's 128 us
	 * throttle interval (QEMU's 82574) to show up as a failure. */
	irq_settle(native_timeout() * SETTLE_US / 10000);
	*others = 0;
	for (i = 0; i < NATIVE_VECTORS; i++)
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

void vtd_test_remap(void)
{
	struct native_dev *n = dev_or_skip("vtd.remap");
	char why[WHY_MAX];
	unsigned k, r;

	if (!n)
		return;
	for (r = 0; r < ROUNDS; r++)
		for (k = 0; k < NATIVE_VECTORS; k++)
			if (!delivers_once(n, k, why, sizeof(why)))
				return report_verdict(HC_FAIL, "vtd.remap", why);
	report_verdict(HC_PASS, "vtd.remap", NULL);
}

/* Run a broken configuration of entry 0 between two good deliveries. */
static void bracketed(const char *name, struct native_dev *n, int (*breakit)(struct native_dev *),
		      int (*mend)(struct native_dev *), const char *what)
{
	char why[WHY_MAX];
	int err;

	if (!delivers_once(n, 0, why, sizeof(why)))
		return report_verdict(HC_FAIL, name, why);
	err = breakit(n);
	if (err) {
		snprintf(why, sizeof(why), "could not set up the test (error %d)", err);
		mend(n);
		return report_verdict(HC_FAIL, name, why);
	}
	if (!delivers_nothing(n, 0, what, why, sizeof(why))) {
		mend(n);
		return report_verdict(HC_FAIL, name, why);
	}
	err = mend(n);
	if (err || !delivers_once(n, 0, why, sizeof(why))) {
		if (err)
			snprintf(why, sizeof(why), "restoring the entry failed (error %d)", err);
		return report_verdict(HC_FAIL, name, why);
	}
	report_verdict(HC_PASS, name, NULL);
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

void vtd_test_bad_sid(void)
{
	struct native_dev *n = dev_or_skip("vtd.bad-sid");

	if (n)
		bracketed("vtd.bad-sid", n, wrong_sid, restore_route,
			  "an IRTE validating another source-id");
}

static int not_present(struct native_dev *n)
{
	union vtd_irte e;

	memset(&e, 0, sizeof(e));
	return vtd_irt_update(&n->unit->irt, NATIVE_IRT_OWNER, n->irte, &e);
}

void vtd_test_not_present(void)
{
	struct native_dev *n = dev_or_skip("vtd.not-present");

	if (n)
		bracketed("vtd.not-present", n, not_present, restore_route,
			  "a not-present IRTE");
}

static int handle_beyond_table(struct native_dev *n)
{
	return native_entry_handle(n, 0, (uint16_t)(n->unit->irt.size + 3));
}

static int restore_handle(struct native_dev *n)
{
	return native_entry_handle(n, 0, (uint16_t)n->irte);
}

void vtd_test_bad_handle(void)
{
	struct native_dev *n = dev_or_skip("vtd.bad-handle");

	if (n)
		bracketed("vtd.bad-handle", n, handle_beyond_table, restore_handle,
			  "a handle beyond the table");
}

static int compat_message(struct native_dev *n)
{
	uint64_t addr;
	uint32_t data;
	int err;

	msix_compat_msg(lapic_id(), n->host_vec, &addr, &data);
	err = msix_entry_write(&n->nic.msix, 0, addr, data);
	return err ?: msix_entry_mask(&n->nic.msix, 0, false);
}

void vtd_test_compat_blocked(void)
{
	struct native_dev *n;

	if (hv_on_qemu())
		return report_verdict(HC_SKIP, "vtd.compat-blocked", QEMU_NO_CFI_BLOCK);
	n = dev_or_skip("vtd.compat-blocked");
	if (n)
		bracketed("vtd.compat-blocked", n, compat_message, restore_handle,
			  "a compatibility-format MSI with CFI clear");
}

void vtd_test_ir_faults(void)
{
	struct native_dev *n;
	uint64_t before;

	if (hv_on_qemu())
		return report_verdict(HC_SKIP, "vtd.ir-faults", QEMU_NO_IR_FAULTS);
	n = dev_or_skip("vtd.ir-faults");
	if (!n)
		return;
	before = n->unit->faults.ir;
	bracketed("vtd.ir-faults.trigger", n, not_present, restore_route, "a not-present IRTE");
	vtd_faults_handle(n->unit);
	if (n->unit->faults.ir > before)
		report_verdict(HC_PASS, "vtd.ir-faults", NULL);
	else
		report_verdict(HC_FAIL, "vtd.ir-faults", "a blocked interrupt left no fault record");
}

/* DMA to guest-physical gpa must land in its place in the guest RAM block. */
static int dma_probe_gpa(struct native_dev *n, uint64_t gpa)
{
	const struct guest_ram_range *r = guest_ram_find(&iommu.guest_ram, gpa,
							 E1000_DMA_PROBE_SIZE);

	if (!r)
		return -EINVAL;
	return e1000e_dma_probe(&n->nic, gpa,
				(void *)(uintptr_t)(iommu.guest_hpa + r->offset + (gpa - r->gpa)));
}

/* The domain maps every guest RAM range: one probe below the hole, and
 * one at the start of RAM above 4 GiB when there is some. */
void vtd_test_dma_domain(void)
{
	struct native_dev *n = dev_or_skip("vtd.dma-domain");
	const struct guest_ram *ram = &iommu.guest_ram;
	uint64_t gpa = DMA_RING_GPA;
	char why[WHY_MAX];
	unsigned i;
	int err = 0;

	if (!n)
		return;
	for (i = 0; i < ram->n && !err; i++) {
		gpa = i ? ram->r[i].gpa : DMA_RING_GPA;
		err = dma_probe_gpa(n, gpa);
	}
	if (err) {
		snprintf(why, sizeof(why), "DMA to guest-physical 0x%lx did not complete (error %d)",
			 gpa, err);
		return report_verdict(HC_FAIL, "vtd.dma-domain", why);
	}
	report_verdict(HC_PASS, "vtd.dma-domain", NULL);
}

/* A descriptor ring in hv memory: the device must neither read it (no
 * write-back) nor change a byte of it, and the unit records the fault.
 * The device is pointed at the ring's host address; when a large guest's
 * RAM covers that address too, at the first one past all guest RAM. */
void vtd_test_dma_blocked(void)
{
	struct native_dev *n = dev_or_skip("vtd.dma-blocked");
	static uint8_t snapshot[4096];
	uint64_t pa, iova, faults;
	char why[WHY_MAX];
	int err;

	if (!n)
		return;
	if (mem_alloc_pages(1, &pa))
		return report_verdict(HC_FAIL, "vtd.dma-blocked", "no hv page for the ring");
	iova = guest_ram_find(&iommu.guest_ram, pa, PT_PAGE_SIZE) ?
	       iommu.guest_ram.unmapped_gpa : pa;
	faults = n->unit->faults.dma;
	err = e1000e_dma_probe_prepare(&n->nic, iova, (void *)(uintptr_t)pa);
	memcpy(snapshot, (void *)(uintptr_t)pa, sizeof(snapshot));
	if (!err)
		err = e1000e_dma_probe_run(&n->nic, iova, (void *)(uintptr_t)pa);
	vtd_faults_handle(n->unit);
	if (err != -ETIMEDOUT) {
		snprintf(why, sizeof(why), "DMA to 0x%lx (hv memory at 0x%lx) was not blocked (%d)",
			 iova, pa, err);
		return report_verdict(HC_FAIL, "vtd.dma-blocked", why);
	}
	if (memcmp(snapshot, (void *)(uintptr_t)pa, sizeof(snapshot)))
		return report_verdict(HC_FAIL, "vtd.dma-blocked", "hv memory changed under blocked DMA");
	if (n->unit->faults.dma == faults)
		return report_verdict(HC_FAIL, "vtd.dma-blocked", "blocked DMA left no fault record");
	report_verdict(HC_PASS, "vtd.dma-blocked", NULL);
}
