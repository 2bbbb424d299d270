# msix=map's pure logic (hv/delivery/msi_map_check.c): HC_MSI_MAP's
# guest-controlled arguments against any device state, and the table-page
# check against any BAR, table and PBA layout; see the harness.
FUZZERS += msi_map
msi_map_FUZZ_SRCS := tests/fuzz/fuzz_msi_map.c hv/delivery/msi_map_check.c
