/* hv's mbed TLS 2.28 configuration (MBEDTLS_CONFIG_FILE: it replaces the
 * library's config.h). Only what the kernel uses is on: SHA-256, its HMAC
 * through the generic message-digest layer, and PBKDF2. The kernel builds
 * freestanding: no floating point, no file system, no clock, no threads
 * (callers do their own locking), no entropy source of mbed TLS's own.
 * The same file serves the host unit tests (tests/unit/sha256.mk). */
#ifndef HV_CRYPTO_MBEDTLS_CONFIG_H
#define HV_CRYPTO_MBEDTLS_CONFIG_H

/* System support. Not MBEDTLS_HAVE_TIME(_DATE), MBEDTLS_FS_IO,
 * MBEDTLS_THREADING_C, MBEDTLS_SELF_TEST (it prints with printf). */
#define MBEDTLS_PLATFORM_C
#define MBEDTLS_PLATFORM_MEMORY
#define MBEDTLS_PLATFORM_NO_STD_FUNCTIONS
#define MBEDTLS_PLATFORM_STD_MEM_HDR "crypto/alloc.h"
#define MBEDTLS_PLATFORM_CALLOC_MACRO crypto_calloc
#define MBEDTLS_PLATFORM_FREE_MACRO crypto_free

/* Modules. */
#define MBEDTLS_SHA256_C
#define MBEDTLS_MD_C
#define MBEDTLS_PKCS5_C

/* For the TLS issue, beyond the modules it turns on:
 * - entropy: MBEDTLS_NO_PLATFORM_ENTROPY plus MBEDTLS_ENTROPY_HARDWARE_ALT,
 *   with mbedtls_hardware_poll() fed by RDSEED/RDRAND (mgmt/auth_rand.c);
 * - bignum: MBEDTLS_NO_UDBL_DIVISION, since a 128-bit division would call
 *   libgcc's __udivti3, which the kernel does not link;
 * - no clock: certificate validity dates are not checked without
 *   MBEDTLS_HAVE_TIME_DATE. */

#include "mbedtls/check_config.h"

#endif
