# hvctl, the host-side client of the management API (tools/hvctl/hvctl.1).
# A Linux program, not part of the image: host compiler, libcurl and cJSON
# from Debian (tools/install-deps.sh).

HVCTL_SRCS := tools/hvctl/main.c tools/hvctl/commands.c tools/hvctl/output.c \
              tools/hvctl/http.c tools/hvctl/token.c tools/hvctl/console.c \
              tools/hvctl/vmdef_args.c
HVCTL_HDRS := $(wildcard tools/hvctl/*.h)
HVCTL_CFLAGS := -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror -O2 -g
HVCTL_LDLIBS := -lcurl -lcjson

$(BUILD)/hvctl: $(HVCTL_SRCS) $(HVCTL_HDRS) tools/hvctl/build.mk | $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(HVCTL_CFLAGS) -o $@ $(HVCTL_SRCS) $(HVCTL_LDLIBS)

.PHONY: hvctl
hvctl: $(BUILD)/hvctl

test-build: $(BUILD)/hvctl
