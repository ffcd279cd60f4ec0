/* SHA-256 (FIPS 180-4), HMAC-SHA256 (RFC 2104) and PBKDF2-HMAC-SHA256
 * (RFC 8018), for the management API's password check (mgmt/auth.c).
 * Integer-only and freestanding (the kernel builds with -mno-sse), no
 * allocation; shared with host unit tests (tests/unit/test_sha256.c). */
#ifndef HV_LIB_SHA256_H
#define HV_LIB_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN   32
#define SHA256_BLOCK 64

struct sha256 {
    uint32_t h[8];
    uint64_t total;                         /* bytes hashed so far */
    uint8_t buf[SHA256_BLOCK];
    size_t used;                            /* bytes waiting in buf */
};

void sha256_init(struct sha256 *s);
void sha256_update(struct sha256 *s, const void *p, size_t n);
void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN]);
void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN]);

void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                 uint8_t out[SHA256_LEN]);

/* Derives out_len bytes from password and salt with iterations rounds. */
void pbkdf2_hmac_sha256(const void *pw, size_t pw_len, const void *salt, size_t salt_len,
                        uint32_t iterations, uint8_t *out, size_t out_len);

/* 1 when a[0..n) == b[0..n); the time depends on n only, not on where the
 * first difference is. */
int ct_equal(const void *a, const void *b, size_t n);

#endif
