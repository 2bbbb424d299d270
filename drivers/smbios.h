/*
 * SMBIOS as pure logic: the firmware's vendor, version and date (type 0)
 * and the system's manufacturer and product (type 1), for the PLATFORM
 * line. SMBIOS is outside data: every offset, length and string index is
 * checked against what was mapped; a malformed table leaves the fields it
 * could not read empty and says why. Memory is reached through the caller's
 * map() (identity in the hv, a fake physical memory in the tests).
 * DMTF DSP0134 3.7 section numbers.
 */
#ifndef DRIVERS_SMBIOS_H
#define DRIVERS_SMBIOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* 32-bit entry point, 5.2.1 ("_SM_" ... "_DMI_"). */
#define SMBIOS2_ANCHOR		"_SM_"
#define SMBIOS2_EP_MIN		0x1e	/* 2.1 said 0x1e, later 0x1f; both exist */
#define  SMBIOS2_EP_CHECKSUM	0x04	/* all length bytes sum to 0 */
#define  SMBIOS2_EP_LENGTH	0x05
#define  SMBIOS2_EP_MAJOR	0x06
#define  SMBIOS2_EP_MINOR	0x07
#define  SMBIOS2_EP_DMI		0x10	/* "_DMI_" */
#define  SMBIOS2_EP_DMI_LEN	0x0f	/* bytes 0x10..0x1e sum to 0 */
#define  SMBIOS2_EP_TABLE_LEN	0x16	/* u16 */
#define  SMBIOS2_EP_TABLE_ADDR	0x18	/* u32 */
#define  SMBIOS2_EP_NSTRUCTS	0x1c	/* u16 */
/* 64-bit entry point, 5.2.2 ("_SM3_"). */
#define SMBIOS3_ANCHOR		"_SM3_"
#define SMBIOS3_EP_MIN		0x18
#define  SMBIOS3_EP_CHECKSUM	0x05
#define  SMBIOS3_EP_LENGTH	0x06
#define  SMBIOS3_EP_MAJOR	0x07
#define  SMBIOS3_EP_MINOR	0x08
#define  SMBIOS3_EP_TABLE_MAX	0x0c	/* u32: the table's maximum size */
#define  SMBIOS3_EP_TABLE_ADDR	0x10	/* u64 */

/* Structure header, 6.1.2: type, formatted length (header included), handle. */
#define SMBIOS_HDR_LEN		4
#define SMBIOS_TYPE_BIOS	0	/* 7.1 */
#define  SMBIOS_BIOS_VENDOR	0x04	/* string numbers */
#define  SMBIOS_BIOS_VERSION	0x05
#define  SMBIOS_BIOS_DATE	0x08
#define SMBIOS_TYPE_SYSTEM	1	/* 7.2 */
#define  SMBIOS_SYS_VENDOR	0x04
#define  SMBIOS_SYS_PRODUCT	0x05
#define SMBIOS_TYPE_END		127	/* 7.45 */

/* Longer tables are read up to this size. */
#define SMBIOS_TABLE_MAX	0x100000u
/* A string is kept up to this many characters (and a NUL). */
#define SMBIOS_STR_MAX		64
#define SMBIOS_WHY_MAX		160

struct smbios_info {
	bool found;			/* a valid entry point: major, minor are set */
	uint8_t major, minor;
	bool has_bios, has_system;	/* the first type 0, type 1 structure was read */
	/* "" where the table has no such string or it could not be read;
	 * printable ASCII only (others as '?'), trailing blanks dropped. */
	char bios_vendor[SMBIOS_STR_MAX], bios_version[SMBIOS_STR_MAX];
	char bios_date[SMBIOS_STR_MAX];
	char sys_vendor[SMBIOS_STR_MAX], sys_product[SMBIOS_STR_MAX];
	char why[SMBIOS_WHY_MAX];	/* the first problem found, "" when none */
};

struct smbios_mem {
	const void *(*map)(void *ctx, uint64_t pa, uint64_t len);	/* NULL: not there */
	void *ctx;
};

/* Read the entry point at ep_pa (either kind, by its anchor) and walk its
 * table. 0 when the table was walked to its end cleanly; -ENOENT when
 * ep_pa is 0; -EINVAL when the entry point or the table is malformed (why
 * says what and where; fields read before the problem are kept). */
int smbios_parse(struct smbios_info *out, uint64_t ep_pa, const struct smbios_mem *mem);

/* Walk len bytes of structures (at most max_structs; 0: no count, the
 * table must then end with type 127) into out's strings; the first of each
 * type counts. 0, or -EINVAL with out->why set. */
int smbios_walk(struct smbios_info *out, const uint8_t *table, size_t len,
		unsigned max_structs);

#endif
