/* TSC-per-instruction observation (see icount.h). Each probe reads the TSC
 * around a fixed run of NOPs inside one asm block, so the compiler adds
 * nothing between the reads; the fixed cost of the reads cancels in the
 * difference of two lengths. A TSC that ticks with time cannot give the
 * exact difference twice over both lengths except by a coincidence this
 * makes negligible (the lengths are not multiples of any issue width). */
#include <stdint.h>
#include "hv/icount.h"

#define ICOUNT_SHORT	997
#define ICOUNT_LONG	1999
#define ICOUNT_STR(x)	#x
#define ICOUNT_XSTR(x)	ICOUNT_STR(x)

#define ICOUNT_PROBE(n)							\
	__asm__ volatile("rdtsc\n\t"					\
			 "shl $32, %%rdx\n\t"				\
			 "or %%rdx, %%rax\n\t"				\
			 "mov %%rax, %%rcx\n\t"				\
			 ".rept " ICOUNT_XSTR(n) "\n\tnop\n\t.endr\n\t"	\
			 "rdtsc\n\t"					\
			 "shl $32, %%rdx\n\t"				\
			 "or %%rdx, %%rax\n\t"				\
			 "sub %%rcx, %%rax"				\
			 : "=a"(d) : : "rcx", "rdx")

static uint64_t icount_probe_short(void)
{
	uint64_t d;

	ICOUNT_PROBE(ICOUNT_SHORT);
	return d;
}

static uint64_t icount_probe_long(void)
{
	uint64_t d;

	ICOUNT_PROBE(ICOUNT_LONG);
	return d;
}

bool icount_exact(void)
{
	uint64_t s1 = icount_probe_short(), l1 = icount_probe_long();
	uint64_t s2 = icount_probe_short(), l2 = icount_probe_long();

	return s1 == s2 && l1 == l2 && l1 - s1 == ICOUNT_LONG - ICOUNT_SHORT;
}
