UNIT_TESTS += irq
irq_SRCS := tests/unit/test_irq.c hv/irq.c
