UNIT_TESTS += router
router_SRCS := tests/unit/test_router.c kernel/mgmt/router.c kernel/mgmt/http_resp.c \
               kernel/mgmt/json.c kernel/mgmt/http_parse.c
