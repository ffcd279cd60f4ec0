/* crypto.h on mbed TLS: SHA-256 directly, HMAC and PBKDF2 through its
 * message-digest layer, ct_equal through its constant-time compare. */
#include "crypto/crypto.h"
#include "mbedtls/constant_time.h"
#include "mbedtls/md.h"
#include "mbedtls/pkcs5.h"
#include "mbedtls/platform_util.h"
#include "mbedtls/sha256.h"
#include <string.h>

_Static_assert(sizeof(mbedtls_sha256_context) <= sizeof(struct sha256),
               "struct sha256 too small for mbed TLS's context");
_Static_assert(_Alignof(mbedtls_sha256_context) <= 8, "struct sha256 under-aligned");

/* The opaque bytes are copied in and out rather than cast, so no object is
 * accessed through a type it does not have. */
static void load(mbedtls_sha256_context *c, const struct sha256 *s)
{
    memcpy(c, s->opaque, sizeof(*c));
}

static void store(struct sha256 *s, const mbedtls_sha256_context *c)
{
    memcpy(s->opaque, c, sizeof(*c));
}

/* With neither MBEDTLS_SHA256_ALT nor MBEDTLS_SHA256_PROCESS_ALT the
 * *_ret functions return 0 for every input, so there is nothing to pass on. */
void sha256_init(struct sha256 *s)
{
    mbedtls_sha256_context c;
    mbedtls_sha256_init(&c);
    (void)mbedtls_sha256_starts_ret(&c, 0);
    store(s, &c);
}

void sha256_update(struct sha256 *s, const void *p, size_t n)
{
    mbedtls_sha256_context c;
    load(&c, s);
    (void)mbedtls_sha256_update_ret(&c, p, n);
    store(s, &c);
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
    mbedtls_sha256_context c;
    load(&c, s);
    (void)mbedtls_sha256_finish_ret(&c, out);
    mbedtls_sha256_free(&c);
    mbedtls_platform_zeroize(s, sizeof(*s));
}

void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN])
{
    (void)mbedtls_sha256_ret(p, n, out, 0);
}

static const mbedtls_md_info_t *md_sha256(void)
{
    return mbedtls_md_info_from_type(MBEDTLS_MD_SHA256);
}

int hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                uint8_t out[SHA256_LEN])
{
    if (mbedtls_md_hmac(md_sha256(), key, key_len, msg, msg_len, out) != 0) {
        memset(out, 0, SHA256_LEN);
        return -1;
    }
    return 0;
}

int pbkdf2_hmac_sha256(const void *pw, size_t pw_len, const void *salt, size_t salt_len,
                       uint32_t iterations, uint8_t *out, size_t out_len)
{
    mbedtls_md_context_t md;
    mbedtls_md_init(&md);
    int r = out_len > UINT32_MAX ? -1 : mbedtls_md_setup(&md, md_sha256(), 1);
    if (r == 0)
        r = mbedtls_pkcs5_pbkdf2_hmac(&md, pw, pw_len, salt, salt_len, iterations,
                                      (uint32_t)out_len, out);
    mbedtls_md_free(&md);
    if (r != 0) {
        memset(out, 0, out_len);
        return -1;
    }
    return 0;
}

int ct_equal(const void *a, const void *b, size_t n)
{
    return mbedtls_ct_memcmp(a, b, n) == 0;
}
