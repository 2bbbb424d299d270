/* The table of PCI interrupt sources (see irq_source.h). */
#include <errno.h>
#include <string.h>

#include "drivers/irq_source.h"

const struct irq_source_ops *const irq_sources[] = {
	&irq_source_e1000e,
	&irq_source_nvme,
	NULL,
};

const struct irq_source_ops *irq_source_find(const struct pci_dev *d)
{
	unsigned i;

	for (i = 0; irq_sources[i]; i++)
		if (irq_sources[i]->probe(d))
			return irq_sources[i];
	return NULL;
}

int irq_source_init(struct irq_source *s, const struct irq_source_ops *ops,
		    const struct irq_source_env *env)
{
	int err;

	memset(s, 0, sizeof(*s));
	s->ops = ops;
	err = ops->init(s, env);
	if (!err && (!s->nvec || s->nvec > IRQ_SOURCE_MAX_VECTORS))
		err = -EINVAL;
	if (err)
		s->ops = NULL;
	return err;
}

int irq_source_trigger(struct irq_source *s, unsigned i, uint64_t *t0)
{
	return s->ops->arm(s, i) ?: s->ops->fire(s, i, t0);
}
