/* SHA-256, HMAC-SHA256, PBKDF2-HMAC-SHA256 and ct_equal moved to the crypto
 * subsystem (crypto/crypto.h, on mbed TLS); this name stays for the files
 * that include it. */
#ifndef HV_LIB_SHA256_H
#define HV_LIB_SHA256_H
#include "crypto/crypto.h"
#endif
