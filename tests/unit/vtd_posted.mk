# Posted-format IRTE and posted-interrupt descriptor bit layouts, the IRTE
# write order to, from and between posted entries.
UNIT_TESTS += vtd_posted
vtd_posted_SRCS := tests/unit/test_vtd_posted.c drivers/vtd_posted.c drivers/vtd_irte.c
