/* guard.flood: make every exit kind that prints a console line happen
 * FLOOD_COUNT times (unknown hypercalls, reads of ports with no device,
 * RDMSR of an MSR the hv refuses), then wait out the rate-limit window and
 * do each once more, so the hv prints its "suppressed N" lines. The guest
 * checks every result; the scenario bounds the lines printed. */
#include <stdio.h>
#include <string.h>
#include "guest/guard.h"
#include "guest/guest.h"
#include "drivers/cpu.h"

#define FLOOD_COUNT	10000
#define FLOOD_HC_BASE	0x10000		/* far from every hypercall number */
#define FLOOD_PORT_BASE	0x100		/* 0x100..0x1ff: no device, no hv use */
#define FLOOD_PORTS	0x100
#define FLOOD_MSR	0x4b564dffu	/* in KVM's range: refused by this hv */
#define GP_VECTOR	13
#define WINDOW_MS	1500		/* past the hv's 1 s rate-limit window */

struct gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
};
_Static_assert(sizeof(struct gate) == 16, "IDT gate size");

extern void flood_gp_entry(void);
extern volatile uint64_t flood_gp_count;

static struct gate *idt_gate(uint8_t v)
{
	struct desc_ptr p;

	__asm__ volatile("sidt %0" : "=m"(p));
	return (struct gate *)(uintptr_t)p.base + v;
}

static unsigned flood_hypercalls(unsigned n)
{
	unsigned i, bad = 0;

	for (i = 0; i < n; i++)
		if (hc(FLOOD_HC_BASE + i, 0, 0, 0, 0) != -HC_ENOSYS)
			bad++;
	return bad;
}

/* Reads of FLOOD_PORTS ports in turn, from port first. */
static unsigned flood_ports(unsigned first, unsigned n)
{
	unsigned i, bad = 0;

	for (i = 0; i < n; i++)
		if (cpu_inb((uint16_t)(FLOOD_PORT_BASE + (first + i) % FLOOD_PORTS)) != 0xff)
			bad++;
	return bad;
}

/* Each RDMSR takes a #GP that flood_gp_entry skips. */
static uint64_t flood_msrs(unsigned n)
{
	struct gate *g = idt_gate(GP_VECTOR), saved = *g;
	uint64_t h = (uint64_t)(uintptr_t)flood_gp_entry, before = flood_gp_count;
	unsigned i;

	*g = (struct gate){ .offset_lo = h & 0xffff, .selector = saved.selector,
			    .type_attr = 0x8e, .offset_mid = (h >> 16) & 0xffff,
			    .offset_hi = (uint32_t)(h >> 32) };
	for (i = 0; i < n; i++)
		__asm__ volatile("rdmsr" : : "c"(FLOOD_MSR) : "rax", "rdx", "memory");
	*g = saved;
	return flood_gp_count - before;
}

/* Exits all along, so nothing takes this for a guest that never exits. */
static void wait_window(void)
{
	uint64_t t0 = cpu_rdtsc(), ticks = guest_info.tsc_hz / 1000 * WINDOW_MS;

	while (cpu_rdtsc() - t0 < ticks)
		hc(HC_NOP, 0, 0, 0, 0);
}

void flood_selftest(void)
{
	unsigned bad_hc, bad_io;
	uint64_t gps;

	bad_hc = flood_hypercalls(FLOOD_COUNT);
	bad_io = flood_ports(0, FLOOD_COUNT);
	gps = flood_msrs(FLOOD_COUNT);
	wait_window();
	bad_hc += flood_hypercalls(1);
	bad_io += flood_ports(FLOOD_PORTS - 1, 1);	/* a port not shown yet */
	gps += flood_msrs(1);
	if (bad_hc)
		return report(HC_FAIL, "guard.flood", "%u unknown hypercalls did not return -%d",
			      bad_hc, HC_ENOSYS);
	if (bad_io)
		return report(HC_FAIL, "guard.flood", "%u reads of ports with no device were not "
			      "0xff", bad_io);
	if (gps != FLOOD_COUNT + 1)
		return report(HC_FAIL, "guard.flood", "%lu #GPs for %u RDMSRs of MSR 0x%x", gps,
			      FLOOD_COUNT + 1, FLOOD_MSR);
	report(HC_PASS, "guard.flood", NULL);
}
