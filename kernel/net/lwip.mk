# lwIP 2.1.3, built freestanding into the kernel from the sources that
# tools/fetch-deps.sh fetches into third_party/ (Debian's source package,
# pinned by SHA-256; never committed).  Included before kernel/build.mk,
# which links $(K_EXTRA_OBJS) into the kernel.
#
# lwIP is third-party code: it gets the kernel's code-generation flags but
# not -Werror (its warnings are not ours to fix).  hv's own files that use
# lwIP's headers (kernel/net/, kernel/mgmt/) are built by kernel/build.mk's
# rule as usual, with lwIP's include path added below.

LWIP_DIR   := third_party/lwip-2.1.3
LWIP_STAMP := $(LWIP_DIR)/.hv-unpacked
LWIP_OUT   := $(BUILD)/lwip

LWIP_SRCS := $(addprefix $(LWIP_DIR)/src/core/, init.c def.c dns.c inet_chksum.c ip.c mem.c \
               memp.c netif.c pbuf.c raw.c stats.c sys.c tcp.c tcp_in.c tcp_out.c timeouts.c udp.c) \
             $(addprefix $(LWIP_DIR)/src/core/ipv4/, dhcp.c etharp.c icmp.c ip4.c ip4_addr.c \
               ip4_frag.c) \
             $(addprefix $(LWIP_DIR)/src/core/ipv6/, ethip6.c icmp6.c inet6.c ip6.c ip6_addr.c \
               mld6.c nd6.c) \
             $(LWIP_DIR)/src/netif/ethernet.c
LWIP_OBJS := $(patsubst $(LWIP_DIR)/src/%.c,$(LWIP_OUT)/%.o,$(LWIP_SRCS))

# kernel/net first: lwipopts.h and arch/cc.h; then the <string.h> shims.
LWIP_INC := -Ikernel/net -Ikernel/net/libc -I$(LWIP_DIR)/src/include

LWIP_CFLAGS := -std=c11 -ffreestanding -nostdinc -isystem $(shell gcc -print-file-name=include) \
               -fno-pic -fno-pie -mno-red-zone -mno-mmx -mno-sse -mno-sse2 -mcmodel=kernel \
               -fno-stack-protector -fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
               -O2 -g -w -Iinclude -Ikernel $(LWIP_INC) -MMD -MP

K_EXTRA_OBJS += $(LWIP_OBJS)

$(LWIP_STAMP): tools/fetch-deps.sh
	BUILD=$(BUILD) tools/fetch-deps.sh

# The sources exist only after the fetch; the stamp is order-only so that
# a re-run of the script (same pins) does not rebuild everything.
$(LWIP_SRCS): | $(LWIP_STAMP)

$(LWIP_OUT)/%.o: $(LWIP_DIR)/src/%.c kernel/net/lwipopts.h kernel/net/arch/cc.h | $(LWIP_STAMP)
	@mkdir -p $(dir $@)
	$(K_CC) $(LWIP_CFLAGS) -c $< -o $@

# hv's files that include lwIP headers: the extra include path, and the
# fetched headers must exist before they compile.
LWIP_USERS := $(patsubst kernel/%.c,$(BUILD)/kernel/%.o,$(wildcard kernel/net/*.c kernel/mgmt/*.c))
$(LWIP_USERS): K_CFLAGS += $(LWIP_INC)
$(LWIP_USERS): | $(LWIP_STAMP)

.PHONY: lwip-fetch
lwip-fetch: $(LWIP_STAMP)

-include $(LWIP_OBJS:.o=.d)
