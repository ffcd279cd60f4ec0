UNIT_TESTS += route_query
route_query_SRCS := tests/unit/test_route_query.c kernel/mgmt/router.c kernel/mgmt/http_resp.c \
                    kernel/mgmt/json.c kernel/mgmt/http_parse.c
