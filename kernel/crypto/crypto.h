/* The kernel's cryptography: SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104)
 * and PBKDF2-HMAC-SHA256 (RFC 8018), for the management API's password
 * check and session tokens (mgmt/auth.c, mgmt/auth_rand.c). Owner: crypto.
 *
 * The algorithms are mbed TLS's (third_party/, fetched by
 * tools/fetch-deps.sh; configured by crypto/mbedtls_config.h); this header
 * is all the kernel sees of it. Integer-only, so it builds with -mno-sse;
 * shared with the host unit tests (tests/unit/test_sha256.c). */
#ifndef HV_CRYPTO_CRYPTO_H
#define HV_CRYPTO_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN   32
#define SHA256_BLOCK 64

/* A running hash, on the caller's stack; copying it forks the hash. The
 * bytes are mbed TLS's context (crypto/sha256.c checks that it fits), kept
 * opaque so that no user of this header needs mbed TLS's. */
struct sha256 {
    _Alignas(8) unsigned char opaque[112];
};

/* These cannot fail: no allocation, no hardware. */
void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);

/* These take a little heap (a few hundred bytes, freed before they return):
 * 0, or -1 with out all zero when the heap is full. */
int hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                uint8_t out[SHA256_LEN]);

/* Derives out_len bytes from password and salt with iterations rounds
 * (at least 1). */
int pbkdf2_hmac_sha256(const void *pw, size_t pw_len, const void *salt, size_t salt_len,
                       uint32_t iterations, uint8_t *out, size_t out_len);

/* 1 when a[0..n) == b[0..n); the time depends on n only, not on where the
 * first difference is. */
int ct_equal(const void *a, const void *b, size_t n);

#endif
