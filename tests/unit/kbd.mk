UNIT_TESTS += kbd
kbd_SRCS := tests/unit/test_kbd.c kernel/dev/kbd_map.c
