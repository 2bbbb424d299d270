UNIT_TESTS += vtd_dma
vtd_dma_SRCS := tests/unit/test_vtd_dma.c drivers/vtd_dma.c hv/guest_ram.c
