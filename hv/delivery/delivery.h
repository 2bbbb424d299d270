/* Interrupt delivery modes: how the assigned device's MSI-X table reaches
 * the hv (msix=), how its interrupt reaches the guest (delivery=) and how
 * the guest's EOI comes back (eoi=). One ops table for each, chosen from
 * the options when the guest starts (delivery_select); the three that ran
 * name every RESULT's mode. Each mode lives in its own file here. */
#ifndef HV_DELIVERY_H
#define HV_DELIVERY_H

#include <stdbool.h>
#include <stdint.h>
#include "hv/options.h"

struct guest;
struct passthru;
struct ptemu_msi;
struct vcpu_regs;
struct delivery_mode;

struct msix_mode_ops {
	const char *name;		/* "trap", "map" */
	/* 0 when this machine and guest can run the mode as part of m (the
	 * candidate: the other two choices); else -ENODEV with the reason in
	 * why. */
	int (*usable)(const struct guest *g, const struct delivery_mode *m, char *why,
		      unsigned len);
	/* The device was assigned (MSI-X off) or released. NULL: nothing. */
	int (*start)(struct passthru *p, char *why, unsigned len);
	void (*stop)(struct passthru *p);
};

struct delivery_ops {
	const char *name;		/* "inject", "direct", "posted" */
	int (*usable)(const struct guest *g, const struct delivery_mode *m, char *why,
		      unsigned len);
	/* The guest (re)starts in, or leaves, this mode: intercepts, mappings. */
	int (*start)(struct guest *g, char *why, unsigned len);
	void (*stop)(struct guest *g);
	/* Entry i's IRTE for the guest's decoded message, with the entry
	 * physically masked: inject keeps the IRTE on the entry's host vector
	 * and remembers the guest's; direct and posted rewrite the IRTE.
	 * -EINVAL with a phrase in *why refuses the message (it delivers
	 * nothing). */
	int (*setup_entry)(struct passthru *p, unsigned i, const struct ptemu_msi *msg,
			   const char **why);
	/* Entry i's interrupt reached the hv (interrupt context, IF=0). */
	void (*host_irq)(struct passthru *p, unsigned i);
	/* Before every VM entry, IF clear: hand what is pending to the vCPU. */
	void (*before_entry)(struct guest *g);
	/* Whether the guest stays isolated from the host's interrupt
	 * hardware in this mode (false: said in every result). */
	bool (*isolated)(const struct guest *g);
};

struct eoi_ops {
	const char *name;		/* "trap", "pv", "hw" */
	int (*usable)(const struct guest *g, const struct delivery_mode *m, char *why,
		      unsigned len);
	int (*start)(struct guest *g, char *why, unsigned len);
	void (*stop)(struct guest *g);
	/* The vCPU was handed vector (an edge interrupt, now in service). */
	void (*injected)(struct guest *g, uint8_t vector);
	/* Before every VM entry, IF clear (NULL: nothing to do). */
	void (*before_entry)(struct guest *g);
	/* The guest wrote its APIC page's EOI register (a trapped write). */
	void (*apic_eoi)(struct guest *g);
};

struct delivery_mode {
	const struct msix_mode_ops *msix;
	const struct delivery_ops *delivery;
	const struct eoi_ops *eoi;
};

extern const struct msix_mode_ops msix_trap_ops, msix_map_ops;
extern const struct delivery_ops delivery_inject_ops, delivery_direct_ops,
	delivery_posted_ops;
extern const struct eoi_ops eoi_trap_ops, eoi_pv_ops, eoi_hw_ops;

/* Hypercalls of the modes (hypercall_abi.h), same convention as
 * hv/hypercall.c's: HC_MSI_MAP (msix=map), HC_PV_EOI (eoi=pv). */
long delivery_hc_msi_map(struct guest *g, struct vcpu_regs *r);
long delivery_hc_pv_eoi(struct guest *g, struct vcpu_regs *r);

/* The ops an option value names. */
const struct msix_mode_ops *delivery_msix_ops(enum opt_msix v);
const struct delivery_ops *delivery_ops_for(enum opt_delivery v);
const struct eoi_ops *delivery_eoi_ops(enum opt_eoi v);

/* The mode the options ask for, if g can run it: 0, or -ENODEV with the
 * reason ("delivery=direct: ...") in why and *m untouched. */
int delivery_select(const struct guest *g, enum opt_msix msix, enum opt_delivery dl,
		    enum opt_eoi eoi, struct delivery_mode *m, char *why, unsigned len);
/* Start the mode on g (delivery then eoi); on failure nothing stays
 * started. 0 or the error, the reason in why. */
int delivery_start(struct guest *g, const struct delivery_mode *m, char *why, unsigned len);
/* Undo delivery_start and clear *m (safe on a mode never started: m->delivery
 * NULL). */
void delivery_stop(struct guest *g, struct delivery_mode *m);
/* Inject delivery's work before VM entry, for the modes that share it
 * (the self-test's HC_INJECT_SELF count, NMIs, vectors in the vLAPIC). */
void delivery_inject_irqs(struct guest *g);

/* Refuse, as who ("set", "hv"), a mode in o that g cannot run: the
 * reason is printed, o's msix, delivery and eoi go back to keep's.
 * 0 when o's mode can run. */
int delivery_check_options(const struct guest *g, struct hv_options *o,
			   const struct hv_options *keep, const char *who);

/* For `info`: the mode asked and running, and whether each value of
 * msix=, delivery= and eoi= can run here (with the reason when not). */
void delivery_info(const struct guest *g, const struct hv_options *o);

/* Whether m is the mode the options name. */
bool delivery_matches(const struct delivery_mode *m, enum opt_msix msix,
		      enum opt_delivery dl, enum opt_eoi eoi);

#endif
