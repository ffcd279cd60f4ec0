UNIT_TESTS += gui
gui_SRCS := tests/unit/test_gui.c tests/unit/gui_fake.c tests/unit/host_kstr.c \
            kernel/gui/rect.c kernel/gui/gfx.c kernel/gui/keys.c kernel/gui/uilog.c \
            kernel/gui/widget.c kernel/gui/window.c kernel/gui/wm.c kernel/gui/msgbox.c
