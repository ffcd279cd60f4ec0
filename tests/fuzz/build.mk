# libFuzzer targets (clang from Debian): the HTTP request parser and the
# VM-definition JSON. `make fuzz` (and so `make test-slow`) runs each for
# FUZZ_SECONDS; a crash or sanitizer report fails it and leaves the input
# in $(BUILD)/test-artifacts/fuzz-<name>/. New inputs the fuzzer finds stay
# in $(BUILD)/fuzz/<name>/ (seeds: tests/fuzz/corpus/<name>/).
# Included from the top Makefile: include tests/fuzz/build.mk

FUZZ_CC      := clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=c11 -g -O1 -Wall -Wextra -Werror -Iinclude -Ikernel -DHV_HOST_TEST \
                -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_TARGETS := http_parse vmdef_json

fuzz_http_parse_SRCS := tests/fuzz/fuzz_http_parse.c kernel/mgmt/http_parse.c
fuzz_vmdef_json_SRCS := tests/fuzz/fuzz_vmdef_json.c kernel/mgmt/vmdef_json.c \
                        kernel/mgmt/json_parse.c kernel/mgmt/json.c kernel/vmm/vmdef.c \
                        kernel/lib/hvcfg.c tests/unit/host_kstr.c

define fuzz_rule
$(BUILD)/fuzz/fuzz_$(1): $$(fuzz_$(1)_SRCS) tests/fuzz/build.mk | $(DEPS_STAMP)
	@mkdir -p $$(dir $$@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $$@ $$(fuzz_$(1)_SRCS)

.PHONY: fuzz-$(1)
fuzz-$(1): $(BUILD)/fuzz/fuzz_$(1)
	@mkdir -p $(BUILD)/fuzz/$(1) $(BUILD)/test-artifacts/fuzz-$(1)
	@echo "fuzz $(1): $(FUZZ_SECONDS) s"
	@$(BUILD)/fuzz/fuzz_$(1) -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=10 \
	    -print_final_stats=1 -artifact_prefix=$(BUILD)/test-artifacts/fuzz-$(1)/ \
	    $(BUILD)/fuzz/$(1) tests/fuzz/corpus/$(1) \
	    > $(BUILD)/test-artifacts/fuzz-$(1)/output.txt 2>&1 \
	    && echo "PASS fuzz-$(1) ($$$$(grep -o 'stat::number_of_executed_units: [0-9]*' \
	           $(BUILD)/test-artifacts/fuzz-$(1)/output.txt | grep -o '[0-9]*$$$$') runs)" \
	    || { tail -40 $(BUILD)/test-artifacts/fuzz-$(1)/output.txt; \
	         echo "FAIL fuzz-$(1): see $(BUILD)/test-artifacts/fuzz-$(1)/"; exit 1; }
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rule,$(t))))

.PHONY: fuzz
fuzz: $(addprefix fuzz-,$(FUZZ_TARGETS))

test-slow: fuzz
