/* Authentication of the REST API (docs/api.md "Authentication"): one admin
 * password, kept in HV.CFG only as a salted PBKDF2-HMAC-SHA256 hash
 * (admin.password); POST /api/v1/session trades it for a random bearer
 * token; every /api/v1 route but that one needs `Authorization: Bearer`.
 *
 * Runs in the network stack's context like the handlers (api.h); its
 * state (the live tokens, the failure count) is only touched there. */
#ifndef HV_MGMT_AUTH_H
#define HV_MGMT_AUTH_H

#include <stdbool.h>
#include "mgmt/login_throttle.h"
#include "mgmt/router.h"

#define AUTH_SESSIONS_MAX     16
#define AUTH_IDLE_MS          (60u * 60 * 1000)    /* a token unused this long expires */
/* The failed-login limits are in login_throttle.h. */
#define AUTH_PASSWORD_MAX     128                  /* bytes */
#define AUTH_SALT_LEN         16                   /* bytes of a new password's salt */
#define AUTH_ITERATIONS       20000                /* of a new password's PBKDF2 */
/* vd/HV.CFG's admin.password line: the documented default password. */
#define AUTH_DEFAULT_SPEC     "pbkdf2-sha256$20000$e06321bf3cb695a318c8b5580998a941$" \
                              "d558578d5cd2ad4e80a895d67820d2b7a31409a97f3b9bbba5666435422fc5b1"
#define AUTH_DEFAULT_PASSWORD "hv-admin"           /* the test image's; README: change it */

/* spec: HV.CFG's admin.password ("" when not set). Reports a malformed
 * value and the default password on the console; the API then refuses
 * everything but GET / with 503 until the configuration is fixed. */
void auth_init(const char *spec);

/* The same password for the local console (the desktop's lock screen, the
 * headless login): false when wrong or when none is configured. Takes tens
 * of milliseconds (PBKDF2); call it where that is fine, not in the tick. */
bool auth_check_password(const char *password);
bool auth_password_set(void);       /* a valid admin.password is in force */
/* A new admin.password value for password (fresh random salt, hv's
 * iteration count) into spec[0..len): its length, or -1 (no heap, too
 * small). The installer and a password change make theirs here. */
int auth_make_spec(const char *password, char *spec, size_t len);
/* Makes spec the live password at once and ends every API session (a
 * changed password should lock out whoever had the old one): 0, or -1
 * with the live password unchanged when spec is not valid. */
int auth_set_spec(const char *spec);

/* The router's `before` hook: false when it answered (401, 503). */
bool auth_before(struct http_ctx *cx, const struct route *rt);

void api_session_create(struct http_ctx *cx);   /* POST /api/v1/session */
void api_session_delete(struct http_ctx *cx);   /* DELETE /api/v1/session */

/* Fills out with n random bytes (auth_rand.c): RDSEED or RDRAND when the
 * CPU has them, mixed with the TSC through SHA-256; TSC only otherwise. */
void auth_random(void *out, size_t n);
void auth_random_init(void);

#endif
