# HC_MSI_MAP's argument checks and the map-mode table page check
# (hv/delivery/msi_map_check.c).
UNIT_TESTS += msi_map
msi_map_SRCS := tests/unit/test_msi_map.c hv/delivery/msi_map_check.c
