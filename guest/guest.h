/* The minimal guest: hypercalls, traps, self-tests and benchmarks. */
#ifndef GUEST_GUEST_H
#define GUEST_GUEST_H

#include <stdint.h>
#include "hv/hypercall_abi.h"

/* Issue hypercall nr with up to four arguments (the right instruction for
 * the CPU vendor, chosen by hc_init). */
long hc(long nr, long a0, long a1, long a2, long a3);
/* Choose VMMCALL (AMD) or VMCALL (Intel). */
void hc_init(void);

/* Frame pushed by guest/isr.asm. */
struct guest_frame {
	uint64_t r11, r10, r9, r8, rdi, rsi, rdx, rcx, rax;
	uint64_t vector, error, rip, cs, rflags, rsp, ss;
};
typedef void (*guest_irq_fn)(uint8_t vector);
/* Load the IDT: exceptions report a failure and stop the guest. */
void idt_init(void);
/* Handle vector with fn (NULL: back to "unexpected"). */
void idt_set_handler(uint8_t vector, guest_irq_fn fn);
void guest_trap(struct guest_frame *f);

/* Report a verdict to the hv (which prints PASS/FAIL/SKIP). */
void report(enum hc_verdict v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

void selftest_run(unsigned long id);
void bench_run(unsigned long id, unsigned long iters, unsigned long warmup);

/* A benchmark's progress reports (HC_PROGRESS), timed by the TSC. */
struct bench_progress {
	uint64_t last, period;
};
/* Start the clock: the first report comes a period from now. */
void bench_progress_begin(struct bench_progress *p);
/* Between samples: when a period has passed, report done of total to the
 * hv. Returns the ticks the report took (0 when none was due), for
 * benchmarks whose samples span the gap between iterations. */
uint64_t bench_progress(struct bench_progress *p, const char *name, unsigned long done,
			unsigned long total);
/* Every BENCH_PROGRESS_POLL-th sample only: a loop of exitless iterations
 * (vmexit.baseline) stays a few instructions longer, not a call and a
 * TSC read longer, and within the watchdog's period. */
#define BENCH_PROGRESS_POLL	256
static inline uint64_t bench_progress_poll(struct bench_progress *p, const char *name,
					   unsigned long done, unsigned long total)
{
	return done % BENCH_PROGRESS_POLL ? 0 : bench_progress(p, name, done, total);
}

extern struct hc_guest_info guest_info;

#endif
