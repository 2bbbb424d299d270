/* RESULT JSON from validated fields (see result_json.h), through the
 * bounded writer of hv/jsonw.h. */
#include <stdio.h>
#include "hv/jsonw.h"
#include "hv/provenance.h"
#include "hv/result_json.h"

/* dev= is formatted here from its parsed numbers, so it needs no name check. */
static void opts_write(struct jsonw *w, const struct result_opts *o)
{
	char bdf[16];

	jsonw_raw(w, "{");
	if (o) {
		jsonw_u64(w, true, "iters", o->iters);
		jsonw_u64(w, false, "warmup", o->warmup);
		if (o->source) {
			jsonw_key(w, false, "source");
			jsonw_name(w, o->source);
		}
		if (o->dev) {
			snprintf(bdf, sizeof(bdf), "\"%04x:%02x:%02x.%x\"", o->dev->seg,
				 o->dev->bus, o->dev->dev, o->dev->fn);
			jsonw_key(w, false, "dev");
			jsonw_raw(w, bdf);
		}
	}
	jsonw_raw(w, "}");
}

int result_json(char *buf, size_t len, const struct result_desc *d)
{
	const struct stats *st = d->st;
	struct jsonw w;
	size_t i;

	jsonw_init(&w, buf, len, RESULT_NAME_MAX);
	jsonw_raw(&w, "{");
	jsonw_key(&w, true, "bench");
	jsonw_name(&w, d->bench);
	jsonw_key(&w, false, "mode");
	jsonw_raw(&w, "{");
	for (i = 0; i < d->nmode; i++) {
		jsonw_key(&w, !i, d->mode[i].key);
		jsonw_name(&w, d->mode[i].val);
	}
	jsonw_raw(&w, "}");
	jsonw_key(&w, false, "source");
	jsonw_name(&w, d->source ? d->source : "none");
	jsonw_key(&w, false, "unit");
	jsonw_name(&w, "tsc_ticks");
	jsonw_u64(&w, false, "count", st->count);
	jsonw_u64(&w, false, "min", st->min);
	jsonw_u64(&w, false, "p50", st->p50);
	jsonw_u64(&w, false, "p90", st->p90);
	jsonw_u64(&w, false, "p99", st->p99);
	jsonw_u64(&w, false, "max", st->max);
	jsonw_milli(&w, false, "mean", st->mean_milli);
	if (d->smi_known) {
		jsonw_u64(&w, false, "smi", d->smi);
	} else {
		jsonw_key(&w, false, "smi");
		jsonw_raw(&w, "null");
	}
	jsonw_key(&w, false, "exits_per_iter");
	jsonw_raw(&w, "{");
	for (i = 0; i < d->nexits; i++)
		jsonw_milli(&w, !i, d->exits[i].key, d->exits[i].milli);
	jsonw_raw(&w, "}");
	jsonw_key(&w, false, "build");
	jsonw_name_max(&w, d->build, PROV_BUILD_MAX);
	jsonw_key(&w, false, "run");
	jsonw_name_max(&w, d->run, PROV_RUN_MAX);
	jsonw_key(&w, false, "opts");
	opts_write(&w, d->opts);
	jsonw_raw(&w, "}");
	return jsonw_finish(&w);
}
