/* PIT channel 2 as a one-shot (see pit.h). Intel 8254 datasheet: mode 0
 * ("interrupt on terminal count") drives OUT low when the count is
 * written and high when it reaches zero; the gate must be high to count.
 * Port 0x61 (NMI status and control) holds the gate in bit 0, the
 * speaker enable in bit 1 and reads OUT2 in bit 5. */
#include <errno.h>
#include "drivers/pit.h"
#include "drivers/bits.h"
#include "drivers/cpu.h"

#define PIT_CH2		0x42
#define PIT_CMD		0x43
#define  PIT_CMD_CH2		(2u << 6)
#define  PIT_CMD_LOHI		(3u << 4)
#define  PIT_CMD_MODE0		(0u << 1)
#define PORT_NMI_SC	0x61
#define  NMI_SC_GATE2		BIT(0)
#define  NMI_SC_SPEAKER		BIT(1)
#define  NMI_SC_OUT2		BIT(5)
/* Each port read takes about a microsecond on a PC (an ISA-speed cycle):
 * this bounds a wait meant to last 10 ms to a few seconds. */
#define POLL_MAX	5000000u

int pit_tsc_across(uint16_t counts, uint64_t *tsc)
{
	uint8_t saved = cpu_inb(PORT_NMI_SC);
	uint64_t t0;
	uint32_t polls = 0;
	int err = 0;

	if (!counts)
		return -EINVAL;
	cpu_outb(PORT_NMI_SC, (uint8_t)((saved & ~NMI_SC_SPEAKER) | NMI_SC_GATE2));
	cpu_outb(PIT_CMD, PIT_CMD_CH2 | PIT_CMD_LOHI | PIT_CMD_MODE0);
	cpu_outb(PIT_CH2, counts & 0xff);
	cpu_outb(PIT_CH2, counts >> 8);
	t0 = cpu_rdtsc();
	/* OUT2 fell with the control word: high now means no 8254 answers. */
	if (cpu_inb(PORT_NMI_SC) & NMI_SC_OUT2)
		err = -ENODEV;
	while (!err && !(cpu_inb(PORT_NMI_SC) & NMI_SC_OUT2)) {
		if (++polls == POLL_MAX) {
			err = -ETIMEDOUT;
			break;
		}
	}
	*tsc = cpu_rdtsc() - t0;
	cpu_outb(PORT_NMI_SC, saved & (uint8_t)~NMI_SC_SPEAKER);
	return err;
}
