/*
 * Hypervisor options: one descriptor table drives parsing of the UEFI
 * command line, irqvisor.cfg and the console's `set`, plus `show`/`help`.
 */
#ifndef HV_OPTIONS_H
#define HV_OPTIONS_H

#include <stddef.h>
#include <stdint.h>

enum opt_cpu { OPT_CPU_AUTO, OPT_CPU_SVM, OPT_CPU_VMX };
/* The hv's local APIC mode: auto keeps what firmware left. */
enum opt_apic { OPT_APIC_AUTO, OPT_APIC_XAPIC, OPT_APIC_X2APIC, OPT_APIC_PASSTHROUGH };
/* The interrupt delivery mode (hv/delivery/delivery.h): how the MSI-X
 * table reaches the hv, how an interrupt reaches the guest, how its EOI
 * reaches the hv. */
enum opt_msix { OPT_MSIX_TRAP, OPT_MSIX_MAP };
enum opt_delivery { OPT_DELIVERY_INJECT, OPT_DELIVERY_DIRECT, OPT_DELIVERY_POSTED };
enum opt_eoi { OPT_EOI_TRAP, OPT_EOI_PV, OPT_EOI_HW };
/* source=: what the interrupt tests and benchmarks raise. */
enum opt_source { OPT_SOURCE_AUTO, OPT_SOURCE_DEVICE, OPT_SOURCE_TIMER };
enum opt_yesno { OPT_NO, OPT_YES };
enum opt_onoff { OPT_OFF, OPT_ON };

#define OPT_AUTORUN_MAX 512
/* Enough for any message options_set() writes; longer ones are truncated. */
#define OPT_ERR_MAX     320
/* Name used in options_parse_config() messages. */
#define OPT_CONFIG_NAME "irqvisor.cfg"

#define OPT_DEV_MAX	16

/* A PCI function named by dev=. */
struct opt_bdf {
	uint16_t seg;
	uint8_t bus, dev, fn;
};

struct hv_options {
	enum opt_cpu cpu;	/* cpu=auto|svm|vmx, default auto */
	uint64_t guest_mem;	/* guestmem=SIZE, default 64M, 16M..64G, multiple of 2M */
	uint64_t hv_mem;	/* hvmem=SIZE, default 16M, 4M..1G, multiple of 2M */
	uint32_t iters;		/* iters=N benchmark iterations, default 10000, 1..1000000 */
	uint32_t warmup;	/* warmup=N, default 100, 0..100000 */
	uint32_t watchdog_ms;	/* watchdog=MS, default 1000, 0 (off) or 20..60000 */
	uint32_t irt_entries;	/* irt=N IRTEs per VT-d unit, default 256, 2..65536, power of 2 */
	enum opt_apic apic;	/* apic=auto|xapic|x2apic|passthrough, default auto */
	enum opt_msix msix;	/* msix=trap|map, default trap */
	enum opt_delivery delivery;	/* delivery=inject|direct|posted, default inject */
	enum opt_eoi eoi;	/* eoi=trap|pv|hw, default trap */
	char dev[OPT_DEV_MAX];	/* dev=auto|[SSSS:]BB:DD.F, default auto */
	enum opt_source source;	/* source=auto|device|timer, default auto */
	enum opt_yesno guest_nvme;	/* guestnvme=no|yes, default no */
	enum opt_onoff hist;	/* hist=off|on: HIST lines after RESULT lines, default off */
	char autorun[OPT_AUTORUN_MAX];	/* autorun="cmd; cmd", default "" */
};

/* Called once per error with a complete one-line message (no trailing newline). */
typedef void (*opt_report_fn)(void *ctx, const char *msg);

/* Fill @o with the defaults from the option table. */
void options_init(struct hv_options *o);

/*
 * Set one option from NUL-terminated key and value (value unquoted already).
 * Returns 0, -EINVAL (bad value) or -ENOENT (unknown key); on error writes a
 * one-line message into @err (OPT_ERR_MAX is always enough) and leaves @o as is.
 */
int options_set(struct hv_options *o, const char *key, const char *value,
		char *err, size_t errlen);

/*
 * Parse whitespace-separated key=value tokens, values optionally "quoted".
 * A leading program name ending in .efi is skipped. Also serves the console's
 * `set` (pass the text after "set "). Returns the number of errors reported.
 */
int options_parse_cmdline(struct hv_options *o, const char *line,
			  opt_report_fn report, void *ctx);

/*
 * Parse irqvisor.cfg text of @len bytes (need not be NUL-terminated): one
 * key=value per line, # comments, LF or CRLF. Returns the number of errors.
 */
int options_parse_config(struct hv_options *o, const char *text, size_t len,
			 opt_report_fn report, void *ctx);

/* Write one "key=value\n" line per option in table order; snprintf-style return. */
int options_format(const struct hv_options *o, char *buf, size_t len);

/* Format a size as "1G", "64M", "4100K" or plain bytes, whichever is exact. */
void options_format_size(uint64_t bytes, char *buf, size_t len);

/* Parse "[SSSS:]BB:DD.F" (hex; DD < 0x20, F < 8). 0 or -EINVAL. */
int options_parse_bdf(const char *s, struct opt_bdf *out);

/* For `help`: one line per key with allowed values, default and meaning. */
int options_describe(char *buf, size_t len);

#endif
