/*
 * ACPI table parsing as pure logic: physical memory is reached only through
 * a caller-supplied map() so the same code runs in the hv (identity map) and
 * in host unit tests (a fake physical memory). ACPI 6.5 section numbers.
 */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "drivers/bits.h"

/* ---- In-memory table layouts (ACPI 6.5 ch. 5.2) ---- */

/* Root System Description Pointer, 5.2.5.3. */
struct acpi_rsdp {
	char sig[8];			/* "RSD PTR " */
	uint8_t checksum;		/* bytes 0..19 sum to 0 */
	char oem_id[6];
	uint8_t revision;		/* 0: ACPI 1.0 (20 bytes), 2+: 36 bytes */
	uint32_t rsdt_pa;
	uint32_t length;		/* revision 2+: whole structure */
	uint64_t xsdt_pa;
	uint8_t ext_checksum;		/* all length bytes sum to 0 */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == 36, "RSDP size");
#define ACPI_RSDP_V1_LEN	20

/* System Description Table header, 5.2.6. */
struct acpi_sdt_header {
	char sig[4];
	uint32_t length;		/* whole table, header included */
	uint8_t revision;
	uint8_t checksum;		/* all length bytes sum to 0 */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "SDT header size");

/* Generic Address Structure, 5.2.3.2. */
struct acpi_gas {
	uint8_t space_id;
#define ACPI_GAS_MEMORY		0
#define ACPI_GAS_IO		1
#define ACPI_GAS_PCI_CFG	2
	uint8_t bit_width;
	uint8_t bit_offset;
	uint8_t access_size;
	uint64_t address;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_gas) == 12, "GAS size");

/* MADT, 5.2.12: header, then variable-length entries. */
struct acpi_madt {
	struct acpi_sdt_header hdr;
	uint32_t lapic_pa;
	uint32_t flags;
#define ACPI_MADT_PCAT_COMPAT	BIT(0)	/* dual 8259s present */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt) == 44, "MADT size");

struct acpi_madt_entry {
	uint8_t type;
#define ACPI_MADT_LAPIC		0
#define ACPI_MADT_IOAPIC	1
#define ACPI_MADT_ISO		2
#define ACPI_MADT_LAPIC_ADDR	5
#define ACPI_MADT_X2APIC	9
	uint8_t length;			/* this entry, type and length included */
} __attribute__((packed));

struct acpi_madt_lapic {
	struct acpi_madt_entry e;
	uint8_t uid;
	uint8_t apic_id;
	uint32_t flags;
#define ACPI_MADT_CPU_ENABLED	BIT(0)
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic) == 8, "MADT LAPIC size");

struct acpi_madt_ioapic {
	struct acpi_madt_entry e;
	uint8_t id;
	uint8_t reserved;
	uint32_t pa;
	uint32_t gsi_base;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_ioapic) == 12, "MADT IOAPIC size");

struct acpi_madt_iso {
	struct acpi_madt_entry e;
	uint8_t bus;			/* 0: ISA */
	uint8_t source;			/* bus-relative IRQ */
	uint32_t gsi;
	uint16_t flags;			/* MPS INTI polarity [1:0], trigger [3:2] */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_iso) == 10, "MADT ISO size");

struct acpi_madt_lapic_addr {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint64_t pa;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_lapic_addr) == 12, "MADT LAPIC addr size");

struct acpi_madt_x2apic {
	struct acpi_madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id;
	uint32_t flags;			/* as acpi_madt_lapic.flags */
	uint32_t uid;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_madt_x2apic) == 16, "MADT x2APIC size");

/* MCFG (PCI Firmware spec 3.3, 4.1.2): header, reserved, allocations. */
struct acpi_mcfg {
	struct acpi_sdt_header hdr;
	uint64_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_mcfg) == 44, "MCFG size");

struct acpi_mcfg_alloc {
	uint64_t base;			/* ECAM base of bus 0 of the segment */
	uint16_t segment;
	uint8_t bus_start;
	uint8_t bus_end;
	uint32_t reserved;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_mcfg_alloc) == 16, "MCFG allocation size");

/* FADT, 5.2.9: older revisions are shorter, so check length per field. */
struct acpi_fadt {
	struct acpi_sdt_header hdr;
	uint32_t firmware_ctrl;		/* 36 */
	uint32_t dsdt;			/* 40 */
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;		/* 48 */
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk;		/* 56 */
	uint32_t pm1b_evt_blk;
	uint32_t pm1a_cnt_blk;		/* 64 */
	uint32_t pm1b_cnt_blk;
	uint32_t pm2_cnt_blk;
	uint32_t pm_tmr_blk;		/* 76 */
	uint32_t gpe0_blk, gpe1_blk;
	uint8_t pm1_evt_len, pm1_cnt_len, pm2_cnt_len, pm_tmr_len; /* 88 */
	uint8_t gpe0_blk_len, gpe1_blk_len, gpe1_base, cst_cnt;
	uint16_t p_lvl2_lat, p_lvl3_lat, flush_size, flush_stride;
	uint8_t duty_offset, duty_width, day_alrm, mon_alrm, century;
	uint16_t iapc_boot_arch;	/* 109 */
	uint8_t reserved1;
	uint32_t flags;			/* 112; end of the ACPI 1.0 FADT */
#define ACPI_FADT_TMR_VAL_EXT	BIT(8)	/* PM timer is 32 bits, not 24 */
#define ACPI_FADT_RESET_REG_SUP	BIT(10)
#define ACPI_FADT_HW_REDUCED	BIT(20)
	struct acpi_gas reset_reg;	/* 116 */
	uint8_t reset_value;		/* 128 */
	uint16_t arm_boot_arch;
	uint8_t minor_version;
	uint64_t x_firmware_ctrl;	/* 132 */
	uint64_t x_dsdt;		/* 140 */
	struct acpi_gas x_pm1a_evt_blk;	/* 148 */
	struct acpi_gas x_pm1b_evt_blk;
	struct acpi_gas x_pm1a_cnt_blk;	/* 172 */
	struct acpi_gas x_pm1b_cnt_blk;
	struct acpi_gas x_pm2_cnt_blk;
	struct acpi_gas x_pm_tmr_blk;	/* 208 */
	struct acpi_gas x_gpe0_blk, x_gpe1_blk;
	struct acpi_gas sleep_control;	/* 244 */
	struct acpi_gas sleep_status;
	uint64_t hypervisor_vendor_id;	/* 268 */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_fadt) == 276, "FADT size");
_Static_assert(offsetof(struct acpi_fadt, flags) == 112, "FADT flags offset");
_Static_assert(offsetof(struct acpi_fadt, x_pm_tmr_blk) == 208, "FADT X_PM_TMR_BLK offset");
#define ACPI_FADT_MIN_LEN	116	/* ACPI 1.0 */

/* SPCR (Microsoft "Serial Port Console Redirection Table", rev 2..4). */
struct acpi_spcr {
	struct acpi_sdt_header hdr;
	uint8_t interface_type;		/* 36: 0 16550, 1 16450, 0x12 16550 GAS */
	uint8_t reserved0[3];
	struct acpi_gas base;		/* 40 */
	uint8_t interrupt_type, irq;
	uint32_t gsi;
	uint8_t baud;			/* 58: 3 9600, 4 19200, 6 57600, 7 115200 */
	uint8_t parity, stop_bits, flow_control, terminal_type, language;
	uint16_t pci_device_id, pci_vendor_id;
	uint8_t pci_bus, pci_dev, pci_fn;
	uint32_t pci_flags;
	uint8_t pci_segment;
	uint32_t reserved1;		/* 76; end of revision 2 */
	uint32_t uart_clock_freq;	/* 80; revision 3+ */
	uint32_t precise_baud;		/* 84; revision 4+, 0: use baud */
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_spcr) == 88, "SPCR size");
#define ACPI_SPCR_MIN_LEN	80

/* HPET (IA-PC HPET spec 1.0a, 3.2.4). */
struct acpi_hpet {
	struct acpi_sdt_header hdr;
	uint32_t event_timer_block_id;
	struct acpi_gas base;
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_hpet) == 56, "HPET size");

/* Largest table acpi_parse() will map: a sanity bound, not a spec limit. */
#define ACPI_TABLE_MAX_LEN	(16u << 20)

/* ---- Parser interface ---- */

/* Physical memory access: map() returns a pointer to len bytes at pa, valid
 * until acpi_parse() returns, or NULL if that range is not accessible. */
struct acpi_mem {
	const void *(*map)(void *ctx, uint64_t pa, uint64_t len);
	void *ctx;
};

/* One line per problem, e.g.
 * "ACPI: APIC at 0x7ffe1234: bad checksum (sum 0x3c), skipped". */
typedef void (*acpi_report_fn)(void *ctx, const char *msg);

#define ACPI_MAX_TABLES		32
#define ACPI_MAX_CPUS		64
#define ACPI_MAX_IOAPICS	8
#define ACPI_MAX_ISOS		16
#define ACPI_MAX_ECAM		8

struct acpi_table_info {
	char sig[5];
	uint64_t pa;
	uint32_t len;
	uint8_t rev;
	char oem_id[7];
	char oem_table_id[9];
};

struct acpi_info {
	uint64_t rsdp_pa;
	uint8_t revision;		/* of the RSDP */
	char oem_id[7];
	/* every valid table of the root table, then the DSDT */
	struct acpi_table_info tables[ACPI_MAX_TABLES];
	unsigned ntables;
	/* MADT */
	uint64_t lapic_pa;
	unsigned ncpus;			/* enabled CPUs stored in apic_ids */
	uint32_t apic_ids[ACPI_MAX_CPUS];
	struct { uint8_t id; uint32_t pa; uint32_t gsi_base; } ioapics[ACPI_MAX_IOAPICS];
	unsigned nioapics;
	struct { uint8_t bus_irq; uint32_t gsi; uint16_t flags; } isos[ACPI_MAX_ISOS];
	unsigned nisos;
	bool has_8259;
	/* MCFG */
	struct { uint64_t base; uint16_t segment; uint8_t bus_start, bus_end; } ecam[ACPI_MAX_ECAM];
	unsigned necam;
	/* FADT */
	bool has_fadt;
	uint32_t pm_tmr_port;		/* 0: none */
	bool pm_tmr_32bit;
	uint32_t pm1a_cnt_port, pm1b_cnt_port;
	uint64_t dsdt_pa;
	bool has_s5;
	uint8_t s5_slp_typa, s5_slp_typb;
	bool has_reset;
	uint8_t reset_space;		/* ACPI_GAS_* */
	uint64_t reset_addr;
	uint8_t reset_value;
	uint16_t iapc_boot_arch;
	uint32_t fadt_flags;
	/* SPCR */
	bool has_spcr;
	uint8_t spcr_space;		/* ACPI_GAS_MEMORY or ACPI_GAS_IO */
	uint64_t spcr_addr;
	uint8_t spcr_iftype;
	uint32_t spcr_baud;		/* 0: as configured by firmware */
	/* HPET */
	bool has_hpet;
	uint64_t hpet_pa;
	/* DMAR: parsed elsewhere, only located here (0 if absent) */
	uint64_t dmar_pa;
	uint32_t dmar_len;
	/* ACPI_PC_*: what acpi_pc_defaults() filled in, and the version
	 * register it read at ACPI_PC_IOAPIC_PA (if it probed there) */
	unsigned pc_defaults;
	uint32_t pc_ioapic_ver;
};

/* Validate the RSDP at rsdp_pa, walk the XSDT (the RSDT if revision 0 or the
 * XSDT is bad) and parse MADT, MCFG, FADT (+ DSDT \_S5), SPCR and HPET into
 * ai. Bad tables are reported and skipped. Returns 0, -ENOENT (silently)
 * for rsdp_pa 0 (firmware gave none), or -EINVAL if the RSDP or both root
 * tables are unusable. */
int acpi_parse(struct acpi_info *ai, uint64_t rsdp_pa, const struct acpi_mem *mem,
	       acpi_report_fn report, void *rctx);

/* ---- PC defaults where firmware gives no tables (or no MADT / MCFG) ---- */

#define ACPI_PC_LAPIC		BIT(0)	/* LAPIC address from IA32_APIC_BASE */
#define ACPI_PC_IOAPIC		BIT(1)	/* I/O APIC at 0xfec00000, version checked */
#define ACPI_PC_NO_IOAPIC	BIT(2)	/* ... probed there, nothing plausible */
#define ACPI_PC_CF8		BIT(3)	/* PCI configuration mechanism #1 */
#define ACPI_PC_COM1		BIT(4)	/* console on COM1 (no tables, no SPCR) */
#define ACPI_PC_IOAPIC_PA	0xfec00000u	/* PC/AT and ICH default */
#define ACPI_PC_IOAPIC_ID	0x00	/* I/O APIC register: ID in 27:24 */
#define  ACPI_PC_IOAPIC_ID_MASK	GENMASK(27, 24)
#define ACPI_PC_IOAPIC_VER	0x01	/* version 7:0, max redirection 23:16 */
#define  ACPI_PC_IOAPIC_VERSION	GENMASK(7, 0)
#define  ACPI_PC_IOAPIC_MAXREDIR GENMASK(23, 16)
#define ACPI_APIC_BASE_ADDR	GENMASK(51, 12)	/* IA32_APIC_BASE (SDM 11.4.4) */

struct acpi_pc_probe {
	uint64_t apic_base_msr;		/* IA32_APIC_BASE as read */
	/* I/O APIC register reg at pa (IOREGSEL/IOWIN); only called when
	 * the MADT named no I/O APIC */
	uint32_t (*ioapic_read)(void *ctx, uint64_t pa, uint32_t reg);
	void *ctx;
};

/* Whether an I/O APIC version register value looks like one: version 0x1x
 * (82093AA 0x11) or 0x20 (ICH and later), 1..240 pins; an empty address
 * reads all ones or zeros. */
bool acpi_ioapic_ver_plausible(uint32_t ver);

/* Fill in what the tables did not give: no MADT (lapic_pa 0) takes the
 * LAPIC address from IA32_APIC_BASE and, if its version register is
 * plausible, the I/O APIC at 0xfec00000 with GSI base 0 and dual 8259s;
 * no MCFG selects mechanism #1; no tables at all, COM1. Returns and
 * records in ai->pc_defaults the ACPI_PC_* used (0: the tables said it all). */
unsigned acpi_pc_defaults(struct acpi_info *ai, const struct acpi_pc_probe *probe);

/* The one console line for ai->pc_defaults, e.g. "acpi: no tables from
 * firmware: using PC defaults (LAPIC at 0xfee00000 from IA32_APIC_BASE,
 * ...)". Returns its length, -ENOSPC if cut short, -ENOENT if none used. */
int acpi_pc_defaults_describe(const struct acpi_info *ai, char *buf, size_t len);

/* Sum of len bytes mod 256 (0 for a valid table). */
uint8_t acpi_checksum(const void *p, size_t len);

/* Physical address of the instance-th (from 0) table with signature sig
 * among ai->tables, or 0. */
uint64_t acpi_find(const struct acpi_info *ai, const char sig[4], unsigned instance);

#endif
