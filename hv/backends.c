/* The vCPU backends of this build and the choice among them (cpu=). One
 * binary runs on both vendors: the choice is made once, at start. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "hv/vcpu.h"
#include "hv/options.h"
#include "drivers/cpu_info.h"

const struct vcpu_ops *const vcpu_backends[] = { &svm_ops, &vmx_ops, NULL };

static const struct vcpu_ops *backend_named(const char *name)
{
	const struct vcpu_ops *const *b;

	for (b = vcpu_backends; *b; b++)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
}

/* The vendor's own virtualization extension, tried first; NULL for
 * another vendor (Hygon, say), where every backend is tried. */
static const char *vendor_backend(void)
{
	switch (cpu_info()->vendor) {
	case CPU_VENDOR_INTEL:
		return "vmx";
	case CPU_VENDOR_AMD:
		return "svm";
	default:
		return NULL;
	}
}

static const struct vcpu_ops *backend_try(const char *name, char *why, unsigned len)
{
	const struct vcpu_ops *ops = backend_named(name);
	char reason[120];

	if (!ops) {
		snprintf(why, len, "cpu=%s: this build has no %s backend", name, name);
		return NULL;
	}
	if (ops->probe(reason, sizeof(reason))) {
		snprintf(why, len, "cpu=%s: %s", name, reason);
		return NULL;
	}
	return ops;
}

const struct vcpu_ops *vcpu_backend_pick(unsigned cpu_opt, char *why, unsigned len)
{
	const struct vcpu_ops *const *b;
	const char *first;
	char reason[120];
	size_t used;

	if (cpu_opt == OPT_CPU_SVM)
		return backend_try("svm", why, len);
	if (cpu_opt == OPT_CPU_VMX)
		return backend_try("vmx", why, len);
	first = vendor_backend();
	if (first && backend_named(first))
		return backend_try(first, why, len);
	/* Unknown vendor: whichever backend the CPU can run. */
	snprintf(why, len, "cpu=auto: no backend can run:");
	for (b = vcpu_backends; *b; b++) {
		if (!(*b)->probe(reason, sizeof(reason)))
			return *b;
		used = strlen(why);
		snprintf(why + used, len - used, " %s: %s;", (*b)->name, reason);
	}
	return NULL;
}
