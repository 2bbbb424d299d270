/* Unit tests for hv/mmio.c: every supported MOV form on literal bytes
 * (from GNU as + objdump, embedded literally), the refusals, the
 * register write-back rules of mmio_complete_read, and the decode cache:
 * a hit only on the same key and the same instruction bytes. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "hv/mmio.h"

enum { RAX, RBX, RCX, RDX, RSI, RDI, RBP, R8, R9, R10, R11, R12, R13, R14,
       R15 };

struct form {
	const char *text;
	uint8_t len;
	uint8_t bytes[INSN_MAX_LEN];
	bool write;
	uint8_t size, dst_size;
	int reg;                /* reads: destination */
	uint64_t value;         /* writes: expected value */
	bool zx, sx;
};

/* A distinct pattern per register, so a wrong index shows. */
#define PAT(i)  (0x1111111111111111ULL * (uint64_t)((i) + 1) + 0x0807060504030201ULL)

static void regs_fill(struct vcpu_regs *r)
{
	uint64_t *p = (uint64_t *)r;

	for (int i = 0; i < MMIO_NR_REGS; i++)
		p[i] = PAT(i);
}

#define W(t, n, sz, val, ...) { t, n, { __VA_ARGS__ }, true, sz, sz, -1, val, false, false }
#define R(t, n, sz, dsz, rg, zx, sx, ...) { t, n, { __VA_ARGS__ }, false, sz, dsz, rg, 0, zx, sx }

static const struct form forms[] = {
	W("mov %eax,(%rdi)", 2, 4, (uint32_t)PAT(RAX), 0x89, 0x07),
	W("mov %rax,0x10(%rbx)", 4, 8, PAT(RAX), 0x48, 0x89, 0x43, 0x10),
	R("mov 0xc(%rdx),%ecx", 3, 4, 4, RCX, false, false, 0x8b, 0x4a, 0x0c),
	W("movl $0x1,0x1c(%rax)", 7, 4, 1, 0xc7, 0x40, 0x1c, 0x01, 0x00, 0x00, 0x00),
	W("movb $0x5,(%rax)", 3, 1, 5, 0xc6, 0x00, 0x05),
	W("movw %ax,(%rdx)", 3, 2, (uint16_t)PAT(RAX), 0x66, 0x89, 0x02),
	W("movw $0x1234,(%rbx)", 5, 2, 0x1234, 0x66, 0xc7, 0x03, 0x34, 0x12),
	W("movq $-2,0x8(%rdi)", 8, 8, 0xfffffffffffffffeULL,
	  0x48, 0xc7, 0x47, 0x08, 0xfe, 0xff, 0xff, 0xff),
	R("movzwl (%rax),%eax", 3, 2, 4, RAX, true, false, 0x0f, 0xb7, 0x00),
	R("movzbl 0x4(%rcx),%edx", 4, 1, 4, RDX, true, false, 0x0f, 0xb6, 0x51, 0x04),
	R("movzbw (%rax),%si", 4, 1, 2, RSI, true, false, 0x66, 0x0f, 0xb6, 0x30),
	R("movsbq (%rdi),%r9", 4, 1, 8, R9, false, true, 0x4c, 0x0f, 0xbe, 0x0f),
	R("movswl 2(%rax),%ecx", 4, 2, 4, RCX, false, true, 0x0f, 0xbf, 0x48, 0x02),
	R("movsbw (%rax),%bx", 4, 1, 2, RBX, false, true, 0x66, 0x0f, 0xbe, 0x18),
	R("movslq (%rsi),%rax", 3, 4, 8, RAX, false, true, 0x48, 0x63, 0x06),
	W("mov %r8d,(%r9)", 3, 4, (uint32_t)PAT(R8), 0x45, 0x89, 0x01),
	R("mov 0x8(%r12),%r15", 5, 8, 8, R15, false, false, 0x4d, 0x8b, 0x7c, 0x24, 0x08),
	W("mov %sil,(%rdi)", 3, 1, (uint8_t)PAT(RSI), 0x40, 0x88, 0x37),
	W("mov %r11b,(%rax)", 3, 1, (uint8_t)PAT(R11), 0x44, 0x88, 0x18),
	R("mov (%rax),%bl", 2, 1, 1, RBX, false, false, 0x8a, 0x18),
	R("mov (%rax),%ax", 3, 2, 2, RAX, false, false, 0x66, 0x8b, 0x00),
	R("mov 0x100(%rip),%eax", 6, 4, 4, RAX, false, false,
	  0x8b, 0x05, 0x00, 0x01, 0x00, 0x00),
	W("mov %edx,0x10(%rax,%rcx,4)", 4, 4, (uint32_t)PAT(RDX), 0x89, 0x54, 0x88, 0x10),
	R("mov (%rsp),%ebp", 3, 4, 4, RBP, false, false, 0x8b, 0x2c, 0x24),
	W("mov %r13,%fs:0x20(%r10,%r11,8)", 6, 8, PAT(R13),
	  0x64, 0x4f, 0x89, 0x6c, 0xda, 0x20),
};

static void test_forms(void **state)
{
	struct vcpu_regs regs;

	(void)state;
	regs_fill(&regs);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		const struct form *f = &forms[i];
		struct mmio_access a = { 0 };
		int len = mmio_decode(f->bytes, f->len, &regs, &a);

		if (len != f->len || a.len != f->len || a.write != f->write ||
		    a.size != f->size || a.reg != f->reg ||
		    a.zero_extend != f->zx || a.sign_extend != f->sx ||
		    (f->write && a.value != f->value) ||
		    (!f->write && a.dst_size != f->dst_size))
			fail_msg("%s: len %d size %u/%u reg %d value %#llx",
				 f->text, len, a.size, a.dst_size, a.reg,
				 (unsigned long long)a.value);
	}
}

struct refusal {
	const char *text;
	uint8_t len;
	uint8_t bytes[INSN_MAX_LEN];
	int err;
};

#define X(t, n, e, ...) { t, n, { __VA_ARGS__ }, e }

static const struct refusal refusals[] = {
	X("rep movsb", 2, -EOPNOTSUPP, 0xf3, 0xa4),
	X("movsb", 1, -EOPNOTSUPP, 0xa4),
	X("movsl", 1, -EOPNOTSUPP, 0xa5),
	X("stos %eax", 1, -EOPNOTSUPP, 0xab),
	X("stosb", 1, -EOPNOTSUPP, 0xaa),
	X("lock xchg %eax,(%rdi)", 3, -EOPNOTSUPP, 0xf0, 0x87, 0x07),
	X("lock mov (invalid, not emulated)", 3, -EOPNOTSUPP, 0xf0, 0x89, 0x07),
	X("rep mov %eax,(%rdi)", 3, -EOPNOTSUPP, 0xf3, 0x89, 0x07),
	X("mov %eax,%ebx", 2, -EOPNOTSUPP, 0x89, 0xc3),
	X("add %eax,(%rdi)", 2, -EOPNOTSUPP, 0x01, 0x07),
	X("xchg %eax,(%rdi)", 2, -EOPNOTSUPP, 0x87, 0x07),
	X("mov (%rax),%bh", 2, -EOPNOTSUPP, 0x8a, 0x38),
	X("mov %ah,(%rax)", 2, -EOPNOTSUPP, 0x88, 0x20),
	X("mov %esp,(%rax)", 2, -EOPNOTSUPP, 0x89, 0x20),
	X("mov %spl,(%rax)", 3, -EOPNOTSUPP, 0x40, 0x88, 0x20),
	X("movsxd (%rsi),%eax (no REX.W)", 2, -EOPNOTSUPP, 0x63, 0x06),
	X("movabs 0x1000,%eax (moffs)", 9, -EOPNOTSUPP,
	  0xa1, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00),
	X("xbegin", 6, -EOPNOTSUPP, 0xc7, 0xf8, 0x00, 0x00, 0x00, 0x00),
	X("movnti %eax,(%rdi)", 3, -EOPNOTSUPP, 0x0f, 0xc3, 0x07),
	X("truncated mov 0x10(%rbx)", 3, -ENODATA, 0x48, 0x89, 0x43),
	X("truncated movl imm", 5, -ENODATA, 0xc7, 0x40, 0x1c, 0x01, 0x00),
	X("empty", 0, -ENODATA, 0x00),
	X("VEX vmovdqu", 4, -EINVAL, 0xc5, 0xfe, 0x6f, 0x07),
};

static void test_refusals(void **state)
{
	struct vcpu_regs regs;
	struct mmio_access a;

	(void)state;
	regs_fill(&regs);
	for (size_t i = 0; i < sizeof(refusals) / sizeof(refusals[0]); i++) {
		const struct refusal *r = &refusals[i];

		int err = mmio_decode(r->bytes, r->len, &regs, &a);

		if (err != r->err)
			fail_msg("%s: got %d, want %d", r->text, err, r->err);
	}
}

/* Any shorter window of a valid form is -ENODATA, never a partial decode. */
static void test_truncated_prefixes(void **state)
{
	struct vcpu_regs regs;
	struct mmio_access a;

	(void)state;
	regs_fill(&regs);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++)
		for (uint8_t n = 0; n < forms[i].len; n++)
			assert_int_equal(mmio_decode(forms[i].bytes, n, &regs, &a),
					 -ENODATA);
}

/* Decode bytes, complete with value, and return the destination register. */
static uint64_t load(const uint8_t *bytes, size_t n, int reg, uint64_t old,
		     uint64_t value)
{
	struct vcpu_regs regs;
	struct mmio_access a;

	regs_fill(&regs);
	((uint64_t *)&regs)[reg] = old;
	assert_int_equal(mmio_decode(bytes, n, &regs, &a), (int)n);
	assert_int_equal(a.reg, reg);
	mmio_complete_read(&regs, &a, value);
	return ((uint64_t *)&regs)[reg];
}

static void test_complete_read(void **state)
{
	static const uint8_t mov8[] = { 0x8a, 0x18 };           /* (%rax),%bl */
	static const uint8_t mov16[] = { 0x66, 0x8b, 0x00 };    /* (%rax),%ax */
	static const uint8_t mov32[] = { 0x8b, 0x4a, 0x0c };    /* ,%ecx */
	static const uint8_t mov64[] = { 0x4d, 0x8b, 0x7c, 0x24, 0x08 };
	static const uint8_t zxwl[] = { 0x0f, 0xb7, 0x00 };     /* ,%eax */
	static const uint8_t zxbw[] = { 0x66, 0x0f, 0xb6, 0x30 }; /* ,%si */
	static const uint8_t sxbq[] = { 0x4c, 0x0f, 0xbe, 0x0f }; /* ,%r9 */
	static const uint8_t sxwl[] = { 0x0f, 0xbf, 0x48, 0x02 }; /* ,%ecx */
	static const uint8_t sxbw[] = { 0x66, 0x0f, 0xbe, 0x18 }; /* ,%bx */
	static const uint8_t sxdq[] = { 0x48, 0x63, 0x06 };     /* ,%rax */
	const uint64_t old = 0xaaaaaaaaaaaaaaaaULL;

	(void)state;
	/* SDM vol 1, 3.4.1.1: 8/16-bit keep the rest, 32-bit zero-extends. */
	assert_int_equal(load(mov8, 2, RBX, old, 0x1234), 0xaaaaaaaaaaaaaa34ULL);
	assert_int_equal(load(mov16, 3, RAX, old, 0x123456), 0xaaaaaaaaaaaa3456ULL);
	assert_int_equal(load(mov32, 3, RCX, old, 0xffffffff12345678ULL),
			 0x12345678);
	assert_int_equal(load(mov64, 5, R15, old, 0x0123456789abcdefULL),
			 0x0123456789abcdefULL);
	assert_int_equal(load(zxwl, 3, RAX, old, 0xffff8001), 0x8001);
	assert_int_equal(load(zxbw, 4, RSI, old, 0x1ff), 0xaaaaaaaaaaaa00ffULL);
	assert_int_equal(load(sxbq, 4, R9, old, 0x80), 0xffffffffffffff80ULL);
	assert_int_equal(load(sxbq, 4, R9, old, 0x17f), 0x7f);
	assert_int_equal(load(sxwl, 4, RCX, old, 0x8000), 0xffff8000);
	assert_int_equal(load(sxbw, 4, RBX, old, 0xfe), 0xaaaaaaaaaaaafffeULL);
	assert_int_equal(load(sxdq, 3, RAX, old, 0x80000000), 0xffffffff80000000ULL);
	assert_int_equal(load(sxdq, 3, RAX, old, 0x7fffffff), 0x7fffffff);
}

/* Writes and non-register completions leave the register file alone. */
static void test_complete_write_noop(void **state)
{
	static const uint8_t st[] = { 0x89, 0x07 };
	struct vcpu_regs regs, before;
	struct mmio_access a;

	(void)state;
	regs_fill(&regs);
	before = regs;
	assert_int_equal(mmio_decode(st, sizeof(st), &regs, &a), 2);
	mmio_complete_read(&regs, &a, ~0ULL);
	assert_memory_equal(&regs, &before, sizeof(regs));
}

/* ---- decode cache ---- */

static const uint8_t eoi_write[] = { 0xc7, 0x00, 0x00, 0x00, 0x00, 0x00 }; /* movl $0,(%rax) */
/* movl $0x12345678,0x1000(%rax,%rcx,4): 11 bytes, a head and a tail word */
static const uint8_t long_write[] = { 0xc7, 0x84, 0x88, 0x00, 0x10, 0x00, 0x00,
				      0x78, 0x56, 0x34, 0x12 };

#define KEY_CR3	0x1000
#define KEY_LIN	0xffffffff80001234ULL

static const struct mmio_dcache_key key = { KEY_CR3, KEY_LIN, INSN_MODE_64 };

/* n bytes of insn in a 15-byte window, the rest filled with pad. */
static void window(uint8_t *w, const uint8_t *insn, size_t n, uint8_t pad)
{
	memset(w, pad, INSN_MAX_LEN);
	memcpy(w, insn, n);
}

static struct mmio_dcache *cache_new(void)
{
	struct mmio_dcache *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	return c;
}

/* A second exit at the same place with the same bytes is served from the
 * cache: the kept entry, not a new decode (a marked entry shows it), and
 * counted as a lookup that did not miss. */
static void test_cache_hit(void **state)
{
	struct mmio_dcache *c = cache_new();
	const struct mmio_op *op, *again;
	uint8_t w[INSN_MAX_LEN];

	(void)state;
	window(w, eoi_write, sizeof(eoi_write), 0xcc);
	assert_null(mmio_dcache_find(c, &key, w, sizeof(w)));
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(w), &op), 6);
	assert_true(op->write && op->size == 4 && op->imm == 0 && op->reg == MMIO_REG_NONE);
	c->e[mmio_dcache_slot(KEY_LIN)].op.imm = 0xfeed;
	window(w, eoi_write, sizeof(eoi_write), 0x90);	/* past the length: no matter */
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(w), &again), 6);
	assert_ptr_equal(again, op);
	assert_int_equal(again->imm, 0xfeed);
	/* What `info` shows: two lookups, the first of them decoded. */
	assert_int_equal(c->lookups, 2);
	assert_int_equal(c->misses, 1);
	free(c);
}

/* Check that changing any one byte of insn misses, and that the decode
 * is then of the new bytes; with avail bytes offered (short windows take
 * the byte-by-byte compare). */
static void miss_on_each_byte(const uint8_t *insn, size_t n, size_t avail)
{
	struct mmio_dcache *c = cache_new();
	const struct mmio_op *op;
	uint8_t w[INSN_MAX_LEN];
	struct mmio_op fresh;

	window(w, insn, n, 0xcc);
	assert_int_equal(mmio_decode_cached(c, &key, w, avail, &op), (int)n);
	assert_non_null(mmio_dcache_find(c, &key, w, avail));
	for (size_t i = 0; i < n; i++) {
		for (unsigned int bit = 0; bit < 8; bit++) {
			window(w, insn, n, 0xcc);
			w[i] ^= (uint8_t)(1u << bit);
			if (mmio_dcache_find(c, &key, w, avail))
				fail_msg("byte %zu bit %u changed (avail %zu): still a hit",
					 i, bit, avail);
		}
	}
	/* The immediate's last byte changed: a miss, and the new value. */
	window(w, insn, n, 0xcc);
	w[n - 1] ^= 0x40;
	assert_int_equal(mmio_decode_op(w, avail, &fresh), (int)n);
	assert_int_equal(mmio_decode_cached(c, &key, w, avail, &op), (int)n);
	assert_int_equal(op->imm, fresh.imm);
	assert_int_not_equal(op->imm, 0);
	free(c);
}

static void test_cache_miss_changed_bytes(void **state)
{
	(void)state;
	miss_on_each_byte(eoi_write, sizeof(eoi_write), INSN_MAX_LEN);
	miss_on_each_byte(eoi_write, sizeof(eoi_write), sizeof(eoi_write));
	miss_on_each_byte(long_write, sizeof(long_write), INSN_MAX_LEN);
	miss_on_each_byte(long_write, sizeof(long_write), sizeof(long_write));
}

/* The guest rewrites the code at a cached RIP: the new, shorter MOV is
 * emulated (its register, its length), not the kept one. */
static void test_cache_rewritten_code(void **state)
{
	static const uint8_t store_ebx[] = { 0x89, 0x18 };	/* mov %ebx,(%rax) */
	struct mmio_dcache *c = cache_new();
	const struct mmio_op *op;
	uint8_t w[INSN_MAX_LEN];
	struct vcpu_regs regs;
	struct mmio_access a;

	(void)state;
	regs_fill(&regs);
	window(w, eoi_write, sizeof(eoi_write), 0xcc);
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(w), &op), 6);
	memcpy(w, store_ebx, sizeof(store_ebx));	/* c7 00 -> 89 18, rest as was */
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(w), &op), 2);
	mmio_access_of(op, &regs, &a);
	assert_true(a.write && a.size == 4);
	assert_int_equal(a.value, (uint32_t)PAT(RBX));
	/* Bytes cut short of the kept length: a miss, and the truncation is
	 * reported as such. */
	window(w, long_write, sizeof(long_write), 0xcc);
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(w), &op), 11);
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(long_write) - 1, &op), -ENODATA);
	free(c);
}

/* Same bytes under another CR3, at another address or in another mode:
 * not the entry (and outside 64-bit mode nothing is decoded at all). */
static void test_cache_key(void **state)
{
	struct mmio_dcache_key other_cr3 = key, other_lin = key, compat = key;
	struct mmio_dcache *c = cache_new();
	const struct mmio_op *op;
	uint8_t w[INSN_MAX_LEN];

	(void)state;
	other_cr3.cr3 += 0x1000;
	other_lin.lin += 0x10;
	compat.mode = INSN_MODE_32;
	window(w, eoi_write, sizeof(eoi_write), 0xcc);
	assert_int_equal(mmio_decode_cached(c, &key, w, sizeof(w), &op), 6);
	assert_non_null(mmio_dcache_find(c, &key, w, sizeof(w)));
	assert_null(mmio_dcache_find(c, &other_cr3, w, sizeof(w)));
	assert_null(mmio_dcache_find(c, &other_lin, w, sizeof(w)));
	assert_null(mmio_dcache_find(c, &compat, w, sizeof(w)));
	assert_int_equal(mmio_decode_cached(c, &compat, w, sizeof(w), &op), -EOPNOTSUPP);
	/* a different CR3 decodes afresh and takes the slot */
	assert_int_equal(mmio_decode_cached(c, &other_cr3, w, sizeof(w), &op), 6);
	assert_non_null(mmio_dcache_find(c, &other_cr3, w, sizeof(w)));
	assert_null(mmio_dcache_find(c, &key, w, sizeof(w)));
	free(c);
}

/* Two addresses in one slot evict each other; one in another slot stays. */
static void test_cache_eviction(void **state)
{
	struct mmio_dcache_key a = key, b = key, other = key;
	struct mmio_dcache *c = cache_new();
	uint8_t wa[INSN_MAX_LEN], wb[INSN_MAX_LEN];
	const struct mmio_op *op;

	(void)state;
	b.lin = key.lin + 1;
	while (mmio_dcache_slot(b.lin) != mmio_dcache_slot(a.lin))
		b.lin++;
	other.lin = key.lin + 1;
	while (mmio_dcache_slot(other.lin) == mmio_dcache_slot(a.lin))
		other.lin++;
	window(wa, eoi_write, sizeof(eoi_write), 0xcc);
	window(wb, long_write, sizeof(long_write), 0xcc);
	assert_int_equal(mmio_decode_cached(c, &a, wa, sizeof(wa), &op), 6);
	assert_int_equal(mmio_decode_cached(c, &other, wb, sizeof(wb), &op), 11);
	assert_int_equal(mmio_decode_cached(c, &b, wb, sizeof(wb), &op), 11);
	assert_null(mmio_dcache_find(c, &a, wa, sizeof(wa)));
	assert_non_null(mmio_dcache_find(c, &b, wb, sizeof(wb)));
	assert_non_null(mmio_dcache_find(c, &other, wb, sizeof(wb)));
	/* a refused instruction is not kept: b's entry survives it */
	wa[0] = 0x01;	/* add %eax,(%rax) */
	assert_int_equal(mmio_decode_cached(c, &b, wa, sizeof(wa), &op), -EOPNOTSUPP);
	assert_non_null(mmio_dcache_find(c, &b, wb, sizeof(wb)));
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forms),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_truncated_prefixes),
		cmocka_unit_test(test_complete_read),
		cmocka_unit_test(test_complete_write_noop),
		cmocka_unit_test(test_cache_hit),
		cmocka_unit_test(test_cache_miss_changed_bytes),
		cmocka_unit_test(test_cache_rewritten_code),
		cmocka_unit_test(test_cache_key),
		cmocka_unit_test(test_cache_eviction),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
