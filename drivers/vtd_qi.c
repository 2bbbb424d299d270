/*
 * VT-d queued invalidation: descriptor encoders and a bounded synchronous
 * submit. Pure logic: see drivers/vtd_qi.h.
 */
#include <errno.h>
#include <stdio.h>

#include "drivers/vtd_qi.h"
#include "drivers/vtd_regs.h"

#define QI_ERRORS	(VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE)

static struct vtd_qi_desc desc(uint64_t lo, uint64_t hi)
{
	struct vtd_qi_desc d = { .lo = lo, .hi = hi };

	return d;
}

struct vtd_qi_desc vtd_qi_iec_global(void)
{
	return desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_IEC), 0);
}

struct vtd_qi_desc vtd_qi_iec_index(uint16_t index, uint8_t im)
{
	return desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_IEC) | VTD_QI_IEC_G |
		    FIELD_PREP(VTD_QI_IEC_IM, im) |
		    FIELD_PREP(VTD_QI_IEC_IIDX, index), 0);
}

struct vtd_qi_desc vtd_qi_wait(uint64_t status_pa, uint32_t status_data, bool fence)
{
	/* IF stays clear: completion is polled, not signalled. */
	return desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_WAIT) | VTD_QI_WAIT_SW |
		    (fence ? VTD_QI_WAIT_FN : 0) |
		    FIELD_PREP(VTD_QI_WAIT_DATA, status_data),
		    status_pa & VTD_QI_WAIT_ADDR);
}

struct vtd_qi_desc vtd_qi_context_global(void)
{
	return desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_CC) |
		    FIELD_PREP(VTD_QI_CC_G, VTD_QI_G_GLOBAL), 0);
}

static uint64_t iotlb_drain(bool drain_reads, bool drain_writes)
{
	return (drain_reads ? VTD_QI_IOTLB_DR : 0) |
	       (drain_writes ? VTD_QI_IOTLB_DW : 0);
}

struct vtd_qi_desc vtd_qi_iotlb_global(bool drain_reads, bool drain_writes)
{
	return desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_IOTLB) |
		    FIELD_PREP(VTD_QI_IOTLB_G, VTD_QI_G_GLOBAL) |
		    iotlb_drain(drain_reads, drain_writes), 0);
}

struct vtd_qi_desc vtd_qi_iotlb_domain(uint16_t did, bool drain_reads, bool drain_writes)
{
	return desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_IOTLB) |
		    FIELD_PREP(VTD_QI_IOTLB_G, VTD_QI_G_DOMAIN) |
		    FIELD_PREP(VTD_QI_IOTLB_DID, did) |
		    iotlb_drain(drain_reads, drain_writes), 0);
}

static int qs_of(unsigned entries)
{
	int qs;

	for (qs = 0; qs <= 7; qs++)
		if (entries == 256u << qs)
			return qs;
	return -1;
}

int vtd_qi_init(struct vtd_qi *q, struct vtd_qi_desc *ring, unsigned entries,
		volatile uint32_t *status, uint64_t status_pa,
		const struct vtd_qi_ops *ops, void *ctx)
{
	if (!ring || !status || !ops || !ops->write_tail || !ops->read_head ||
	    !ops->read_fault_status || qs_of(entries) < 0 || (status_pa & 3))
		return -EINVAL;
	q->ring = ring;
	q->entries = entries;
	q->tail = 0;
	q->status = status;
	q->status_pa = status_pa;
	q->ops = ops;
	q->ctx = ctx;
	q->seq = 0;
	q->head = 0;
	q->fsts = 0;
	return 0;
}

uint64_t vtd_iqa_value(uint64_t ring_pa, unsigned entries)
{
	int qs = qs_of(entries);

	if (qs < 0 || !ring_pa || (ring_pa & ~VTD_IQA_IQA))
		return 0;
	return ring_pa | FIELD_PREP(VTD_IQA_QS, qs);	/* DW = 0: 128-bit */
}

static void qi_report(struct vtd_qi *q, const char *what, unsigned polls)
{
	char msg[128];

	if (!q->ops->report)
		return;
	snprintf(msg, sizeof(msg),
		 "%s after %u polls: head %u tail %u status 0x%x want 0x%x fsts 0x%x",
		 what, polls, q->head, q->tail, (unsigned)*q->status,
		 (unsigned)q->seq, (unsigned)q->fsts);
	q->ops->report(q->ctx, msg);
}

static unsigned qi_head(struct vtd_qi *q)
{
	q->head = (unsigned)FIELD_GET(VTD_IQ_INDEX, q->ops->read_head(q->ctx)) %
		  q->entries;
	return q->head;
}

static void qi_relax(struct vtd_qi *q)
{
	if (q->ops->relax)
		q->ops->relax(q->ctx);
}

/* A fault stops the queue: report it rather than wait out the limit. */
static int qi_check_fault(struct vtd_qi *q, unsigned polls)
{
	uint32_t fsts = q->ops->read_fault_status(q->ctx);

	if (!(fsts & QI_ERRORS))
		return 0;
	q->fsts = fsts;
	qi_head(q);
	/* VT-d 6.5.2.10: on IQE the hardware stops at the bad descriptor and
	 * fetches it again once IQE is cleared. It reads nothing meanwhile,
	 * so make it a wait that writes nothing: the rest of the queue then
	 * runs when the caller clears FSTS. */
	if (fsts & VTD_FSTS_IQE)
		q->ring[q->head] = desc(FIELD_PREP(VTD_QI_TYPE, VTD_QI_TYPE_WAIT), 0);
	qi_report(q, fsts & VTD_FSTS_IQE ? "invalidation queue error (IQE)" :
		     fsts & VTD_FSTS_ITE ? "invalidation time-out error (ITE)" :
		     "invalidation completion error (ICE)", polls);
	return -EIO;
}

/* Free slots; one stays empty so head == tail always means empty
 * (VT-d 6.5.2: the queue is empty when IQH equals IQT). */
static unsigned qi_space(struct vtd_qi *q, unsigned head)
{
	return (head + q->entries - q->tail - 1) % q->entries;
}

static int qi_wait_space(struct vtd_qi *q, unsigned need, unsigned spin_limit)
{
	unsigned i;
	int err;

	for (i = 0; i <= spin_limit; i++) {
		if (qi_space(q, qi_head(q)) >= need)
			return 0;
		err = qi_check_fault(q, i);
		if (err)
			return err;
		qi_relax(q);
	}
	qi_report(q, "no ring space", i);
	return -ETIMEDOUT;
}

static void qi_put(struct vtd_qi *q, struct vtd_qi_desc d)
{
	q->ring[q->tail] = d;
	q->tail = (q->tail + 1) % q->entries;
}

int vtd_qi_submit_sync(struct vtd_qi *q, const struct vtd_qi_desc *d, unsigned n,
		       unsigned spin_limit)
{
	unsigned i;
	int err;

	if (n + 1 > q->entries - 1)
		return -EINVAL;
	err = qi_wait_space(q, n + 1, spin_limit);
	if (err)
		return err;

	/* A value no earlier wait wrote, so a late write from a timed-out
	 * wait cannot complete this one. */
	if (++q->seq == 0)
		q->seq = 1;
	for (i = 0; i < n; i++)
		qi_put(q, d[i]);
	qi_put(q, vtd_qi_wait(q->status_pa, q->seq, true));
	/* Descriptors in memory before the tail moves (x86 keeps stores in
	 * order; this stops the compiler). */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	q->ops->write_tail(q->ctx, FIELD_PREP(VTD_IQ_INDEX, q->tail));

	for (i = 0; i < spin_limit; i++) {
		if (*q->status == q->seq)
			return 0;
		err = qi_check_fault(q, i);
		if (err)
			return err;
		qi_relax(q);
	}
	if (*q->status == q->seq)
		return 0;
	qi_head(q);
	qi_report(q, "wait timed out", i);
	return -ETIMEDOUT;
}
