UNIT_TESTS += http_parse
http_parse_SRCS := tests/unit/test_http_parse.c kernel/mgmt/http_parse.c
