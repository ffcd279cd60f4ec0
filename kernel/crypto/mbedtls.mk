# mbed TLS 2.28.3, built freestanding into the kernel from the sources that
# tools/fetch-deps.sh fetches into third_party/ (Debian's source package,
# pinned by SHA-256; never committed). Included before kernel/build.mk,
# which links $(K_EXTRA_OBJS) into the kernel.
#
# Only the modules crypto/mbedtls_config.h turns on are compiled. They get
# the kernel's code-generation flags but not -Werror (mbed TLS's warnings are
# not ours to fix). hv's own files in kernel/crypto/ are built by
# kernel/build.mk's rule as usual, with mbed TLS's include path added below;
# no other part of the kernel sees mbed TLS's headers (crypto/crypto.h).

MBEDTLS_DIR   := third_party/mbedtls-2.28.3
MBEDTLS_STAMP := $(MBEDTLS_DIR)/.hv-unpacked
MBEDTLS_OUT   := $(BUILD)/mbedtls

# The library files the configuration needs (platform.c is not: with
# MBEDTLS_PLATFORM_NO_STD_FUNCTIONS and the calloc/free macros it holds only
# mbedtls_platform_setup(), which nothing calls). The host unit test
# (tests/unit/sha256.mk) compiles the same list.
MBEDTLS_SRCS := $(addprefix $(MBEDTLS_DIR)/library/, sha256.c md.c pkcs5.c platform_util.c \
                  constant_time.c)
MBEDTLS_OBJS := $(patsubst $(MBEDTLS_DIR)/library/%.c,$(MBEDTLS_OUT)/%.o,$(MBEDTLS_SRCS))
MBEDTLS_CONFIG := -DMBEDTLS_CONFIG_FILE='"crypto/mbedtls_config.h"'

# kernel/crypto/libc first: the <string.h>/<assert.h> shims.
MBEDTLS_INC := -Ikernel/crypto/libc -I$(MBEDTLS_DIR)/include $(MBEDTLS_CONFIG)

MBEDTLS_CFLAGS := -std=c11 -ffreestanding -nostdinc -isystem $(shell gcc -print-file-name=include) \
                  -fno-pic -fno-pie -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mcmodel=kernel \
                  -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
                  -O2 -g -w -Iinclude -Ikernel $(MBEDTLS_INC) -MMD -MP

K_EXTRA_OBJS += $(MBEDTLS_OBJS)

$(MBEDTLS_STAMP): tools/fetch-deps.sh
	BUILD=$(BUILD) tools/fetch-deps.sh mbedtls

# The sources exist only after the fetch; the stamp is order-only so that
# a re-run of the script (same pins) does not rebuild everything.
$(MBEDTLS_SRCS): | $(MBEDTLS_STAMP)

$(MBEDTLS_OUT)/%.o: $(MBEDTLS_DIR)/library/%.c kernel/crypto/mbedtls_config.h | $(MBEDTLS_STAMP)
	@mkdir -p $(dir $@)
	$(K_CC) $(MBEDTLS_CFLAGS) -c $< -o $@

# hv's files that include mbed TLS headers: the extra include path, and the
# fetched headers must exist before they compile.
MBEDTLS_USERS := $(patsubst kernel/%.c,$(BUILD)/kernel/%.o,$(wildcard kernel/crypto/*.c))
$(MBEDTLS_USERS): K_CFLAGS += $(MBEDTLS_INC)
$(MBEDTLS_USERS): | $(MBEDTLS_STAMP)

.PHONY: mbedtls-fetch
mbedtls-fetch: $(MBEDTLS_STAMP)

-include $(MBEDTLS_OBJS:.o=.d)
