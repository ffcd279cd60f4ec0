# hv: `make run` boots hv in QEMU, `make test` runs every test.
# Each part of the tree adds its own rules through a build.mk fragment.

BUILD   := build
PYTHON  := python3
export BUILD

.PHONY: all image run test test-unit test-system test-slow bench deps clean
.DEFAULT_GOAL := all

all: image

DEPS_STAMP := $(BUILD)/.deps-ok
$(DEPS_STAMP): tools/install-deps.sh
	@mkdir -p $(BUILD)
	tools/install-deps.sh
	@touch $@
deps: $(DEPS_STAMP)

include vd/fat/build.mk
include x86/bm/build.mk
include x86/bl/build.mk
include kernel/net/lwip.mk
include kernel/crypto/mbedtls.mk
include kernel/build.mk
include tests/guests/build.mk
include tools/build.mk
include tools/hvctl/build.mk
include tests/build.mk
include tests/fuzz/build.mk

image: $(BUILD)/hv.vhd

run: $(DEPS_STAMP)
	$(MAKE) image
	tools/run-qemu.sh $(BUILD)/hv.vhd

# T=<substring> runs only the tests whose name contains it.
test: $(DEPS_STAMP)
	$(MAKE) image test-build
	$(PYTHON) tests/run.py $(if $(T),--only $(T))

# The same with the long variants (e.g. 50 power cuts instead of 5).
test-slow: $(DEPS_STAMP)
	$(MAKE) image test-build
	HV_SLOW=1 $(PYTHON) tests/run.py $(if $(T),--only $(T))

bench: $(DEPS_STAMP)
	$(MAKE) image test-images
	$(PYTHON) bench/boot.py
	$(PYTHON) bench/vmexit.py
	$(PYTHON) bench/api.py

clean:
	rm -rf $(BUILD)
