/* Power off and reset (see power.h). */
#include <stdio.h>
#include <string.h>
#include "drivers/power.h"
#include "drivers/acpi.h"
#include "drivers/cpu.h"

/* QEMU's isa-debug-exit (as the tests configure it): value v exits QEMU
 * with status (v << 1) | 1. */
#define DEBUG_EXIT_PORT		0xf4
/* Bochs: "Shutdown" written byte by byte to this port ends the emulator
 * (Bochs iodev/unmapped.cc); its port_e9_hack reads back 0xe9 on port 0xe9. */
#define BOCHS_SHUTDOWN_PORT	0x8900
#define BOCHS_E9_PORT		0xe9
#define  BOCHS_E9_ECHO		0xe9
#define PM1_SLP_TYP_SHIFT	10
#define PM1_SLP_EN		BIT(13)
#define FADT_RESET_REG_SUP	BIT(10)
#define RESET_CF9_PORT		0xcf9
#define  CF9_FULL_RESET		0x06
#define KBC_CMD_PORT		0x64
#define  KBC_PULSE_RESET	0xfe

static struct {
	bool qemu;
	bool bochs;
	bool has_s5;
	uint32_t pm1a_cnt, pm1b_cnt;
	uint8_t slp_typa, slp_typb;
	bool has_reset;
	uint8_t reset_space;
	uint64_t reset_addr;
	uint8_t reset_value;
} pw;

bool power_on_bochs(void)
{
	return pw.bochs;
}

void power_init(const struct acpi_info *ai)
{
	/* QEMU's own ACPI tables carry OEM ID "BOCHS ": only there is port
	 * 0xf4 known to be the debug-exit device. */
	pw.qemu = !memcmp(ai->oem_id, "BOCHS ", 6);
	/* Bochs only when both hold: no ACPI tables at all (QEMU's firmware
	 * always installs them, so this is not QEMU, and there is no S5 to
	 * power off through) and port 0xe9 echoes 0xe9 (Bochs's port_e9_hack,
	 * which tests/bochs.py turns on; an unclaimed ISA port reads 0xff).
	 * A read has no side effect on an unclaimed port, and the shutdown
	 * port is never written on a machine that fails either test. */
	pw.bochs = !ai->ntables && cpu_inb(BOCHS_E9_PORT) == BOCHS_E9_ECHO;
	pw.has_s5 = ai->has_fadt && ai->has_s5 && ai->pm1a_cnt_port;
	pw.pm1a_cnt = ai->pm1a_cnt_port;
	pw.pm1b_cnt = ai->pm1b_cnt_port;
	pw.slp_typa = ai->s5_slp_typa;
	pw.slp_typb = ai->s5_slp_typb;
	pw.has_reset = ai->has_reset && (ai->fadt_flags & FADT_RESET_REG_SUP);
	pw.reset_space = ai->reset_space;
	pw.reset_addr = ai->reset_addr;
	pw.reset_value = ai->reset_value;
}

const char *power_method(void)
{
	if (pw.qemu)
		return "isa-debug-exit (QEMU), then ACPI S5";
	if (pw.bochs)
		return "Bochs shutdown port (no ACPI tables, port 0xe9 echoes)";
	return pw.has_s5 ? "ACPI S5" : "halt (no ACPI S5)";
}

void power_off(bool ok)
{
	fflush(stdout);
	if (pw.qemu)
		cpu_outb(DEBUG_EXIT_PORT, ok ? 0 : 1);
	if (pw.bochs) {
		/* Bochs has no exit status: the runner reads this line. */
		printf("power: ending Bochs, %s\n", ok ? "no failures" : "failures reported");
		fflush(stdout);
		for (const char *c = "Shutdown"; *c; c++)
			cpu_outb(BOCHS_SHUTDOWN_PORT, (uint8_t)*c);
	}
	if (pw.has_s5) {
		cpu_outw((uint16_t)pw.pm1a_cnt,
			 (uint16_t)((pw.slp_typa << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
		if (pw.pm1b_cnt)
			cpu_outw((uint16_t)pw.pm1b_cnt,
				 (uint16_t)((pw.slp_typb << PM1_SLP_TYP_SHIFT) | PM1_SLP_EN));
	}
	printf("hv: power off did not take effect; halted\n");
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}

void power_reboot(void)
{
	fflush(stdout);
	/* ACPI 6.4, 4.8.3.6: the reset register is in I/O space (1) or
	 * system memory (0). */
	if (pw.has_reset && pw.reset_space == 1)
		cpu_outb((uint16_t)pw.reset_addr, pw.reset_value);
	else if (pw.has_reset && pw.reset_space == 0)
		*(volatile uint8_t *)(uintptr_t)pw.reset_addr = pw.reset_value;
	cpu_outb(RESET_CF9_PORT, CF9_FULL_RESET);
	cpu_outb(KBC_CMD_PORT, KBC_PULSE_RESET);
	printf("hv: reset did not take effect; halted\n");
	for (;;) {
		cpu_cli();
		cpu_hlt();
	}
}
