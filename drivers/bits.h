/* Bit and field helpers shared by drivers, hv and guest (STYLE rule 3). */
#ifndef DRIVERS_BITS_H
#define DRIVERS_BITS_H

#include <stdint.h>

#define BIT(n)          (1ULL << (n))
/* Bits h..l inclusive set, h >= l. */
#define GENMASK(h, l)   ((~0ULL >> (63 - (h))) & ~((1ULL << (l)) - 1))
/* Field extraction/insertion for a contiguous mask. */
#define FIELD_GET(mask, v)  (((uint64_t)(v) & (mask)) / ((mask) & -(mask)))
#define FIELD_PREP(mask, v) (((uint64_t)(v) * ((mask) & -(mask))) & (mask))

#define ARRAY_SIZE(a)   (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)  (((x) + (a) - 1) & ~((uint64_t)(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a) - 1))
#define IS_ALIGNED(x, a) (((x) & ((uint64_t)(a) - 1)) == 0)

#define KiB(x) ((uint64_t)(x) << 10)
#define MiB(x) ((uint64_t)(x) << 20)
#define GiB(x) ((uint64_t)(x) << 30)

#endif
