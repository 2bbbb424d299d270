/* Guest tests and benchmarks of the assigned device's interrupts; each
 * reports its own verdicts (report) or samples (HC_SAMPLES). */
#ifndef GUEST_DEVTEST_H
#define GUEST_DEVTEST_H

/* ST_MSIX: generic MSI-X table behaviour on any MSI-X device. */
void msix_selftest(void);
/* ST_IRQ: device interrupts end to end through the 82574. */
void irq_selftest(void);
/* ST_ENTRY_IRQ: an interrupt the hv takes on the way into the guest is
 * delivered at that entry (guest/entry_irq_test.c). */
void entry_irq_selftest(void);
/* ST_EXC_DB: single-stepping exits on every #DB and the guest's own
 * handler still sees each one (guest/exc_test.c). */
void exc_db_selftest(void);
/* ST_HOST_IRQ: with IF clear and CR8 at 15 the guest still cannot keep the
 * hv from its own interrupts (guest/host_irq_test.c). */
void host_irq_selftest(void);
/* ST_SPIN: spin with interrupts off, never exiting (guest/spin_test.c). */
void spin_selftest(void);
/* ST_GUARD_MMIO: hostile accesses to the trapped MSI-X pages, any device. */
void guard_mmio_selftest(void);
/* ST_GUARD_MSI: NMI, SMI, INIT, level and logical messages (82574). */
void guard_msi_selftest(void);
/* ST_GUARD_BAR: BAR move attempts, any device. */
void guard_bar_selftest(void);
/* ST_MAP_ATTACK: hostile messages in the guest's own table (msix=map). */
void map_attack_selftest(void);
/* BENCH_IRQ_LATENCY, BENCH_IRQ_RATE (82574), BENCH_MSIX_UPDATE (any). */
void irq_bench_latency(unsigned long iters, unsigned long warmup);
void irq_bench_rate(unsigned long iters, unsigned long warmup);
void msix_bench_update(unsigned long iters, unsigned long warmup);

#endif
