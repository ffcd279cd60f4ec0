UNIT_TESTS += json_parse
json_parse_SRCS := tests/unit/test_json_parse.c kernel/mgmt/json_parse.c
