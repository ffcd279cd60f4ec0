UNIT_TESTS += installer
installer_SRCS := tests/unit/test_installer.c tests/unit/gui_fake.c tests/unit/host_kstr.c \
            kernel/gui/rect.c kernel/gui/gfx.c kernel/gui/keys.c kernel/gui/uilog.c \
            kernel/gui/widget.c kernel/gui/window.c kernel/gui/wm.c kernel/gui/msgbox.c \
            kernel/gui/installer.c kernel/gui/inst_check.c kernel/gui/inst_cfg.c
