# IRTE encoding, remappable MSIs, IRT allocator, update order and flushes.
UNIT_TESTS += vtd_irte
vtd_irte_SRCS := tests/unit/test_vtd_irte.c drivers/vtd_irte.c
