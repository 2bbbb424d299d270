/* Which build, which boot and which machine produced a log: the build's
 * `git describe`, a run id, and the PLATFORM line (CPU, firmware from
 * SMBIOS, VT-d, emulator, backend). Pure: no hardware access; hv/platform.c
 * gathers the facts and prints the line. */
#ifndef HV_PROVENANCE_H
#define HV_PROVENANCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "hv/bootinfo.h"
#include "drivers/smbios.h"

/* `git describe --always --dirty` as the Makefile put it into the image:
 * 1..PROV_BUILD_MAX characters of the name set, "unknown" outside git. */
#define PROV_BUILD_MAX		64
#define PROV_BUILD_UNKNOWN	"unknown"
/* "20261203T101500-3f2a": UEFI time at boot and 4 hex digits of the TSC;
 * "notime-3f2a" when the firmware gave no valid time. */
#define PROV_RUN_MAX		24
/* The PLATFORM line's JSON fits this, whatever the firmware's strings. */
#define PROV_PLATFORM_MAX	1536

/* The run id from t (ranges checked here) and the TSC's low 16 bits. */
void prov_run_id(char *buf, size_t len, const struct bootinfo_time *t, uint64_t tsc);
/* A describe of a tree with uncommitted changes ends in "-dirty". */
bool prov_build_dirty(const char *build);

/* What the emulator is, from the strongest evidence: SMBIOS type 1
 * manufacturer "QEMU" or Bochs' strings, the CPUID hypervisor leaf's
 * signature (12 bytes, "TCGTCGTCGTCG" for QEMU's TCG; NULL when there is
 * no leaf), then the hv's own findings (QEMU's ACPI OEM ID, Bochs' ports).
 * "qemu", "bochs", or NULL (bare metal, or a hypervisor that is neither). */
const char *prov_emulator(const struct smbios_info *fw, const char *hv_sig,
			  bool acpi_qemu, bool bochs_ports);

struct prov_platform {
	const char *run, *build;
	struct {
		const char *vendor, *brand;	/* CPUID strings */
		unsigned family, model, stepping;
		bool ucode_known;
		uint32_t ucode;
	} cpu;
	const struct smbios_info *fw;	/* NULL or !found: "firmware":null */
	bool vtd;			/* a DMAR: "vtd":{...}, else null */
	bool vtd_ver_known;		/* a unit is up: its VER register */
	unsigned vtd_major, vtd_minor, vtd_units;
	const char *emulator;		/* NULL: null */
	const char *backend;		/* NULL: null (no backend could run) */
};

/* The PLATFORM line's JSON (docs: README "Provenance") into buf: 0,
 * -EINVAL (run, build, emulator or backend not a valid name) or -ENOSPC;
 * buf holds "" on error. Outside strings (CPUID brand, SMBIOS) are
 * escaped, never trusted. */
int prov_platform_json(char *buf, size_t len, const struct prov_platform *p);

#endif
