# The pmm's pure parts: E820 sanitizing (kernel/mm/e820.c) and the frame
# bitmap (kernel/mm/frames.c).
UNIT_TESTS += pmm
pmm_SRCS := tests/unit/test_pmm.c kernel/mm/e820.c kernel/mm/frames.c
