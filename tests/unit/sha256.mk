# crypto/crypto.h against published vectors, on the same mbed TLS sources
# and configuration as the kernel (kernel/crypto/mbedtls.mk); the host's own
# C library stands in for the kernel's shims.
UNIT_TESTS += sha256
sha256_SRCS := tests/unit/test_sha256.c kernel/crypto/sha256.c kernel/crypto/alloc.c $(MBEDTLS_SRCS)
sha256_CFLAGS := -I$(MBEDTLS_DIR)/include $(MBEDTLS_CONFIG)
