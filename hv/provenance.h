/* Which build and which boot produced a log: the build's `git describe`
 * and a run id, carried by the PLATFORM line and every RESULT line.
 * Pure: no hardware access. */
#ifndef HV_PROVENANCE_H
#define HV_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/bootinfo.h"

/* `git describe --always --dirty` as the Makefile put it into the image:
 * 1..PROV_BUILD_MAX characters of the name set, "unknown" outside git. */
#define PROV_BUILD_MAX		64
/* "20261203T101500-3f2a": UEFI time at boot and 4 hex digits of the TSC. */
#define PROV_RUN_MAX		24

/* The run id from the firmware's time (t->valid false: "notime" in its
 * place) and the TSC's low 16 bits, into buf (len >= PROV_RUN_MAX + 1). */
void prov_run_id(char *buf, size_t len, const struct bootinfo_time *t, uint64_t tsc);
/* A describe of a tree with uncommitted changes ends in "-dirty". */
bool prov_build_dirty(const char *build);

#endif
