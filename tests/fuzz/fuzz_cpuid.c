/*
 * CPUID decoding (drivers/cpu_id.c) and the TSC frequency from leaves 0x15
 * and 0x16 (drivers/tsc_cpuid.c) on arbitrary leaf values: a hypervisor
 * may report any of them.
 *
 * Invariants: the decoded signature stays in the fields' ranges; every
 * reason is NULL or one printable line; tsc_cpuid_hz returns 0, -ENODEV or
 * -ERANGE with a printable description, 0 only for a frequency in range;
 * a crystal in ECX gives exactly crystal * EBX / EAX (computed here in 128
 * bits); no leaf beyond the highest is used.
 */
#include <errno.h>

#include "drivers/cpu_id.h"
#include "drivers/tsc_cpuid.h"
#include "tests/fuzz/fuzz.h"

#define HOW_MAX	128

static void check_reason(const char *why)
{
	FUZZ_CHECK(!why || fuzz_printable_line(why, 120), "reason \"%s\"", why);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct tsc_cpuid t;
	uint32_t sig_eax;
	uint64_t hz = 0, ref;
	char how[HOW_MAX];
	int err;

	t.vendor = (enum cpu_vendor)(fuzz_u8(&in) % 3);
	sig_eax = fuzz_u32(&in);
	t.sig = cpu_sig_decode(sig_eax);
	t.max_leaf = fuzz_u32(&in);
	t.l15_eax = fuzz_u32(&in);
	t.l15_ebx = fuzz_u32(&in);
	t.l15_ecx = fuzz_u32(&in);
	t.l16_eax = fuzz_u32(&in);

	FUZZ_CHECK(t.sig.stepping < 16 && t.sig.model < 256 && t.sig.family <= 0xf + 0xff,
		   "signature 0x%x: %u/%u/%u", sig_eax, t.sig.family, t.sig.model,
		   t.sig.stepping);
	FUZZ_CHECK(t.sig.family == 6 || t.sig.family >= 0xf || t.sig.model < 16,
		   "extended model applied to family %u", t.sig.family);
	check_reason(cpu_smi_count_unavailable(t.vendor, t.sig, sig_eax & 1));
	check_reason(cpu_ucode_unavailable(t.vendor, t.sig));

	memset(how, 'Z', sizeof(how));
	err = tsc_cpuid_hz(&t, &hz, how, sizeof(how));
	FUZZ_CHECK(!err || err == -ENODEV || err == -ERANGE, "error %d", err);
	FUZZ_CHECK(memchr(how, 0, sizeof(how)) && fuzz_printable_line(how, HOW_MAX),
		   "description \"%.128s\"", how);
	FUZZ_CHECK(err || (hz >= TSC_HZ_MIN && hz <= TSC_HZ_MAX), "%llu Hz accepted",
		   (unsigned long long)hz);
	if (t.max_leaf < 0x15)
		FUZZ_CHECK(err == -ENODEV, "no leaf 0x15, yet error %d", err);
	if (t.max_leaf >= 0x15 && t.l15_eax && t.l15_ebx && t.l15_ecx) {
		ref = (uint64_t)((unsigned __int128)t.l15_ecx * t.l15_ebx / t.l15_eax);
		FUZZ_CHECK(hz == ref, "%llu Hz, crystal %u x %u/%u is %llu",
			   (unsigned long long)hz, t.l15_ecx, t.l15_ebx, t.l15_eax,
			   (unsigned long long)ref);
	}
	return 0;
}
