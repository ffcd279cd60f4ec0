UNIT_TESTS += mouse
mouse_SRCS := tests/unit/test_mouse.c kernel/dev/mouse_packet.c
