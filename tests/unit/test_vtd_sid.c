/*
 * Requester-id aliases and IRTE source-id validation on a synthetic
 * topology shaped like a q35 machine: endpoints on the root bus, behind a
 * root port and behind a switch, conventional devices behind a
 * pcie-pci-bridge (and a PCI bridge below it) and behind a DMI-to-PCI
 * bridge. Expected values follow VT-d 9.10 and Linux's set_msi_sid.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "drivers/vtd_irte.h"
#include "drivers/vtd_sid.h"

#define NONE	PCI_EXP_TYPE_NONE
#define BRIDGE	PCI_HEADER_TYPE_BRIDGE

#define DEV(b, d, f, up, pt) { .bus = b, .dev = d, .fn = f, .parent = up, \
			       .pcie_type = pt }
#define BRG(b, d, f, up, pt, sec, sub) { .bus = b, .dev = d, .fn = f, \
	.parent = up, .pcie_type = pt, .header_type = BRIDGE, \
	.secondary = sec, .subordinate = sub }

enum {
	HOST, NIC, SATA, RP1, EP1, RP2, USP, DSP1, EP2, DSP2, P2P, CONV0,
	CONV1, PCIBR, CONV2, DMI, LEG0, LEG1, NDEVS
};

static const struct pci_dev topo[NDEVS] = {
	[HOST]  = DEV(0, 0x00, 0, -1, NONE),
	[NIC]   = DEV(0, 0x02, 0, -1, PCI_EXP_TYPE_RC_END),	/* 00:02.0 */
	[SATA]  = DEV(0, 0x1f, 2, -1, NONE),			/* 00:1f.2 */
	[RP1]   = BRG(0, 0x1c, 0, -1, PCI_EXP_TYPE_ROOT_PORT, 1, 1),
	[EP1]   = DEV(1, 0x00, 0, RP1, PCI_EXP_TYPE_ENDPOINT),	/* 01:00.0 */
	[RP2]   = BRG(0, 0x1c, 1, -1, PCI_EXP_TYPE_ROOT_PORT, 2, 7),
	[USP]   = BRG(2, 0x00, 0, RP2, PCI_EXP_TYPE_UPSTREAM, 3, 7),
	[DSP1]  = BRG(3, 0x00, 0, USP, PCI_EXP_TYPE_DOWNSTREAM, 4, 4),
	[EP2]   = DEV(4, 0x00, 0, DSP1, PCI_EXP_TYPE_ENDPOINT),	/* 04:00.0 */
	[DSP2]  = BRG(3, 0x01, 0, USP, PCI_EXP_TYPE_DOWNSTREAM, 5, 7),
	[P2P]   = BRG(5, 0x00, 0, DSP2, PCI_EXP_TYPE_PCI_BRIDGE, 6, 7),
	[CONV0] = DEV(6, 0x01, 0, P2P, NONE),			/* 06:01.0 */
	[CONV1] = DEV(6, 0x01, 1, P2P, NONE),			/* 06:01.1 */
	[PCIBR] = BRG(6, 0x02, 0, P2P, NONE, 7, 7),
	[CONV2] = DEV(7, 0x03, 0, PCIBR, NONE),			/* 07:03.0 */
	[DMI]   = BRG(0, 0x1e, 0, -1, NONE, 8, 8),		/* 00:1e.0 */
	[LEG0]  = DEV(8, 0x00, 0, DMI, NONE),
	[LEG1]  = DEV(8, 0x01, 0, DMI, NONE),
};

/* What the hardware checks (VT-d 9.10) for a request from rid. */
static int accepts(const struct vtd_sid *s, uint16_t rid)
{
	if (s->svt == VTD_SVT_SID)
		return s->sq == VTD_SQ_ALL && rid == s->sid;
	if (s->svt == VTD_SVT_BUS)
		return (rid >> 8) >= (s->sid >> 8) && (rid >> 8) <= (s->sid & 0xff);
	return 0;
}

static void expect(unsigned idx, uint16_t alias, uint8_t svt, uint16_t sid)
{
	struct vtd_sid s;
	uint16_t rid;

	assert_int_equal(vtd_alias_rid(topo, NDEVS, idx, &rid), 0);
	assert_int_equal(rid, alias);
	memset(&s, 0xaa, sizeof(s));
	assert_int_equal(vtd_sid_for_device(topo, NDEVS, idx, &s), 0);
	assert_int_equal(s.svt, svt);
	assert_int_equal(s.sq, VTD_SQ_ALL);
	assert_int_equal(s.sid, sid);
	/* Whatever id the IOMMU sees for DMA also passes MSI validation. */
	assert_true(accepts(&s, alias));
}

static void test_root_bus(void **state)
{
	(void)state;
	expect(NIC, 0x0010, VTD_SVT_SID, 0x0010);
	/* Conventional on a root bus: nothing in between, its own id. */
	expect(SATA, 0x00fa, VTD_SVT_SID, 0x00fa);
}

static void test_behind_root_port(void **state)
{
	(void)state;
	expect(EP1, 0x0100, VTD_SVT_SID, 0x0100);
	expect(RP1, 0x00e0, VTD_SVT_SID, 0x00e0);
}

static void test_behind_switch(void **state)
{
	(void)state;
	/* Root port, upstream and downstream ports all pass the id on. */
	expect(EP2, 0x0400, VTD_SVT_SID, 0x0400);
	expect(DSP1, 0x0300, VTD_SVT_SID, 0x0300);
}

static void test_pcie_to_pci_bridge(void **state)
{
	struct vtd_sid s;

	(void)state;
	/* Alias (secondary 6, devfn 0); buses 6..6 validated. */
	expect(CONV0, 0x0600, VTD_SVT_BUS, 0x0606);
	expect(CONV1, 0x0600, VTD_SVT_BUS, 0x0606);
	assert_int_equal(vtd_sid_for_device(topo, NDEVS, CONV0, &s), 0);
	assert_true(accepts(&s, 0x0608));		/* its own PCI-X id */
	assert_false(accepts(&s, 0x0718));		/* not a device on bus 7 */
	assert_false(accepts(&s, 0x0500));		/* not the bridge */
	/* The bridge itself is a PCIe function with its own id. */
	expect(P2P, 0x0500, VTD_SVT_SID, 0x0500);
}

static void test_below_pci_bridge(void **state)
{
	struct vtd_sid s;

	(void)state;
	/* The topmost alias wins: (6, 0), validated over buses 6..7 so the
	 * inner bridge's (7, 0) and the device's own id pass too. */
	expect(CONV2, 0x0600, VTD_SVT_BUS, 0x0607);
	assert_int_equal(vtd_sid_for_device(topo, NDEVS, CONV2, &s), 0);
	assert_true(accepts(&s, 0x0700));
	assert_true(accepts(&s, 0x0718));
	assert_false(accepts(&s, 0x0400));
	expect(PCIBR, 0x0600, VTD_SVT_BUS, 0x0606);
}

static void test_conventional_bridge(void **state)
{
	(void)state;
	/* A PCI bridge on the root bus presents its own id: 00:1e.0. */
	expect(LEG0, 0x00f0, VTD_SVT_SID, 0x00f0);
	expect(LEG1, 0x00f0, VTD_SVT_SID, 0x00f0);
}

static void test_shared(void **state)
{
	(void)state;
	assert_int_equal(vtd_alias_shared(topo, NDEVS, CONV0, CONV1), 1);
	assert_int_equal(vtd_alias_shared(topo, NDEVS, CONV0, CONV2), 1);
	assert_int_equal(vtd_alias_shared(topo, NDEVS, CONV0, P2P), 0);
	assert_int_equal(vtd_alias_shared(topo, NDEVS, EP1, EP2), 0);
	assert_int_equal(vtd_alias_shared(topo, NDEVS, LEG0, DMI), 1);
	assert_int_equal(vtd_alias_shared(topo, NDEVS, EP1, EP1), -EINVAL);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, CONV0), CONV1);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, CONV2), CONV0);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, LEG1), DMI);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, EP1), -ENOENT);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, EP2), -ENOENT);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, NIC), -ENOENT);
	assert_int_equal(vtd_alias_find_sharer(topo, NDEVS, NDEVS), -EINVAL);
}

/* A fresh IRTE accepts what vtd_sid_for_device produced. */
static void test_irte_from_sid(void **state)
{
	struct vtd_irte_params p = { .vector = 0x41 };
	union vtd_irte e;
	struct vtd_sid s;

	(void)state;
	assert_int_equal(vtd_sid_for_device(topo, NDEVS, CONV2, &s), 0);
	p.svt = s.svt;
	p.sq = s.sq;
	p.sid = s.sid;
	assert_int_equal(vtd_irte_encode(&e, &p), 0);
	assert_true(e.hi == 0x0000000000080607ULL);
}

static void test_broken(void **state)
{
	struct pci_dev d[3] = {
		BRG(0, 1, 0, 1, PCI_EXP_TYPE_ROOT_PORT, 1, 1),
		BRG(1, 0, 0, 0, PCI_EXP_TYPE_ROOT_PORT, 0, 1),
		DEV(1, 0, 0, 0, PCI_EXP_TYPE_ENDPOINT),
	};
	struct vtd_sid s;
	uint16_t rid;

	(void)state;
	/* A parent loop ends. */
	assert_int_equal(vtd_alias_rid(d, 3, 0, &rid), -EINVAL);
	assert_int_equal(vtd_sid_for_device(d, 3, 2, &s), -EINVAL);
	assert_int_equal(vtd_alias_find_sharer(d, 3, 2), -EINVAL);
	/* Parent out of range, parent not a bridge, wrong bus. */
	d[2].parent = 3;
	assert_int_equal(vtd_alias_rid(d, 3, 2, &rid), -EINVAL);
	d[1] = (struct pci_dev)DEV(0, 2, 0, -1, PCI_EXP_TYPE_ENDPOINT);
	d[2].parent = 1;
	assert_int_equal(vtd_alias_rid(d, 3, 2, &rid), -EINVAL);
	d[0].parent = -1;
	d[2].parent = 0;
	d[2].bus = 2;
	assert_int_equal(vtd_alias_rid(d, 3, 2, &rid), -EINVAL);
	d[2].bus = 1;
	assert_int_equal(vtd_alias_rid(d, 3, 2, &rid), 0);
	assert_int_equal(rid, 0x0100);
	assert_int_equal(vtd_alias_rid(d, 3, 3, &rid), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_root_bus),
		cmocka_unit_test(test_behind_root_port),
		cmocka_unit_test(test_behind_switch),
		cmocka_unit_test(test_pcie_to_pci_bridge),
		cmocka_unit_test(test_below_pci_bridge),
		cmocka_unit_test(test_conventional_bridge),
		cmocka_unit_test(test_shared),
		cmocka_unit_test(test_irte_from_sid),
		cmocka_unit_test(test_broken),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
