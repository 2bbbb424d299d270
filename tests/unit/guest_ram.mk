# Guest RAM layout around the hole below 4 GiB (hv/guest_ram.c): every
# allowed guestmem, device BARs below and above 4 GiB, refusals.
UNIT_TESTS += guest_ram
guest_ram_SRCS := tests/unit/test_guest_ram.c hv/guest_ram.c
