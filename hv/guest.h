/* The one guest: its RAM, nested and initial page tables, its vCPU and the
 * cooperative work protocol (the guest asks for work by hypercall; the
 * console hands it one self-test or benchmark at a time). */
#ifndef HV_GUEST_H
#define HV_GUEST_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/code_tlb.h"
#include "hv/delivery/delivery.h"
#include "hv/guest_ram.h"
#include "hv/hypercall_abi.h"
#include "hv/mmio.h"
#include "hv/paging.h"
#include "hv/passthru.h"
#include "hv/vlapic.h"
#include "hv/vcpu.h"
#include "hv/watchdog.h"

enum guest_state {
	GUEST_STOPPED,		/* not started, or stopped after an error */
	GUEST_PARKED,		/* waiting in HC_GET_WORK */
};

enum guest_stop_cause {
	STOP_NONE, STOP_NPF, STOP_SHUTDOWN, STOP_HALTED, STOP_UNEXPECTED,
	STOP_BAD_IO, STOP_BAD_INSN,
	STOP_WATCHDOG,		/* no exit for the watchdog period */
	STOP_INTERRUPTED,	/* Ctrl-C on the console */
};

struct guest {
	uint64_t ram_hpa;		/* the host block of guest RAM */
	struct guest_ram ram;		/* where it sits in guest-physical space */
	uint64_t unmapped_gpa;		/* beyond RAM: never in the NPT */
	const uint8_t *image;
	uint64_t image_size;
	struct pt_ctx npt;		/* guest-physical -> host-physical */
	struct pt_ctx gpt;		/* the guest's own tables, in its RAM */
	uint64_t gpt_next;		/* next free GPA for guest tables */
	struct guest_code_tlb itlb;
	struct mmio_dcache mmio_cache;	/* decoded MMIO MOVs (hv/mmio_exit.c) */
	struct vcpu vcpu;
	struct vlapic vlapic;		/* the guest's xAPIC, emulated */
	struct passthru pt;		/* its assigned device */
	struct delivery_mode mode;	/* as the guest was started (none while
					   stopped) */
	const struct hv_options *opts;	/* the options, read at each start */
	struct pt_range mmio[PCI_NUM_BARS];	/* identity-mapped device ranges */
	unsigned nmmio;
	enum guest_state state;
	enum guest_stop_cause stop_cause;
	uint64_t stop_gpa;
	unsigned boot_count;
	struct hc_work work;
	bool work_pending;
	uint64_t tsc_hz;
	const uint32_t *watchdog_ms;	/* the option, read at each run; NULL: off */
	struct watchdog wd;
};

/* Allocate the guest's nested page tables (RAM at host ram_hpa laid out
 * as ram says) and its vCPU on ops. */
int guest_create(struct guest *g, const struct vcpu_ops *ops, uint64_t ram_hpa,
		 const struct guest_ram *ram, const void *image, uint64_t image_size,
		 uint64_t tsc_hz);
/* Map [base, base+size) identity in the guest's own page tables (device
 * BARs beyond the default low 4 GiB). */
int guest_add_mmio(struct guest *g, uint64_t base, uint64_t size);
/* (Re)load the image, reset the vCPU and run until it parks. 0 when the
 * guest parked, -EIO when it stopped. */
int guest_start(struct guest *g);
/* Hand the guest one work item and run it until it parks again (0) or
 * stops (-EIO). Starts the guest first when it is stopped. While it runs,
 * the watchdog (*watchdog_ms) stops it after that long without an exit,
 * and Ctrl-C on the console stops it; after a Ctrl-C nothing runs (-EINTR)
 * until the console prompts again. -ENODEV when the watchdog is asked for
 * but its timer cannot run (the guest does not run unwatched). */
int guest_run_work(struct guest *g, const struct hc_work *w);
/* Stop the guest after an error: message, state dump, state = STOPPED. */
void guest_stop(struct guest *g, enum guest_stop_cause cause, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Host pointer to len bytes of guest RAM at guest-physical gpa, or NULL. */
void *guest_gpa_ptr(struct guest *g, uint64_t gpa, uint64_t len);
/* Copy len bytes from guest-virtual gva (translated through the guest's
 * current CR3). 0 or -EFAULT. */
int guest_read_gva(struct guest *g, uint64_t gva, void *dst, uint64_t len);
/* Up to INSN_MAX_LEN instruction bytes at linear address lin under page
 * tables cr3: *bytes points at them (into guest RAM, or into buf when they
 * cross a page). Returns how many are readable. */
size_t guest_fetch_insn(struct guest *g, uint64_t cr3, uint64_t lin, uint8_t *buf,
			const uint8_t **bytes);
/* The len bytes at linear lin under cr3 straight from the code TLB when
 * it holds them (code_tlb_peek), else NULL. */
static inline const uint8_t *guest_code_peek(const struct guest *g, uint64_t cr3, uint64_t lin,
					     size_t len)
{
	return code_tlb_peek(&g->itlb, cr3, lin, len);
}
/* Copy len bytes to guest-virtual gva. 0 or -EFAULT. */
int guest_write_gva(struct guest *g, uint64_t gva, const void *src, uint64_t len);
/* Copy a NUL-terminated string of at most max-1 characters. */
int guest_read_string(struct guest *g, uint64_t gva, char *dst, uint64_t max);

/* Exit handling (hv/exit.c): 0 to resume the guest, 1 when it parked,
 * -EIO when it was stopped. */
int exit_handle(struct guest *g, const struct vcpu_exit *e);
/* Emulate a trapped MMIO access (APIC page, MSI-X pages) at e->npf.gpa
 * (hv/mmio_exit.c): 0 done, -ENOENT not an emulated region, -EIO stopped. */
int mmio_exit(struct guest *g, const struct vcpu_exit *e);
/* Hypercall dispatch (hv/hypercall.c), same return convention. */
int hypercall_handle(struct guest *g, const struct vcpu_exit *e);

#endif
