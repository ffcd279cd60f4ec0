UNIT_TESTS += login_throttle
login_throttle_SRCS := tests/unit/test_login_throttle.c kernel/mgmt/login_throttle.c
