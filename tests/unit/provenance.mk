# Run id, build, emulator and the PLATFORM line's JSON (hv/provenance.c).
UNIT_TESTS += provenance
provenance_SRCS := tests/unit/test_provenance.c hv/provenance.c hv/jsonw.c hv/safe_text.c hv/stats.c
