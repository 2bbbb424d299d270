/* Whether the TSC counts executed instructions (QEMU -icount shift=0),
 * found by observation, not by a flag: device timers then follow the
 * instruction stream and interrupt counts are exact under emulation. */
#ifndef HV_ICOUNT_H
#define HV_ICOUNT_H

#include <stdbool.h>

/* True when two runs of each of two known instruction sequences advance
 * the TSC by exactly their length difference, identically both times. */
bool icount_exact(void);

#endif
