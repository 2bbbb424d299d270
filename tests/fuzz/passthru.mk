# Pass-through emulation (hv/ptemu*.c over hv/vmsix.c): guest config-space
# I/O, trapped-page accesses and interrupts against a fake function whose
# BAR is mmap'd memory between guard pages; see the harness for the
# invariants it checks.
FUZZERS += passthru
passthru_FUZZ_SRCS := tests/fuzz/fuzz_passthru.c hv/ptemu_cfg.c hv/ptemu_mmio.c \
	hv/ptemu_msi.c hv/vmsix.c
