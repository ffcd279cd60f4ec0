/* SHA-256 (FIPS 180-2 examples), HMAC-SHA256 (RFC 4231) and
 * PBKDF2-HMAC-SHA256 (RFC 7914 section 11) against published vectors, on
 * mbed TLS as the kernel builds it; and what a full heap does to them. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "lib/sha256.h"
#include "crypto/alloc.h"
#include "mm/heap.h"

/* The kernel heap, for crypto/alloc.c; heap_fail makes it full. */
static int heap_fail, heap_live;

void *kzalloc(size_t n)
{
    if (heap_fail)
        return NULL;
    void *p = calloc(1, n);
    if (p)
        heap_live++;
    return p;
}

void kfree(void *p)
{
    if (p)
        heap_live--;
    free(p);
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    for (size_t i = 0; i < n; i++)
        sprintf(out + 2 * i, "%02x", b[i]);
}

static void check(const uint8_t *got, size_t n, const char *want)
{
    char h[257];
    hex(got, n, h);
    assert_string_equal(h, want);
}

static void test_sha256_vectors(void **st)
{
    (void)st;
    uint8_t d[SHA256_LEN];
    sha256("abc", 3, d);
    check(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    sha256(two, strlen(two), d);
    check(d, 32, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    sha256("", 0, d);
    check(d, 32, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

/* A million 'a' fed in odd-sized pieces: exercises the block buffering. */
static void test_sha256_million(void **st)
{
    (void)st;
    static char a[1000];
    memset(a, 'a', sizeof(a));
    struct sha256 s;
    sha256_init(&s);
    size_t left = 1000000, step = 1;
    while (left) {
        size_t k = step < left ? step : left;
        sha256_update(&s, a, k);
        left -= k;
        step = step % 977 + 13;          /* stays below sizeof(a) */
    }
    uint8_t d[SHA256_LEN];
    sha256_final(&s, d);
    check(d, 32, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_hmac_rfc4231(void **st)
{
    (void)st;
    uint8_t d[SHA256_LEN];
    const char *m = "what do ya want for nothing?";
    assert_int_equal(hmac_sha256("Jefe", 4, m, strlen(m), d), 0);
    check(d, 32, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    uint8_t key[131];
    memset(key, 0xaa, sizeof(key));        /* longer than a block: hashed first */
    const char *m6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    assert_int_equal(hmac_sha256(key, sizeof(key), m6, strlen(m6), d), 0);
    check(d, 32, "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

static void test_pbkdf2_rfc7914(void **st)
{
    (void)st;
    uint8_t d[64];
    assert_int_equal(pbkdf2_hmac_sha256("passwd", 6, "salt", 4, 1, d, 64), 0);
    check(d, 64, "55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                 "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    assert_int_equal(pbkdf2_hmac_sha256("Password", 8, "NaCl", 4, 80000, d, 64), 0);
    check(d, 64, "4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                 "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
}

/* The format auth.c stores (32-byte hash, 16-byte salt), and the result
 * tools/hvpasswd.py gives for it: Python's hashlib.pbkdf2_hmac. */
static void test_pbkdf2_auth_shape(void **st)
{
    (void)st;
    uint8_t d[SHA256_LEN];
    assert_int_equal(pbkdf2_hmac_sha256("hv-admin", 8, "0123456789abcdef", 16, 1000, d,
                                        sizeof(d)), 0);
    check(d, 32, "7d0c66454b2340dc4a43b691292e70763db5d7451d2d3a9cd231a060d3caccdb");
}

/* With the heap full HMAC and PBKDF2 say so, leave no key material in
 * out, and leak nothing; hashing needs no heap at all. */
static void test_heap_full(void **st)
{
    (void)st;
    uint8_t d[64];
    heap_fail = 1;
    memset(d, 0x55, sizeof(d));
    assert_int_equal(hmac_sha256("Jefe", 4, "x", 1, d), -1);
    for (int i = 0; i < SHA256_LEN; i++)
        assert_int_equal(d[i], 0);
    memset(d, 0x55, sizeof(d));
    assert_int_equal(pbkdf2_hmac_sha256("pw", 2, "salt", 4, 10, d, sizeof(d)), -1);
    for (size_t i = 0; i < sizeof(d); i++)
        assert_int_equal(d[i], 0);
    sha256("abc", 3, d);
    check(d, 32, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    heap_fail = 0;
    assert_int_equal(heap_live, 0);
    assert_int_equal(pbkdf2_hmac_sha256("pw", 2, "salt", 4, 10, d, sizeof(d)), 0);
    assert_int_equal(heap_live, 0);
}

static void test_crypto_calloc(void **st)
{
    (void)st;
    assert_null(crypto_calloc(SIZE_MAX / 2, 3));       /* n * size overflows */
    uint8_t *p = crypto_calloc(3, 5);
    assert_non_null(p);
    for (int i = 0; i < 15; i++)
        assert_int_equal(p[i], 0);
    crypto_free(p);
    p = crypto_calloc(0, 8);                            /* not NULL: that means full */
    assert_non_null(p);
    crypto_free(p);
    crypto_free(NULL);
    assert_int_equal(heap_live, 0);
}

static void test_ct_equal(void **st)
{
    (void)st;
    assert_true(ct_equal("abcd", "abcd", 4));
    assert_false(ct_equal("abcd", "abce", 4));
    assert_false(ct_equal("xbcd", "abcd", 4));
    assert_true(ct_equal("", "", 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sha256_vectors),
        cmocka_unit_test(test_sha256_million),
        cmocka_unit_test(test_hmac_rfc4231),
        cmocka_unit_test(test_pbkdf2_rfc7914),
        cmocka_unit_test(test_pbkdf2_auth_shape),
        cmocka_unit_test(test_heap_full),
        cmocka_unit_test(test_crypto_calloc),
        cmocka_unit_test(test_ct_equal),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
