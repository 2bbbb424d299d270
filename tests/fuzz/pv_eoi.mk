# eoi=pv's bookkeeping against trapped EOIs, with a guest that writes its
# flag word and HC_PV_EOI arguments at will (tests/fuzz/fuzz_pv_eoi.c).
FUZZERS += pv_eoi
pv_eoi_FUZZ_SRCS := tests/fuzz/fuzz_pv_eoi.c hv/delivery/pv_eoi_state.c hv/vlapic.c \
	hv/vtimer.c hv/guest_ram.c
