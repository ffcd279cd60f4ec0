UNIT_TESTS += line_ring
line_ring_SRCS := tests/unit/test_line_ring.c kernel/mgmt/line_ring.c
