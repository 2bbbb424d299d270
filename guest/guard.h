/* Hostile-guest self-tests (`selftest guard`, run by name only): the guest
 * attacks the hv's console through its own interfaces. */
#ifndef GUEST_GUARD_H
#define GUEST_GUARD_H

/* guard.forge: names, reasons, UART text and bench names carrying
 * newlines, quotes and whole forged PASS/SUMMARY/RESULT lines. */
void forge_selftest(void);
/* guard.flood: FLOOD_COUNT unknown hypercalls, unclaimed port reads and
 * refused MSRs, then, after the rate-limit window, one more of each. */
void flood_selftest(void);
/* vtd.native-dma (hv-judged): the device DMA-writes remappable-format
 * MSIs at the IRT handle in the work item's iters; compatibility-format
 * words of the same write name the vector in warmup. */
void native_dma_selftest(void);

#endif
