/* <assert.h> for mbed TLS: library/common.h includes it, but with
 * MBEDTLS_CHECK_PARAMS off nothing calls assert(); static_assert is C11's
 * keyword, which mbed TLS uses when the macro exists. */
#ifndef HV_CRYPTO_LIBC_ASSERT_H
#define HV_CRYPTO_LIBC_ASSERT_H
#define static_assert _Static_assert
#endif
