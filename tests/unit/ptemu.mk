# Pass-through decisions (hv/ptemu*.c): config space, trapped-page bounds,
# sub-page BARs and MSI message modes, against a fake physical device.
UNIT_TESTS += ptemu
ptemu_SRCS := tests/unit/test_ptemu.c hv/ptemu_cfg.c hv/ptemu_mmio.c hv/ptemu_msi.c hv/vmsix.c
