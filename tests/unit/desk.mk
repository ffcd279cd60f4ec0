UNIT_TESTS += desk
desk_SRCS := tests/unit/test_desk.c tests/unit/gui_fake.c tests/unit/host_kstr.c \
            kernel/gui/rect.c kernel/gui/gfx.c kernel/gui/keys.c kernel/gui/uilog.c \
            kernel/gui/widget.c kernel/gui/window.c kernel/gui/wm.c kernel/gui/msgbox.c \
            kernel/gui/inst_check.c kernel/gui/desk.c kernel/gui/desk_lock.c \
            kernel/gui/desk_info.c kernel/gui/desk_vms.c kernel/gui/desk_console.c \
            kernel/gui/desk_settings.c kernel/gui/desk_password.c kernel/gui/desk_logs.c \
            kernel/gui/desk_text.c kernel/lib/hvcfg.c
