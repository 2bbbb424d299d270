UNIT_TESTS += result_json
result_json_SRCS := tests/unit/test_result_json.c hv/result_json.c hv/jsonw.c hv/safe_text.c hv/stats.c
