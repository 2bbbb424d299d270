/* Provenance facts as text (see provenance.h). */
#include <stdio.h>
#include <string.h>
#include "hv/jsonw.h"
#include "hv/provenance.h"

/* Longest CPUID or SMBIOS string copied into the line. */
#define PROV_TEXT_MAX	64

static bool time_valid(const struct bootinfo_time *t)
{
	return t->valid && t->year >= 1998 && t->year <= 9999 && t->month >= 1 &&
	       t->month <= 12 && t->day >= 1 && t->day <= 31 && t->hour <= 23 &&
	       t->minute <= 59 && t->second <= 59;
}

void prov_run_id(char *buf, size_t len, const struct bootinfo_time *t, uint64_t tsc)
{
	unsigned tag = (unsigned)(tsc & 0xffff);

	if (time_valid(t))
		snprintf(buf, len, "%04u%02u%02uT%02u%02u%02u-%04x", t->year, t->month, t->day,
			 t->hour, t->minute, t->second, tag);
	else
		snprintf(buf, len, "notime-%04x", tag);
}

bool prov_build_dirty(const char *build)
{
	size_t n = strlen(build);

	return n >= 6 && !strcmp(build + n - 6, "-dirty");
}

const char *prov_emulator(const struct smbios_info *fw, const char *hv_sig,
			  bool acpi_qemu, bool bochs_ports)
{
	if (fw && !strcmp(fw->sys_vendor, "QEMU"))
		return "qemu";
	if (fw && (strstr(fw->sys_vendor, "Bochs") || strstr(fw->bios_vendor, "Bochs")))
		return "bochs";
	if (hv_sig && !memcmp(hv_sig, "TCGTCGTCGTCG", 12))
		return "qemu";
	if (acpi_qemu)
		return "qemu";
	if (bochs_ports)
		return "bochs";
	return NULL;
}

/* A string field: null when empty (SMBIOS: no such string). */
static void text_or_null(struct jsonw *w, bool first, const char *key, const char *s)
{
	jsonw_key(w, first, key);
	jsonw_text(w, s && *s ? s : NULL, PROV_TEXT_MAX);
}

static void name_or_null(struct jsonw *w, const char *key, const char *s)
{
	jsonw_key(w, false, key);
	if (s)
		jsonw_name(w, s);
	else
		jsonw_raw(w, "null");
}

static void cpu_write(struct jsonw *w, const struct prov_platform *p)
{
	char ucode[16];

	jsonw_key(w, false, "cpu");
	jsonw_raw(w, "{");
	text_or_null(w, true, "vendor", p->cpu.vendor);
	text_or_null(w, false, "brand", p->cpu.brand);
	jsonw_u64(w, false, "family", p->cpu.family);
	jsonw_u64(w, false, "model", p->cpu.model);
	jsonw_u64(w, false, "stepping", p->cpu.stepping);
	jsonw_key(w, false, "microcode");
	if (p->cpu.ucode_known) {
		snprintf(ucode, sizeof(ucode), "0x%x", p->cpu.ucode);
		jsonw_text(w, ucode, sizeof(ucode));
	} else {
		jsonw_raw(w, "null");
	}
	jsonw_raw(w, "}");
}

static void firmware_write(struct jsonw *w, const struct smbios_info *fw)
{
	char ver[8];

	jsonw_key(w, false, "firmware");
	if (!fw || !fw->found) {
		jsonw_raw(w, "null");
		return;
	}
	snprintf(ver, sizeof(ver), "%u.%u", fw->major, fw->minor);
	jsonw_raw(w, "{");
	text_or_null(w, true, "vendor", fw->bios_vendor);
	text_or_null(w, false, "version", fw->bios_version);
	text_or_null(w, false, "date", fw->bios_date);
	text_or_null(w, false, "smbios", ver);
	jsonw_raw(w, "}");
}

static void vtd_write(struct jsonw *w, const struct prov_platform *p)
{
	char ver[8];

	jsonw_key(w, false, "vtd");
	if (!p->vtd) {
		jsonw_raw(w, "null");
		return;
	}
	snprintf(ver, sizeof(ver), "%u.%u", p->vtd_major, p->vtd_minor);
	jsonw_raw(w, "{");
	text_or_null(w, true, "version", p->vtd_ver_known ? ver : NULL);
	jsonw_u64(w, false, "units", p->vtd_units);
	jsonw_raw(w, "}");
}

int prov_platform_json(char *buf, size_t len, const struct prov_platform *p)
{
	struct jsonw w;

	jsonw_init(&w, buf, len, PROV_BUILD_MAX);
	jsonw_raw(&w, "{");
	jsonw_key(&w, true, "run");
	jsonw_name_max(&w, p->run, PROV_RUN_MAX);
	jsonw_key(&w, false, "build");
	jsonw_name(&w, p->build);
	jsonw_key(&w, false, "dirty");
	if (p->build && strcmp(p->build, PROV_BUILD_UNKNOWN))
		jsonw_raw(&w, prov_build_dirty(p->build) ? "true" : "false");
	else
		jsonw_raw(&w, "null");
	cpu_write(&w, p);
	firmware_write(&w, p->fw);
	vtd_write(&w, p);
	name_or_null(&w, "emulator", p->emulator);
	name_or_null(&w, "backend", p->backend);
	jsonw_raw(&w, "}");
	return jsonw_finish(&w);
}
