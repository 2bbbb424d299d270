/* ST_SPIN: a guest that spins with interrupts off and never exits, as a
 * hostile or broken one may; the hv's watchdog must take the machine back
 * (hv/selftest.c judges). */
#include "guest/devtest.h"
#include "guest/guest.h"
#include "drivers/cpu.h"

void spin_selftest(void)
{
	cpu_cli();
	for (;;)
		cpu_pause();
}
