# eoi=pv's bookkeeping (hv/delivery/pv_eoi_state.c) against the real
# vLAPIC: flagged vectors, trapped writes, hostile flags, nesting, the
# flag address checks.
UNIT_TESTS += pv_eoi
pv_eoi_SRCS := tests/unit/test_pv_eoi.c hv/delivery/pv_eoi_state.c hv/vlapic.c hv/vtimer.c \
	hv/guest_ram.c
