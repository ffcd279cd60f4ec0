/* The failed-login throttle (docs/api.md "Authentication"), per client:
 * AUTH_FAILS_MAX wrong passwords from one address within
 * AUTH_FAILS_WINDOW_MS lock that address out of logins for AUTH_LOCKOUT_MS;
 * THROTTLE_GLOBAL_FAILS from all addresses together within the window lock
 * every login out as well (a backstop against guessing from many addresses,
 * which would also push clients out of the table). A fixed table of
 * THROTTLE_CLIENTS addresses; when it is full the one seen least recently
 * is forgotten (a locked one only after every unlocked one). Pure C (host
 * unit tests); the caller serialises calls. */
#ifndef HV_MGMT_LOGIN_THROTTLE_H
#define HV_MGMT_LOGIN_THROTTLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AUTH_FAILS_MAX         5                   /* wrong passwords from one client ... */
#define AUTH_FAILS_WINDOW_MS   (60u * 1000)        /* ... within this ... */
#define AUTH_LOCKOUT_MS        (30u * 1000)        /* ... refuse its logins this long (429) */
#define THROTTLE_GLOBAL_FAILS  30                  /* from everyone within the window */
#define THROTTLE_CLIENTS       32
#define THROTTLE_KEY_MAX       48                  /* an address without its port */

struct throttle_client {
    char key[THROTTLE_KEY_MAX];            /* "" when the slot is free */
    uint64_t fails[AUTH_FAILS_MAX];        /* ms of its latest failures, a ring; 0 unused */
    unsigned next;
    uint64_t locked_until, last_ms;
};

struct login_throttle {
    struct throttle_client c[THROTTLE_CLIENTS];
    uint64_t fails[THROTTLE_GLOBAL_FAILS]; /* everyone's, a ring */
    unsigned next;
    uint64_t locked_until;
};

/* The address part of a peer ("10.0.2.2:5123" -> "10.0.2.2"), into key. */
void throttle_key(const char *peer, char key[THROTTLE_KEY_MAX]);

/* 0 when peer may try a password at now (ms), else the ms it must wait. */
uint64_t throttle_wait(struct login_throttle *t, const char *peer, uint64_t now);

/* A wrong password from peer: 0, or 1 when it locked peer out, 2 when it
 * locked everyone out. */
int throttle_fail(struct login_throttle *t, const char *peer, uint64_t now);

#endif
