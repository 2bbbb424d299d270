/* The guest (see guest.h). Guest RAM is one contiguous host block mapped
 * at guest-physical 0 by 2 MiB nested pages. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/guest.h"
#include "hv/bootinfo.h"
#include "hv/mem.h"
#include "hv/insn.h"
#include "drivers/cpu.h"

#define GPT_BASE	0x1000ULL	/* guest page tables from here ... */
#define GPT_LIMIT	0x80000ULL	/* ... up to here */
#define GUEST_STACK_TOP	0x100000ULL	/* below the image at 1 MiB */

static void *hv_phys(void *ctx, uint64_t pa)
{
	(void)ctx;
	return (void *)(uintptr_t)pa;
}

static int hv_page(void *ctx, uint64_t *pa)
{
	(void)ctx;
	return mem_alloc_pages(1, pa);
}

void *guest_gpa_ptr(struct guest *g, uint64_t gpa, uint64_t len)
{
	if (gpa >= g->ram_size || len > g->ram_size - gpa)
		return NULL;
	return (void *)(uintptr_t)(g->ram_hpa + gpa);
}

static void *gpt_phys(void *ctx, uint64_t gpa)
{
	return guest_gpa_ptr(ctx, gpa, PT_PAGE_SIZE);
}

static int gpt_page(void *ctx, uint64_t *gpa)
{
	struct guest *g = ctx;

	if (g->gpt_next >= GPT_LIMIT)
		return -ENOMEM;
	*gpa = g->gpt_next;
	g->gpt_next += PT_PAGE_SIZE;
	memset(guest_gpa_ptr(g, *gpa, PT_PAGE_SIZE), 0, PT_PAGE_SIZE);
	return 0;
}

int guest_create(struct guest *g, const struct vcpu_ops *ops, uint64_t ram_hpa,
		 uint64_t ram_size, const void *image, uint64_t image_size,
		 uint64_t tsc_hz)
{
	int err;

	memset(g, 0, sizeof(*g));
	g->ram_hpa = ram_hpa;
	g->ram_size = ram_size;
	g->unmapped_gpa = ALIGN_UP(ram_size, MiB(2)) + MiB(2);
	g->image = image;
	g->image_size = image_size;
	g->tsc_hz = tsc_hz;
	g->npt = (struct pt_ctx){ .phys_to_virt = hv_phys, .alloc_page = hv_page };
	/* APM vol 2, 15.25.5: nested walks are user accesses, so leaves
	 * carry US; RAM is write-back. */
	err = pt_init(&g->npt);
	if (!err)
		err = pt_map(&g->npt, 0, ram_hpa, ram_size,
			     PT_RW | PT_US | PT_CACHE_WB, false);
	if (err) {
		printf("hv: nested page tables for %lu MiB of guest RAM: error %d\n",
		       ram_size >> 20, err);
		return err;
	}
	g->vcpu.ops = ops;
	return ops->init(&g->vcpu);
}

int guest_add_mmio(struct guest *g, uint64_t base, uint64_t size)
{
	if (g->nmmio == PCI_NUM_BARS)
		return -ENOSPC;
	g->mmio[g->nmmio++] = (struct pt_range){ base, size };
	return 0;
}

/* The guest's initial tables: identity map of the low 4 GiB (or more RAM)
 * plus 1 GiB, so that unmapped_gpa is reachable and faults in the NPT, and
 * of its device's BARs wherever they are. */
static int guest_build_tables(struct guest *g)
{
	uint64_t top = ALIGN_UP(g->ram_size, GiB(1)) + GiB(1);
	unsigned i;
	int err;

	if (top < GiB(4))
		top = GiB(4);
	g->gpt_next = GPT_BASE;
	g->gpt = (struct pt_ctx){ .phys_to_virt = gpt_phys,
				  .alloc_page = gpt_page, .ctx = g };
	err = pt_init(&g->gpt) ?: pt_map(&g->gpt, 0, 0, top, PT_RW, false);
	for (i = 0; i < g->nmmio && !err; i++)
		if (g->mmio[i].base >= top)
			err = pt_map(&g->gpt, g->mmio[i].base, g->mmio[i].base,
				     g->mmio[i].size, PT_RW | PT_CACHE_UC, false);
	return err;
}

static int guest_load_image(struct guest *g, uint64_t *entry)
{
	const struct image_header *h = (const void *)g->image;
	uint8_t *dst;

	if (g->image_size < sizeof(*h) || h->magic != IMAGE_MAGIC ||
	    h->file_size > g->image_size || h->mem_size < h->file_size) {
		printf("hv: embedded guest image header is corrupt\n");
		return -EINVAL;
	}
	dst = guest_gpa_ptr(g, h->link_base, h->mem_size);
	if (!dst) {
		printf("hv: guest image (%lu KiB at 0x%lx) does not fit in guest RAM\n",
		       h->mem_size >> 10, h->link_base);
		return -ENOMEM;
	}
	memcpy(dst, g->image, h->file_size);
	memset(dst + h->file_size, 0, h->mem_size - h->file_size);
	*entry = h->link_base + h->entry;
	return 0;
}

int guest_start(struct guest *g)
{
	struct vcpu_boot_state bs;
	int err;

	err = guest_load_image(g, &bs.rip);
	if (!err)
		err = guest_build_tables(g);
	if (err)
		return err;
	bs.rsp = GUEST_STACK_TOP;
	bs.cr3 = g->gpt.root;
	bs.npt_root = g->npt.root;
	g->vcpu.ops->reset(&g->vcpu, &bs);
	vlapic_reset(&g->vlapic, 0);
	passthru_release(&g->pt);
	g->vcpu.inject_pending = 0;
	g->work_pending = false;
	g->stop_cause = STOP_NONE;
	g->boot_count++;
	g->state = GUEST_PARKED;	/* runnable; becomes STOPPED on error */
	return guest_run_work(g, NULL);
}

/* Interrupts for the guest come from its virtual LAPIC (device vectors,
 * by priority) and from the self-test's HC_INJECT_SELF count. */
static void guest_deliver_irqs(struct guest *g)
{
	struct vcpu *v = &g->vcpu;
	int vec;

	/* An NMI message goes first, once EVENTINJ is free (IF=1 stands in
	 * for that: the backend tells nothing finer). */
	if (g->vlapic.nmi_pending) {
		bool now = v->ops->interruptible(v) && vlapic_nmi_take(&g->vlapic);

		if (now)
			v->ops->inject(v, EVENT_NMI, VLAPIC_NMI_VECTOR, false, 0);
		v->ops->irq_window(v, !now);
		return;
	}
	if (!v->inject_pending && !vlapic_irr_any(&g->vlapic))
		return;
	vec = vlapic_pending(&g->vlapic);
	if (vec < 0 && !v->inject_pending)
		return;
	if (!v->ops->interruptible(v)) {
		v->ops->irq_window(v, true);
		return;
	}
	if (vec >= 0) {
		vlapic_ack(&g->vlapic);
		v->ops->inject(v, EVENT_EXTINT, (uint8_t)vec, false, 0);
	} else {
		v->ops->inject(v, EVENT_EXTINT, v->inject_vector, false, 0);
		v->inject_pending--;
	}
	v->ops->irq_window(v, false);
}

static int guest_loop(struct guest *g)
{
	struct vcpu *v = &g->vcpu;
	struct vcpu_exit e;
	int rc;

	do {
		guest_deliver_irqs(g);
		v->ops->run(v, &e);
		v->exits[e.reason]++;
		rc = exit_handle(g, &e);
	} while (rc == 0);
	return rc;
}

int guest_run_work(struct guest *g, const struct hc_work *w)
{
	int err;

	if (g->state == GUEST_STOPPED) {
		err = guest_start(g);
		if (err)
			return err;
	}
	if (w) {
		g->work = *w;
		g->work_pending = true;
	}
	return guest_loop(g) > 0 ? 0 : -EIO;
}

void guest_stop(struct guest *g, enum guest_stop_cause cause, const char *fmt, ...)
{
	va_list ap;

	printf("hv: guest stopped: ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	g->vcpu.ops->dump(&g->vcpu);
	g->state = GUEST_STOPPED;
	g->stop_cause = cause;
}

static int guest_gva_to_gpa(struct guest *g, uint64_t gva, uint64_t *gpa)
{
	struct pt_ctx walk = g->gpt;

	walk.root = g->vcpu.ops->get(&g->vcpu, VREG_CR3) & PT_ADDR_MASK;
	return pt_walk(&walk, gva, gpa, NULL, NULL) ? -EFAULT : 0;
}

static int guest_copy_gva(struct guest *g, uint64_t gva, void *buf,
			  uint64_t len, bool to_guest)
{
	uint8_t *p = buf;

	while (len) {
		uint64_t gpa, chunk = PT_PAGE_SIZE - (gva & (PT_PAGE_SIZE - 1));
		uint8_t *mem;

		if (chunk > len)
			chunk = len;
		if (guest_gva_to_gpa(g, gva, &gpa))
			return -EFAULT;
		mem = guest_gpa_ptr(g, gpa, chunk);
		if (!mem)
			return -EFAULT;
		if (to_guest)
			memcpy(mem, p, chunk);
		else
			memcpy(p, mem, chunk);
		p += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int guest_read_gva(struct guest *g, uint64_t gva, void *dst, uint64_t len)
{
	return guest_copy_gva(g, gva, dst, len, false);
}

int guest_write_gva(struct guest *g, uint64_t gva, const void *src, uint64_t len)
{
	return guest_copy_gva(g, gva, (void *)src, len, true);
}

static const uint8_t *guest_code_page(struct guest *g, uint64_t cr3, uint64_t page)
{
	struct guest_code_tlb *c = &g->itlb;
	struct pt_ctx walk = g->gpt;
	uint64_t gpa;

	if (c->host && c->cr3 == cr3 && c->page == page && pt_trace_current(&c->trace))
		return c->host;
	c->host = NULL;
	walk.root = cr3;
	if (pt_walk_traced(&walk, page, &gpa, NULL, NULL, &c->trace))
		return NULL;
	c->host = guest_gpa_ptr(g, gpa, PT_PAGE_SIZE);
	c->cr3 = cr3;
	c->page = page;
	return c->host;
}

size_t guest_fetch_insn(struct guest *g, uint64_t cr3, uint64_t lin, uint8_t *buf,
			const uint8_t **bytes)
{
	uint64_t off = lin & (PT_PAGE_SIZE - 1);
	const uint8_t *page;
	size_t n;

	cr3 &= PT_ADDR_MASK;
	page = guest_code_page(g, cr3, lin - off);
	if (page && off <= PT_PAGE_SIZE - INSN_MAX_LEN) {
		*bytes = page + off;
		return INSN_MAX_LEN;
	}
	*bytes = buf;
	for (n = 0; n < INSN_MAX_LEN && page; n++, off++) {
		if (off == PT_PAGE_SIZE) {
			page = guest_code_page(g, cr3, lin + n);
			off = 0;
			if (!page)
				break;
		}
		buf[n] = page[off];
	}
	return n;
}

int guest_read_string(struct guest *g, uint64_t gva, char *dst, uint64_t max)
{
	uint64_t i;

	for (i = 0; i + 1 < max; i++) {
		if (guest_read_gva(g, gva + i, &dst[i], 1))
			return -EFAULT;
		if (!dst[i])
			return 0;
	}
	dst[i] = 0;
	return 0;
}
