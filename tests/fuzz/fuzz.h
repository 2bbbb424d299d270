/*
 * Shared by the libFuzzer harnesses in tests/fuzz/: the entry point's
 * prototype, an invariant check that names what broke, and a reader that
 * takes typed values from the fuzzer's bytes (zeros once they run out, so
 * every input is a complete, deterministic scenario).
 */
#ifndef TESTS_FUZZ_FUZZ_H
#define TESTS_FUZZ_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant: say which and why, then abort so libFuzzer keeps the
 * input as a crash (run-fuzz.sh greps "INVARIANT"). */
#define FUZZ_CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "INVARIANT %s:%d: %s: ", __FILE__,	\
				__LINE__, #cond);				\
			fprintf(stderr, __VA_ARGS__);				\
			fputc('\n', stderr);					\
			abort();						\
		}								\
	} while (0)

struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t fuzz_u8(struct fuzz_in *in)
{
	if (!in->left)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint64_t fuzz_bytes(struct fuzz_in *in, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)fuzz_u8(in) << (8 * i);
	return v;
}

static inline uint16_t fuzz_u16(struct fuzz_in *in)
{
	return (uint16_t)fuzz_bytes(in, 2);
}

static inline uint32_t fuzz_u32(struct fuzz_in *in)
{
	return (uint32_t)fuzz_bytes(in, 4);
}

static inline uint64_t fuzz_u64(struct fuzz_in *in)
{
	return fuzz_bytes(in, 8);
}

/* Whether a console message is one printable ASCII line of at most max
 * characters: nothing the firmware or a guest wrote may start a new line. */
static inline bool fuzz_printable_line(const char *msg, size_t max)
{
	size_t i;

	for (i = 0; msg[i]; i++)
		if (i >= max || msg[i] < 0x20 || msg[i] > 0x7e)
			return false;
	return true;
}

#endif
