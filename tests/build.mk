# Host unit tests (cmocka). Each tests/unit/<name>.mk adds
#   UNIT_TESTS += <name>
#   <name>_SRCS := tests/unit/test_<name>.c <the code under test>.c ...
# and gets build/tests/unit/<name>, run by tests/run.py.

UNIT_CFLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -Iinclude -Ikernel -Ix86 \
               -fsanitize=address,undefined -fno-omit-frame-pointer -DHV_HOST_TEST
UNIT_LDLIBS := -lcmocka

UNIT_TESTS :=
-include $(wildcard tests/unit/*.mk)

define unit_rule
$(BUILD)/tests/unit/$(1): $$($(1)_SRCS) | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(CC) $(UNIT_CFLAGS) $$($(1)_CFLAGS) -o $$@ $$($(1)_SRCS) $(UNIT_LDLIBS)
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call unit_rule,$(t))))

.PHONY: test-build
test-build: $(addprefix $(BUILD)/tests/unit/,$(UNIT_TESTS))
