/* VT-d unit bring-up (see vtd.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "drivers/vtd.h"
#include "drivers/vtd_regs.h"
#include "drivers/cpu.h"

#define QI_ENTRIES		256	/* one 4 KiB page of 128-bit descriptors */
#define QI_SPIN_LIMIT		10000000
#define FAULT_LOG_LIMIT		16	/* records printed per boot per unit */
#define FRCD_HI_F		BIT(63)
#define FRCD_HI_T		BIT(62)	/* 1: read request */
#define FRCD_HI_FR		GENMASK(39, 32)
#define FRCD_HI_INTR_FAULT	0x20	/* reasons >= 0x20 are IR faults, VT-d 7.1.3 */

static uint32_t rd32(const struct vtd_unit *u, unsigned reg)
{
	return *(volatile uint32_t *)(uintptr_t)(u->reg_base + reg);
}

static uint64_t rd64(const struct vtd_unit *u, unsigned reg)
{
	return *(volatile uint64_t *)(uintptr_t)(u->reg_base + reg);
}

static void wr32(const struct vtd_unit *u, unsigned reg, uint32_t v)
{
	*(volatile uint32_t *)(uintptr_t)(u->reg_base + reg) = v;
}

static void wr64(const struct vtd_unit *u, unsigned reg, uint64_t v)
{
	*(volatile uint64_t *)(uintptr_t)(u->reg_base + reg) = v;
}

static void __attribute__((format(printf, 2, 3)))
report(const struct vtd_unit *u, const char *fmt, ...)
{
	char line[512];
	int n = snprintf(line, sizeof(line), "vtd%u: ", u->index);
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	va_end(ap);
	u->env->report(line);
}

static uint32_t ops_rd32(void *ctx, unsigned reg)
{
	return rd32(ctx, reg);
}

static uint64_t ops_rd64(void *ctx, unsigned reg)
{
	return rd64(ctx, reg);
}

static void ops_wr32(void *ctx, unsigned reg, uint32_t v)
{
	wr32(ctx, reg, v);
}

static uint64_t ops_now(void *ctx)
{
	(void)ctx;
	return cpu_rdtsc();
}

static void ops_relax(void *ctx)
{
	(void)ctx;
	cpu_pause();
}

static struct vtd_reg_ops reg_ops(struct vtd_unit *u)
{
	return (struct vtd_reg_ops){
		.read32 = ops_rd32, .read64 = ops_rd64, .write32 = ops_wr32,
		.now = ops_now, .relax = ops_relax, .ctx = u, .timeout = u->env->timeout_tsc,
	};
}

/* VT-d 11.4.4.1: one command bit per write, from GSTS (vtd_gcmd). */
static int gcmd(struct vtd_unit *u, uint32_t cmd, uint32_t status, bool on)
{
	struct vtd_reg_ops ops = reg_ops(u);
	uint32_t gsts;
	int err = vtd_gcmd(&ops, cmd, status, on, &gsts);

	if (err)
		report(u, "GCMD 0x%x: GSTS 0x%x never followed", cmd, gsts);
	return err;
}

/* One-shot commands (SRTP, SIRTP) complete when their status bit sets. */
static int gcmd_oneshot(struct vtd_unit *u, uint32_t cmd, uint32_t status)
{
	return gcmd(u, cmd, status, true);
}

/* A unit the hv will not use: keep the reason, and say it once with what
 * was done about the unit (outcome). */
static int __attribute__((format(printf, 4, 5)))
refuse(struct vtd_unit *u, int err, const char *outcome, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(u->why, sizeof(u->why), fmt, ap);
	va_end(ap);
	report(u, "at 0x%lx: %s: %s", u->reg_base, u->why, outcome);
	return err;
}

int vtd_unit_probe(struct vtd_unit *u, unsigned index, uint64_t reg_base,
		   uint64_t reg_size, const struct vtd_env *env)
{
	struct vtd_reg_ops ops;
	char why[160], line[400];
	int err;

	memset(u, 0, sizeof(*u));
	u->index = index;
	u->reg_base = reg_base;
	u->env = env;
	/* Linux refuses such units too (its "Your BIOS is broken" warning):
	 * whatever sits at the address, nothing is written to it. */
	err = vtd_check_location(reg_base, reg_size, env->in_ram, env->ram_ctx, why, sizeof(why));
	u->fw_bug = err;
	if (err)
		return refuse(u, err, "unit refused, never read or written", "firmware bug: %s", why);
	u->ver = rd32(u, VTD_VER);
	u->cap = rd64(u, VTD_CAP);
	u->ecap = rd64(u, VTD_ECAP);
	err = vtd_check_caps(u->cap, u->ecap, why, sizeof(why));
	u->fw_bug = err;
	if (err)
		return refuse(u, err, "unit refused, never written", "firmware bug: %s", why);
	/* A unit the hv cannot use is left as firmware set it: taking over
	 * first would turn its protection off for nothing. */
	if (!(u->ecap & VTD_ECAP_QI) || !(u->ecap & VTD_ECAP_IR))
		return refuse(u, -ENODEV, "not used, left as firmware set it", "lacks %s (ECAP 0x%lx)",
			      !(u->ecap & VTD_ECAP_QI) ? "queued invalidation" :
			      "interrupt remapping", u->ecap);
	ops = reg_ops(u);
	err = vtd_takeover(&ops, u->cap, &u->fw, why, sizeof(why));
	vtd_takeover_describe(&u->fw, line, sizeof(line));
	if (err)
		return refuse(u, err, "unit refused, not used", "%s; stopped: %s", line, why);
	report(u, "at 0x%lx: %s", reg_base, line);
	return 0;
}

static void qi_write_tail(void *ctx, uint64_t iqt)
{
	wr64(ctx, VTD_IQT, iqt);
}

static uint64_t qi_read_head(void *ctx)
{
	return rd64(ctx, VTD_IQH);
}

static uint32_t qi_read_fsts(void *ctx)
{
	return rd32(ctx, VTD_FSTS);
}

static void qi_relax(void *ctx)
{
	(void)ctx;
	cpu_pause();
}

static void qi_report(void *ctx, const char *msg)
{
	report(ctx, "invalidation queue: %s", msg);
}

static const struct vtd_qi_ops qi_ops = {
	.write_tail = qi_write_tail,
	.read_head = qi_read_head,
	.read_fault_status = qi_read_fsts,
	.relax = qi_relax,
	.report = qi_report,
};

int vtd_qi_enable(struct vtd_unit *u)
{
	uint64_t ring_pa, status_pa;
	int err;

	err = u->env->alloc_pages(1, &ring_pa) ?: u->env->alloc_pages(1, &status_pa);
	if (err)
		return err;
	err = vtd_qi_init(&u->qi, (struct vtd_qi_desc *)(uintptr_t)ring_pa, QI_ENTRIES,
			  (volatile uint32_t *)(uintptr_t)status_pa, status_pa, &qi_ops, u);
	if (err)
		return err;
	/* VT-d 6.5.2: IQT must be 0 and the queue address set before QIE. */
	wr64(u, VTD_IQT, 0);
	wr64(u, VTD_IQA, vtd_iqa_value(ring_pa, QI_ENTRIES));
	err = gcmd(u, VTD_GCMD_QIE, VTD_GSTS_QIES, true);
	u->qi_on = !err;
	return err;
}

static int qi_sync(struct vtd_unit *u, const struct vtd_qi_desc *d, unsigned n)
{
	int err = vtd_qi_submit_sync(&u->qi, d, n, QI_SPIN_LIMIT);

	if (err == -EIO) {
		/* VT-d 6.5.2.10: the queue stops at an error; clear the error
		 * bits so later submissions proceed (IQE leaves the head at
		 * the bad descriptor: skip it by resetting the queue). */
		report(u, "invalidation error, FSTS 0x%x, head %u", u->qi.fsts, u->qi.head);
		wr32(u, VTD_FSTS, VTD_FSTS_IQE | VTD_FSTS_ICE | VTD_FSTS_ITE);
	}
	return err;
}

int vtd_iec_flush(struct vtd_unit *u, uint16_t index, uint8_t mask)
{
	struct vtd_qi_desc d = vtd_qi_iec_index(index, mask);

	return qi_sync(u, &d, 1);
}

#define CACHE_LINE	64

/* ECAP.C clear: the unit's walks of the remapping structures do not snoop
 * the CPU's caches (VT-d 11.4.3), so what software wrote must reach memory
 * first. */
static bool noncoherent(const struct vtd_unit *u)
{
	return !(u->ecap & VTD_ECAP_C);
}

static int irt_flush(void *ctx, uint16_t index, uint8_t mask)
{
	struct vtd_unit *u = ctx;
	uintptr_t p, end;

	if (noncoherent(u)) {
		p = (uintptr_t)&u->irt.table[index];
		end = p + (sizeof(union vtd_irte) << mask);
		for (p &= ~(uintptr_t)(CACHE_LINE - 1); p < end; p += CACHE_LINE)
			cpu_clflush((const void *)p);
		cpu_mfence();
	}
	return vtd_iec_flush(u, index, mask);
}

static const struct vtd_irt_ops irt_ops = { .flush_iec_index = irt_flush };

int vtd_ir_enable(struct vtd_unit *u, unsigned irt_size, bool eim)
{
	unsigned table_pages = (irt_size * sizeof(union vtd_irte) + 4095) / 4096;
	unsigned owner_pages = (irt_size * sizeof(uint16_t) + 4095) / 4096;
	struct vtd_qi_desc d = vtd_qi_iec_global();
	uint64_t owner_pa;
	int err;

	if (eim && !(u->ecap & VTD_ECAP_EIM)) {
		report(u, "x2APIC needs EIM, which ECAP 0x%lx lacks", u->ecap);
		return -ENODEV;
	}
	err = u->env->alloc_pages(table_pages, &u->irt_pa) ?:
	      u->env->alloc_pages(owner_pages, &owner_pa);
	if (err)
		return err;
	err = vtd_irt_init(&u->irt, (void *)(uintptr_t)u->irt_pa,
			   (uint16_t *)(uintptr_t)owner_pa, irt_size, &irt_ops, u);
	if (err)
		return err;
	u->irt.max_mask = FIELD_GET(VTD_ECAP_MHMV, u->ecap);
	if (noncoherent(u))
		cpu_wbinvd();
	wr64(u, VTD_IRTA, vtd_irta_value(u->irt_pa, irt_size, eim));
	/* VT-d 6.5.2.5 / 11.4.4.1: after SIRTP the IEC may hold stale entries
	 * unless CAP.ESIRTPS: invalidate it globally before enabling. */
	err = gcmd_oneshot(u, VTD_GCMD_SIRTP, VTD_GSTS_IRTPS) ?: qi_sync(u, &d, 1);
	if (err)
		return err;
	/* Block compatibility-format interrupts: CFI stays clear. */
	if (rd32(u, VTD_GSTS) & VTD_GSTS_CFIS)
		err = gcmd(u, VTD_GCMD_CFI, VTD_GSTS_CFIS, false);
	if (!err)
		err = gcmd(u, VTD_GCMD_IRE, VTD_GSTS_IRES, true);
	u->ir_on = !err;
	return err;
}

unsigned vtd_fault_records(const struct vtd_unit *u)
{
	return FIELD_GET(VTD_CAP_NFR, u->cap) + 1;
}

void vtd_faults_enable(struct vtd_unit *u, uint8_t vector, uint32_t apic_id)
{
	wr32(u, VTD_FECTL, VTD_FECTL_IM);
	wr32(u, VTD_FEDATA, vector);
	wr32(u, VTD_FEADDR, MSI_ADDR_BASE | (uint32_t)FIELD_PREP(MSI_ADDR_DEST_ID, apic_id & 0xff));
	wr32(u, VTD_FEUADDR, apic_id & ~0xffu);
	wr32(u, VTD_FECTL, 0);
}

static void fault_record(struct vtd_unit *u, unsigned i)
{
	unsigned off = FIELD_GET(VTD_CAP_FRO, u->cap) * 16 + i * VTD_FRCD_SIZE;
	uint64_t hi = rd64(u, off + VTD_FRCD_HI);
	uint64_t lo = rd64(u, off + VTD_FRCD_LO);
	uint8_t reason = FIELD_GET(FRCD_HI_FR, hi);
	uint16_t sid = FIELD_GET(VTD_FRCD_HI_SID, hi);
	bool ir = reason >= FRCD_HI_INTR_FAULT;

	if (ir)
		u->faults.ir++;
	else if (reason)
		u->faults.dma++;
	else
		u->faults.other++;
	u->last_fault_reason = reason;
	u->last_fault_sid = sid;
	if (u->faults.logged++ < FAULT_LOG_LIMIT)
		report(u, "fault: reason 0x%02x (%s) source %02x:%02x.%u %s 0x%lx",
		       reason, ir ? "interrupt remapping" : "DMA", sid >> 8,
		       (sid >> 3) & 0x1f, sid & 7,
		       ir ? "index" : (hi & FRCD_HI_T) ? "read of" : "write to",
		       (unsigned long)(ir ? FIELD_GET(VTD_FRCD_LO_IR_INDEX, lo) :
				       lo & VTD_FRCD_LO_FI));
	/* VT-d 11.4.7.4: F is write-1-to-clear and frees the record. */
	wr32(u, off + VTD_FRCD_HI + 4, (uint32_t)(FRCD_HI_F >> 32));
}

void vtd_faults_handle(struct vtd_unit *u)
{
	unsigned i, n = vtd_fault_records(u);
	unsigned off = FIELD_GET(VTD_CAP_FRO, u->cap) * 16;
	uint32_t fsts = rd32(u, VTD_FSTS);

	for (i = 0; i < n; i++)
		if (rd64(u, off + i * VTD_FRCD_SIZE + VTD_FRCD_HI) & FRCD_HI_F)
			fault_record(u, i);
	if (fsts & VTD_FSTS_PFO) {
		u->faults.overflow++;
		wr32(u, VTD_FSTS, VTD_FSTS_PFO);
	}
}

int vtd_dma_flush(struct vtd_unit *u)
{
	/* Tables are written once, before this flush: a full write-back is
	 * simpler than tracking their lines. */
	if (noncoherent(u))
		cpu_wbinvd();
	struct vtd_qi_desc d[2] = {
		vtd_qi_context_global(),
		vtd_qi_iotlb_global(u->cap & VTD_CAP_DRD, u->cap & VTD_CAP_DWD),
	};

	return qi_sync(u, d, 2);
}

/* The firmware's protected memory regions go only now that the hv's
 * translation protects memory (VT-d 11.4.8.1; with VER >= 2 they would
 * also block the assigned device's DMA into guest RAM). */
static int pmr_off(struct vtd_unit *u)
{
	struct vtd_reg_ops ops = reg_ops(u);
	char why[120];
	int err = vtd_pmr_disable(&ops, u->cap, why, sizeof(why));

	if (err)
		report(u, "protected memory regions: %s", why);
	else
		report(u, "protected memory regions off: the hv's DMA remapping protects memory now");
	u->fw.pmr_on = err != 0;
	return err;
}

int vtd_dma_enable(struct vtd_unit *u, uint64_t rtaddr)
{
	int err;

	wr64(u, VTD_RTADDR, rtaddr);
	/* VT-d 6.5.2 / 11.4.4.1: after SRTP, invalidate the context cache and
	 * then the IOTLB globally before translation is enabled. */
	err = gcmd_oneshot(u, VTD_GCMD_SRTP, VTD_GSTS_RTPS) ?: vtd_dma_flush(u);
	if (!err)
		err = gcmd(u, VTD_GCMD_TE, VTD_GSTS_TES, true);
	u->dma_on = !err;
	if (!err && u->fw.pmr_on)
		err = pmr_off(u);
	return err;
}

uint32_t vtd_status_read(uint64_t reg_base)
{
	return *(volatile uint32_t *)(uintptr_t)(reg_base + VTD_GSTS);
}

/* VT-d 5.1.2.1: with IR on, a compatibility-format interrupt is blocked
 * unless CFIS is set; with IR off nothing is remapped and it passes. */
static const char *vtd_compat_state(uint32_t gsts)
{
	if (!(gsts & VTD_GSTS_IRES))
		return "compatibility format not remapped: it passes";
	if (gsts & VTD_GSTS_CFIS)
		return "compatibility format passes: GSTS.CFIS set";
	return "compatibility format blocked: GSTS.CFIS clear";
}

void vtd_status_describe(uint32_t gsts, char *buf, size_t len)
{
	snprintf(buf, len, "QI %s, IR %s (%s), DMA remapping %s",
		 gsts & VTD_GSTS_QIES ? "on" : "off", gsts & VTD_GSTS_IRES ? "on" : "off",
		 vtd_compat_state(gsts), gsts & VTD_GSTS_TES ? "on" : "off");
}
