/* The guest (see guest.h). Guest RAM is one contiguous host block, mapped
 * by 2 MiB nested pages at the guest-physical ranges of hv/guest_ram.h. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "hv/guest.h"
#include "hv/bootinfo.h"
#include "hv/mem.h"
#include "hv/insn.h"
#include "hv/conio.h"
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
	const struct guest_ram_range *r = guest_ram_find(&g->ram, gpa, len);

	if (!r)
		return NULL;
	return (void *)(uintptr_t)(g->ram_hpa + r->offset + (gpa - r->gpa));
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

/* RAM is write-back. APM vol 2, 15.25.5: nested walks are user accesses,
 * so leaves carry US (EPT has no such bit and ignores it). */
static int guest_map_ram(struct guest *g)
{
	unsigned i;
	int err = 0;

	for (i = 0; i < g->ram.n && !err; i++)
		err = pt_map(&g->npt, g->ram.r[i].gpa, g->ram_hpa + g->ram.r[i].offset,
			     g->ram.r[i].size, PT_RW | PT_US | PT_CACHE_WB, false);
	return err;
}

int guest_create(struct guest *g, const struct vcpu_ops *ops, uint64_t ram_hpa,
		 const struct guest_ram *ram, const void *image, uint64_t image_size,
		 uint64_t tsc_hz)
{
	int err;

	memset(g, 0, sizeof(*g));
	g->ram_hpa = ram_hpa;
	g->ram = *ram;
	g->unmapped_gpa = ram->unmapped_gpa;
	g->image = image;
	g->image_size = image_size;
	g->tsc_hz = tsc_hz;
	g->npt = (struct pt_ctx){ .phys_to_virt = hv_phys, .alloc_page = hv_page,
				  .format = ops->slat_format };
	err = pt_init(&g->npt) ?: guest_map_ram(g);
	if (err) {
		printf("hv: nested page tables for %lu MiB of guest RAM: error %d\n",
		       ram->size >> 20, err);
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

/* The guest's initial tables: identity map of the low 4 GiB, or up to the
 * GiB boundary past unmapped_gpa (above all RAM, and reachable so that it
 * faults in the NPT), and of its device's BARs wherever they are. */
static int guest_build_tables(struct guest *g)
{
	uint64_t top = ALIGN_UP(g->unmapped_gpa + MiB(2), GiB(1));
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

/* Leave the old delivery mode (the device released under it first) and
 * enter the one the options name, or refuse with the reason. */
static int guest_enter_mode(struct guest *g)
{
	struct delivery_mode m;
	char why[240];
	int err;

	passthru_release(&g->pt);
	delivery_stop(g, &g->mode);
	err = delivery_select(g, g->opts->msix, g->opts->delivery, g->opts->eoi, &m, why,
			      sizeof(why));
	if (!err) {
		/* The start hooks see the whole mode they start in. */
		g->mode = m;
		err = delivery_start(g, &m, why, sizeof(why));
	}
	if (err) {
		g->mode = (struct delivery_mode){ 0 };
		printf("hv: the guest cannot start in this mode: %s\n", why);
		return err;
	}
	return 0;
}

int guest_start(struct guest *g)
{
	struct vcpu_boot_state bs;
	int err;

	g->state = GUEST_STOPPED;
	err = guest_enter_mode(g);
	if (err)
		return err;
	err = guest_load_image(g, &bs.rip);
	if (!err)
		err = guest_build_tables(g);
	if (err)
		return err;
	bs.rsp = GUEST_STACK_TOP;
	bs.cr3 = g->gpt.root;
	bs.npt_root = g->npt.root;
	g->vcpu.ops->reset(&g->vcpu, &bs);
	/* The guest's TSC is the host's (no offset, RDTSC not intercepted):
	 * its APIC timer runs on cpu_rdtsc. */
	vlapic_reset(&g->vlapic, 0, cpu_rdtsc);
	g->vcpu.inject_pending = 0;
	g->work_pending = false;
	g->stop_cause = STOP_NONE;
	g->boot_count++;
	g->state = GUEST_PARKED;	/* runnable; becomes STOPPED on error */
	return guest_run_work(g, NULL);
}

/* Exits the guest made itself: host interrupts (and timer ticks, which
 * exits[] does not count) are not progress. */
static uint64_t guest_own_exits(const struct vcpu *v)
{
	uint64_t n = 0;
	unsigned r;

	for (r = 0; r < EXIT_REASONS; r++)
		if (r != EXIT_INTR && r != EXIT_NMI)
			n += v->exits[r];
	return n;
}

/* A tick of the exit timer, in the guest or in the hv: read the console
 * for Ctrl-C and feed the watchdog. true when the guest was stopped. */
static bool guest_tick(struct guest *g)
{
	struct vcpu *v = &g->vcpu;

	v->timer_fired = false;
	if (conio_poll_break()) {
		guest_stop(g, STOP_INTERRUPTED, "interrupted from the console (Ctrl-C)");
		return true;
	}
	if (watchdog_tick(&g->wd, guest_own_exits(v))) {
		guest_stop(g, STOP_WATCHDOG, "no exit for %u ms (watchdog=%u): it spins with "
			   "nothing to end it", *g->watchdog_ms, *g->watchdog_ms);
		return true;
	}
	return false;
}

/* Host interrupts are drained first and what to inject is decided after,
 * with IF clear from there until VMRUN (which sets it under GIF=0): an
 * interrupt taken after the decision would leave its vector in the
 * virtual IRR with no injection and no window asked for, waiting for an
 * exit that a spinning guest never makes. One that arrives after the
 * drain stays pending and exits the guest at once. KVM's entry path
 * (vcpu_enter_guest) checks for new work with interrupts off likewise. */
static int guest_loop(struct guest *g)
{
	struct vcpu *v = &g->vcpu;
	struct vcpu_exit e;
	int rc;

	do {
		cpu_irq_window();
		if (v->timer_fired && guest_tick(g))
			return -EIO;
		v->guest_deadline = vlapic_timer_poll(&g->vlapic);
		if (g->mode.eoi->before_entry)
			g->mode.eoi->before_entry(g);
		g->mode.delivery->before_entry(g);
		v->ops->run(v, &e);
		if (e.reason == EXIT_TIMER) {
			v->timer_exits++;
			rc = guest_tick(g) ? -EIO : 0;
			continue;
		}
		v->exits[e.reason]++;
		rc = exit_handle(g, &e);
	} while (rc == 0);
	return rc;
}

/* The loop under the watchdog: the exit timer ticks WATCHDOG_TICKS times
 * per watchdog period, and only while the guest runs, so native tests and
 * the idle console see no tick. */
static int guest_loop_watched(struct guest *g)
{
	uint32_t ms = g->watchdog_ms ? *g->watchdog_ms : 0;
	uint64_t period = watchdog_period_tsc(ms, g->tsc_hz);
	struct vcpu *v = &g->vcpu;
	char why[160];
	int rc;

	if (ms && !period) {
		printf("hv: watchdog=%u ms: the TSC frequency is unknown; the guest does not run "
		       "unwatched (set watchdog=0 to allow it)\n", ms);
		return -ENODEV;
	}
	if (period && v->ops->exit_timer(v, period, why, sizeof(why))) {
		printf("hv: watchdog=%u ms: %s; the guest does not run unwatched "
		       "(set watchdog=0 to allow it)\n", ms, why);
		return -ENODEV;
	}
	watchdog_arm(&g->wd, guest_own_exits(v));
	rc = guest_loop(g);
	/* Also without a watchdog: the guest's APIC timer may have used it. */
	v->ops->exit_timer(v, 0, why, sizeof(why));
	return rc;
}

/* A tick inside a measured iteration makes that sample longer; its exit
 * is never in exits_per_iter (exits[] does not count it). Say so. */
static void guest_ticks_report(struct guest *g, const struct hc_work *w, uint64_t exits0)
{
	uint64_t n = g->wd.ticks, in_guest = g->vcpu.timer_exits - exits0;

	if (!w || w->kind != WORK_BENCH || !n)
		return;
	printf("hv: watchdog: %lu tick(s) during this benchmark, %lu of them exits from the "
	       "guest; exits_per_iter leaves them out, a sample one landed in is longer (see "
	       "max)\n", n, in_guest);
}

int guest_run_work(struct guest *g, const struct hc_work *w)
{
	uint64_t timer_exits0 = g->vcpu.timer_exits;
	int err;

	if (conio_break_seen()) {
		printf("hv: interrupted from the console (Ctrl-C): the guest runs again after "
		       "the next prompt\n");
		return -EINTR;
	}
	if (g->state != GUEST_STOPPED &&
	    !delivery_matches(&g->mode, g->opts->msix, g->opts->delivery, g->opts->eoi)) {
		printf("hv: the delivery mode changed (msix=%s delivery=%s eoi=%s before): the "
		       "guest restarts\n", g->mode.msix->name, g->mode.delivery->name,
		       g->mode.eoi->name);
		g->state = GUEST_STOPPED;
	}
	if (g->state == GUEST_STOPPED) {
		err = guest_start(g);
		if (err)
			return err;
	}
	if (w) {
		g->work = *w;
		g->work_pending = true;
	}
	err = guest_loop_watched(g);
	guest_ticks_report(g, w, timer_exits0);
	if (err == -ENODEV)
		return err;
	return err > 0 ? 0 : -EIO;
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
	struct pt_ctx walk;
	uint64_t gpa;

	if (code_tlb_peek(c, cr3, page, PT_PAGE_SIZE))
		return c->host;
	c->misses++;
	c->host = NULL;
	walk = g->gpt;
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
