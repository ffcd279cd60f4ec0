/*
 * HV.CFG: a generic `key = value` line lexer plus hv's schema.
 *
 * Shared by the boot loader (x86/bl, -m32), the kernel (-m64) and host unit
 * tests, so it is freestanding: no libc, no globals, no allocation.  The
 * parser never fails on bad input; it reports each problem through a
 * callback with its line number and keeps the default for that key.
 * The format is described in docs/boot.md ("HV.CFG").
 */
#ifndef HV_LIB_HVCFG_H
#define HV_LIB_HVCFG_H

#include <stddef.h>
#include <stdint.h>

/* Lines longer than this (without the line break) are reported and skipped. */
#define HVCFG_LINE_MAX     255
#define HVCFG_HOSTNAME_MAX 63
/* admin.password: pbkdf2-sha256$<iterations>$<salt hex>$<hash hex> (docs/api.md). */
#define HVCFG_ADMIN_PASSWORD_MAX 191
/* Longest message handed to hvcfg_warn_fn, NUL included. */
#define HVCFG_MSG_MAX      128

/* ---- the lexer: splits text into numbered `key = value` lines ---- */

struct hvcfg_lexer {
    const char *pos;        /* next unread byte */
    const char *end;        /* one past the last byte */
    unsigned line;          /* number of the line last returned (1-based) */
};

enum hvcfg_tok {
    HVCFG_EOF = 0,          /* no more lines */
    HVCFG_PAIR = 1,         /* key/value set */
    HVCFG_BAD = 2           /* malformed line; error says why */
};

struct hvcfg_pair {
    const char *key;        /* points into the text, not NUL-terminated */
    size_t key_len;
    const char *value;      /* trimmed; may be empty */
    size_t value_len;
    const char *error;      /* static text for HVCFG_BAD */
};

void hvcfg_lex_init(struct hvcfg_lexer *lx, const char *text, size_t len);
/* Skips blank and comment lines; returns the next pair or malformed line. */
enum hvcfg_tok hvcfg_lex_next(struct hvcfg_lexer *lx, struct hvcfg_pair *out);

/* ---- hv's schema ---- */

struct hv_config {
    uint32_t boot_default;              /* enum hv_boot_mode */
    uint32_t boot_timeout;              /* seconds, 0-60 */
    char hostname[HVCFG_HOSTNAME_MAX + 1]; /* NUL-terminated */
    /* Network (docs/network.md). IPv4 addresses are a.b.c.d as
     * a << 24 | b << 16 | c << 8 | d; 0 means not set. */
    uint32_t net_mode;                  /* enum hvcfg_net_mode */
    uint32_t net_address;               /* net.address = a.b.c.d/prefix ... */
    uint32_t net_prefix;                /* ... 1-32 (must follow net_address) */
    uint32_t net_gateway;
    uint32_t net_dns;
    /* What the screen shows after boot in hypervisor mode (docs/gui.md):
     * the desktop, a headless status screen with a login for the recovery
     * shell, or (key absent: the development image) the open shell. */
    uint32_t desktop;                   /* enum hvcfg_desktop */
    uint32_t keyboard;                  /* enum hvcfg_keyboard: the PS/2 layout */
    /* The management API's password hash, checked by kernel/mgmt/auth.c;
     * empty: not set (the API refuses everything but GET /). */
    char admin_password[HVCFG_ADMIN_PASSWORD_MAX + 1];
};

enum hvcfg_net_mode { HVCFG_NET_DHCP = 0, HVCFG_NET_STATIC = 1 };
enum hvcfg_desktop { HVCFG_DESKTOP_UNSET = 0, HVCFG_DESKTOP_ON, HVCFG_DESKTOP_OFF,
                     HVCFG_DESKTOP_COUNT };
enum hvcfg_keyboard { HVCFG_KBD_US = 0, HVCFG_KBD_BR_ABNT2, HVCFG_KBD_COUNT };

/* line is the 1-based line number; msg is a NUL-terminated sentence
 * fragment such as "unknown key \"foo\"", valid only during the call. */
typedef void (*hvcfg_warn_fn)(void *ctx, unsigned line, const char *msg);

void hvcfg_defaults(struct hv_config *out);
/* Fills defaults, then applies every valid line of text[0..len).  Returns
 * the number of warnings (0: the file was clean).  warn may be NULL. */
int hvcfg_parse(const char *text, size_t len, struct hv_config *out,
                hvcfg_warn_fn warn, void *ctx);

/* "hypervisor", "os", "installer", "recovery"; "?" when out of range. */
const char *hvcfg_mode_name(uint32_t mode);
/* HV.CFG's spelling: "console"/"on"/"off"; "us"/"br-abnt2"; "?" when out of range. */
const char *hvcfg_desktop_name(uint32_t d);
const char *hvcfg_keyboard_name(uint32_t k);

#endif
