# PSF parsing (kernel/dev/font.c) on the two fonts the kernel embeds:
# kernel/dev/font_data.S links in the files kernel/build.mk gunzips.
UNIT_TESTS += font
font_SRCS := tests/unit/test_font.c kernel/dev/font.c kernel/dev/font_data.S
font_CFLAGS := -DK_FONT_FILE='"$(K_FONT)"' -DK_FONT_LARGE_FILE='"$(K_FONT_LARGE)"'
$(BUILD)/tests/unit/font: $(K_FONT) $(K_FONT_LARGE)
