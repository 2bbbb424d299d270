/*
 * ACPI DMAR table (VT-d 3.x/4.x chapter 8) parsed as pure logic: the caller
 * maps the table and hands its bytes in; PCI topology is reached only
 * through a callback, so the same code runs in the hv and in unit tests.
 */
#ifndef DRIVERS_DMAR_H
#define DRIVERS_DMAR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/acpi.h"
#include "drivers/bits.h"

/* ---- In-memory table layouts ---- */

/* DMA Remapping Reporting Structure, VT-d 8.1. */
struct acpi_dmar {
	struct acpi_sdt_header hdr;	/* "DMAR" */
	uint8_t haw;			/* host address width - 1 */
	uint8_t flags;
#define DMAR_INTR_REMAP			BIT(0)
#define DMAR_X2APIC_OPT_OUT		BIT(1)
#define DMAR_DMA_CTRL_PLATFORM_OPT_IN	BIT(2)
	uint8_t reserved[10];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar) == 48, "DMAR header size");

/* Remapping structure header, VT-d 8.2. */
struct acpi_dmar_hdr {
	uint16_t type;
#define DMAR_TYPE_DRHD		0
#define DMAR_TYPE_RMRR		1
#define DMAR_TYPE_ATSR		2
#define DMAR_TYPE_RHSA		3
#define DMAR_TYPE_ANDD		4
#define DMAR_TYPE_SATC		5
#define DMAR_TYPE_SIDP		6
	uint16_t length;		/* whole structure, header included */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_hdr) == 4, "DMAR structure header size");

/* DMA Remapping Hardware Unit Definition, VT-d 8.3; scopes follow. */
struct acpi_dmar_drhd {
	struct acpi_dmar_hdr h;
	uint8_t flags;
#define DMAR_DRHD_INCLUDE_PCI_ALL	BIT(0)
	uint8_t size;			/* VT-d 3.x: 2^size 4 KiB pages; was 0 */
#define DMAR_DRHD_SIZE			GENMASK(3, 0)
	uint16_t segment;
	uint64_t reg_base;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_drhd) == 16, "DRHD size");

/* Reserved Memory Region Reporting, VT-d 8.4; endpoint scopes follow. */
struct acpi_dmar_rmrr {
	struct acpi_dmar_hdr h;
	uint16_t reserved;
	uint16_t segment;
	uint64_t base;
	uint64_t limit;			/* last byte, inclusive */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_rmrr) == 24, "RMRR size");

/* Root Port ATS Capability Reporting, VT-d 8.5; bridge scopes follow. */
struct acpi_dmar_atsr {
	struct acpi_dmar_hdr h;
	uint8_t flags;
#define DMAR_ATSR_ALL_PORTS		BIT(0)
	uint8_t reserved;
	uint16_t segment;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_atsr) == 8, "ATSR size");

/* Remapping Hardware Static Affinity, VT-d 8.6. */
struct acpi_dmar_rhsa {
	struct acpi_dmar_hdr h;
	uint32_t reserved;
	uint64_t reg_base;
	uint32_t proximity_domain;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_rhsa) == 20, "RHSA size");

/* ACPI Name-space Device Declaration, VT-d 8.7; a NUL-terminated name
 * follows. */
struct acpi_dmar_andd {
	struct acpi_dmar_hdr h;
	uint8_t reserved[3];
	uint8_t device_number;		/* a namespace scope's enumeration id */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_andd) == 8, "ANDD size");

/* SoC Integrated Address Translation Cache, VT-d 8.8; scopes follow. */
struct acpi_dmar_satc {
	struct acpi_dmar_hdr h;
	uint8_t flags;
#define DMAR_SATC_ATC_REQUIRED		BIT(0)
	uint8_t reserved;
	uint16_t segment;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_satc) == 8, "SATC size");

/* SoC Integrated Device Property Reporting, VT-d 4.1 8.9; scopes follow,
 * their flags byte carrying the properties. */
struct acpi_dmar_sidp {
	struct acpi_dmar_hdr h;
	uint16_t reserved;
	uint16_t segment;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_sidp) == 8, "SIDP size");

/* Device Scope, VT-d 8.3.1: 6 bytes, then (device, function) pairs. */
struct acpi_dmar_scope {
	uint8_t type;
#define DMAR_SCOPE_ENDPOINT	1
#define DMAR_SCOPE_BRIDGE	2	/* the whole sub-hierarchy */
#define DMAR_SCOPE_IOAPIC	3
#define DMAR_SCOPE_HPET		4
#define DMAR_SCOPE_NAMESPACE	5	/* ACPI namespace device (ANDD) */
	uint8_t length;			/* 6 + 2 * path entries */
	uint8_t flags;			/* reserved before VT-d 4.0: */
#define DMAR_SCOPE_NESTED_NOTALLOWED	BIT(0)	/* requests without PASID: */
#define DMAR_SCOPE_PWSNP_NOTALLOWED	BIT(1)
#define DMAR_SCOPE_PGSNP_NOTALLOWED	BIT(2)
#define DMAR_SCOPE_ATC_HARDENED		BIT(3)
#define DMAR_SCOPE_ATC_REQUIRED		BIT(4)
	uint8_t reserved;
	uint8_t enum_id;		/* IOAPIC/HPET id, ANDD device number */
	uint8_t start_bus;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_dmar_scope) == 6, "device scope size");

/* ---- Parsed view ---- */

/* Every list below is sized from the table itself; these bounds only catch
 * a table no machine has (refused, naming the bound). */
#define DMAR_MAX_UNITS		256	/* DRHD structures */
#define DMAR_MAX_STRUCTS	4096	/* structures of any other one type */
#define DMAR_MAX_SCOPES		65536	/* device scopes, all structures */
#define DMAR_MAX_PATH		124	/* the most a scope's 8-bit length holds */

struct dmar_scope {
	uint8_t type, flags, enum_id, start_bus, path_len;
	struct { uint8_t dev, fn; } path[DMAR_MAX_PATH];
};

struct dmar_unit {
	uint64_t reg_base;		/* 0 is a firmware bug (vtd_check_location) */
	uint16_t segment;
	bool include_all;		/* INCLUDE_PCI_ALL */
	uint8_t size_pages_log2;	/* register set is 4 KiB << this */
	unsigned first_scope, nscopes;	/* into dmar_info.scopes */
};

struct dmar_rmrr {
	uint16_t segment;
	uint64_t base, limit;		/* limit inclusive */
	unsigned first_scope, nscopes;
};

struct dmar_atsr {
	uint16_t segment;
	bool all_ports;
	unsigned first_scope, nscopes;
};

struct dmar_satc {
	uint16_t segment;
	bool atc_required;
	unsigned first_scope, nscopes;
};

struct dmar_sidp {
	uint16_t segment;
	unsigned first_scope, nscopes;
};

struct dmar_rhsa {
	uint64_t base;
	uint32_t domain;		/* proximity domain */
};

struct dmar_andd {
	uint8_t devnum;
	const char *name;		/* into dmar_info.names */
};

/* Arrays are allocated by dmar_parse and released by dmar_free. */
struct dmar_info {
	uint8_t haw;			/* host address width in bits (field + 1) */
	uint8_t flags;			/* DMAR_INTR_REMAP... */
	uint8_t revision;		/* of the table */
	struct dmar_unit *units;	/* in table order */
	unsigned nunits;
	struct dmar_rmrr *rmrr;
	unsigned nrmrr;
	struct dmar_atsr *atsr;
	unsigned natsr;
	struct dmar_satc *satc;
	unsigned nsatc;
	struct dmar_sidp *sidp;
	unsigned nsidp;
	struct dmar_rhsa *rhsa;
	unsigned nrhsa;
	struct dmar_andd *andd;
	unsigned nandd;
	struct dmar_scope *scopes;
	unsigned nscopes;
	char *names;			/* the ANDD names, NUL-terminated */
	size_t names_len;
	unsigned nskipped;		/* structures and scopes of unknown type */
};

/* One line per problem, e.g. "DMAR: RMRR at 0x98: limit 0x0 below base
 * 0x6c000000". */
typedef void (*dmar_report_fn)(void *ctx, const char *msg);

/* Validate the table (len bytes mapped) and parse it into out, whose
 * arrays are sized from the table (out must be zeroed or dmar_free'd).
 * Returns 0, -ENOMEM, or -EINVAL when the table is refused as a whole: bad
 * signature or checksum, length < 48 or > len, a structure of length 0,
 * below its minimum or past the end, a bad scope length, DRHD registers not
 * 4 KiB aligned, overlapping or past 2^64, a DRHD after its segment's
 * INCLUDE_PCI_ALL unit (VT-d 8.3), an RMRR whose limit is below its base,
 * is not 4 KiB granular, is 2^64-1, or that covers the interrupt window
 * 0xfee00000-0xfeefffff, more structures or scopes than the DMAR_MAX_*
 * bounds. Unknown types are reported, skipped and counted in nskipped.
 * Every report names the offset. */
int dmar_parse(const void *table, size_t len, struct dmar_info *out,
	       dmar_report_fn report, void *ctx);

/* Release what dmar_parse allocated; out is zeroed. */
void dmar_free(struct dmar_info *di);

/* The table's flags in words, e.g. "INTR_REMAP X2APIC_OPT_OUT
 * DMA_CTRL_PLATFORM_OPT_IN" ("none" for 0, reserved bits in hex). */
void dmar_flags_describe(uint8_t flags, char *buf, size_t len);

/* One line describing structure i of a list: "ATSR 0 seg 0 ALL_PORTS
 * scope: ...", "RHSA 0 unit 0xfed90000 proximity domain 1", "ANDD 0 device
 * 1 \\_SB.PCI0.I2C0", "SATC 0 seg 0 ATC_REQUIRED scope: ...", "SIDP 0 seg 0
 * scope: 00:02.0 endpoint [ATC_HARDENED ...]", "RMRR 0 0x..-0x.. seg 0
 * scope: ...". type is DMAR_TYPE_*; length, -ENOSPC, or -EINVAL. */
int dmar_struct_describe(const struct dmar_info *di, uint16_t type, unsigned i,
			 char *buf, size_t len);

/* Reads the secondary (config 0x19) and subordinate (0x1a) bus numbers of
 * the bridge at seg:bus:dev.fn; returns 0 or a negative errno. */
struct dmar_topo_ops {
	int (*bridge_buses)(void *ctx, uint16_t seg, uint8_t bus, uint8_t dev,
			    uint8_t fn, uint8_t *secondary, uint8_t *subordinate);
	void *ctx;
};

/* Index of the unit that translates seg:bus:dev.fn: an endpoint scope naming
 * it or a bridge scope above it (scope paths resolved through topo), else
 * its segment's INCLUDE_PCI_ALL unit; -ENOENT if no unit covers it. */
int dmar_unit_for_device(const struct dmar_info *di, const struct dmar_topo_ops *topo,
			 uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);

/* Index of the first RMRR whose scope (an endpoint, or a bridge above it)
 * names seg:bus:dev.fn, paths resolved through topo; -ENOENT if none. */
int dmar_rmrr_for_device(const struct dmar_info *di, const struct dmar_topo_ops *topo,
			 uint16_t seg, uint8_t bus, uint8_t dev, uint8_t fn);

/* Index of the unit with an IOAPIC scope of this id, or -ENOENT. */
int dmar_unit_for_ioapic(const struct dmar_info *di, uint8_t ioapic_id);

/* Index of the unit with an HPET scope of this id, or -ENOENT. */
int dmar_unit_for_hpet(const struct dmar_info *di, uint8_t hpet_id);

/* One line like "DRHD 0 at 0xfed90000 seg 0 scope: 00:02.0 endpoint,
 * IOAPIC 2 (00:1e.7)"; returns its length, -ENOSPC if cut short, -EINVAL
 * for a bad index. */
int dmar_unit_describe(const struct dmar_info *di, unsigned i, char *buf, size_t len);

/* One line like "VT-d 1.0 CAP 0x... ECAP 0x...: QI IR EIM- PI- PT ... SAGAW
 * 39 ..." listing what irqvisor relies on; length or -ENOSPC. */
int vtd_caps_describe(uint32_t ver, uint64_t cap, uint64_t ecap, char *buf, size_t len);

#endif
