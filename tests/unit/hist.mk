# Histogram buckets and the HIST line (hv/hist.c).
UNIT_TESTS += hist
hist_SRCS := tests/unit/test_hist.c hv/hist.c hv/jsonw.c hv/safe_text.c hv/stats.c
