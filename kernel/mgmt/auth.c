/* The API's login, bearer tokens and failed-login throttle: see auth.h.
 *
 * The password is never stored: HV.CFG holds PBKDF2-HMAC-SHA256 of it with
 * a per-install salt, and a login recomputes that (tens of milliseconds,
 * which is the point: offline guessing from a leaked HV.CFG is slow). Tokens
 * are 256 random bits handed out as 64 hex digits; all comparisons are
 * constant-time. The throttle is per client address (login_throttle.h):
 * AUTH_FAILS_MAX wrong passwords within AUTH_FAILS_WINDOW_MS get that
 * address 429 for AUTH_LOCKOUT_MS, and a global backstop stops guessing
 * from many addresses; existing tokens keep working throughout. */
#include <stdbool.h>
#include "lib/hex.h"
#include <stdint.h>
#include "mgmt/auth.h"
#include "mgmt/conn.h"
#include "mgmt/http_parse.h"
#include "mgmt/http_resp.h"
#include "arch/x86_64/cpu.h"
#include "lib/kprintf.h"
#include "lib/sha256.h"
#include "lib/string.h"

#define TOKEN_LEN      32                  /* bytes; 64 hex digits on the wire */
#define SALT_MIN       8
#define SALT_MAX       64
#define ITER_MIN       1000
#define ITER_MAX       1000000             /* more would stall the network for seconds */

#define NOT_CONFIGURED "no admin password configured: set admin.password in HV.CFG " \
                       "(tools/hvpasswd.py)"
#define CHALLENGE      "WWW-Authenticate: Bearer realm=\"hv\"\r\n"
#define CHALLENGE_BAD  "WWW-Authenticate: Bearer realm=\"hv\", error=\"invalid_token\"\r\n"

static struct {
    bool set;
    uint32_t iterations;
    uint8_t salt[SALT_MAX];
    size_t salt_len;
    uint8_t hash[SHA256_LEN];
} pw;

struct session {
    bool used;
    unsigned id;                           /* the login's number since boot, for the audit log */
    uint8_t token[TOKEN_LEN];
    uint64_t last_ms;
};

static struct session sessions[AUTH_SESSIONS_MAX];
static unsigned logins;                    /* sessions handed out since boot */
static struct login_throttle throttle;
static char retry_after[48];


/* Decodes exactly 2 * n hex digits from s[0..len); false if not that. */
static bool unhex(const char *s, size_t len, uint8_t *out, size_t n)
{
    if (len != 2 * n)
        return false;
    for (size_t i = 0; i < n; i++) {
        int hi = hex_digit(s[2 * i]), lo = hex_digit(s[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return false;
        out[i] = (uint8_t)(hi << 4 | lo);
    }
    return true;
}

/* pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>; NULL or why not. */
static const char *parse_spec(const char *s)
{
    static const char prefix[] = "pbkdf2-sha256$";
    if (strncmp(s, prefix, sizeof(prefix) - 1) != 0)
        return "it does not start with pbkdf2-sha256$";
    s += sizeof(prefix) - 1;
    uint64_t it = 0;
    size_t digits = 0;
    for (; *s >= '0' && *s <= '9' && digits < 10; s++, digits++)
        it = it * 10 + (uint64_t)(*s - '0');
    if (digits == 0 || *s != '$')
        return "the iteration count is not a number";
    if (it < ITER_MIN || it > ITER_MAX)
        return "the iteration count is not within 1000-1000000";
    const char *salt = ++s;
    while (*s && *s != '$')
        s++;
    size_t salt_hex = (size_t)(s - salt);
    if (*s != '$' || salt_hex % 2 || salt_hex < 2 * SALT_MIN || salt_hex > 2 * SALT_MAX ||
        !unhex(salt, salt_hex, pw.salt, salt_hex / 2))
        return "the salt is not 8-64 bytes of hex";
    s++;
    if (!unhex(s, strlen(s), pw.hash, SHA256_LEN))
        return "the hash is not 32 bytes of hex";
    pw.iterations = (uint32_t)it;
    pw.salt_len = salt_hex / 2;
    return NULL;
}

static bool password_ok(const char *p, size_t n)
{
    uint8_t h[SHA256_LEN];
    if (pbkdf2_hmac_sha256(p, n, pw.salt, pw.salt_len, pw.iterations, h, sizeof(h)) != 0) {
        kprintf("hv: auth: warning: no heap for the password check; login refused\n");
        return false;
    }
    return ct_equal(h, pw.hash, sizeof(h));
}

void auth_init(const char *spec)
{
    auth_random_init();
    pw.set = false;
    if (!spec[0]) {
        kprintf("hv: mgmt: warning: " NOT_CONFIGURED "; the API answers 503 until then\n");
        return;
    }
    const char *why = parse_spec(spec);
    if (why) {
        kprintf("hv: mgmt: warning: admin.password in HV.CFG is not valid: %s "
                "(expected pbkdf2-sha256$<iterations>$<salt hex>$<hash hex>, from "
                "tools/hvpasswd.py); the API answers 503\n", why);
        return;
    }
    pw.set = true;
    /* By the text of the shipped hash, not by hashing the default password:
     * a PBKDF2 run at boot costs boot time (seconds under some hypervisors),
     * and the shipped line is what an unchanged image has. */
    if (strcmp(spec, AUTH_DEFAULT_SPEC) == 0)
        kprintf("hv: mgmt: warning: the admin password is the default one\n");
}

bool auth_check_password(const char *password)
{
    size_t n = strlen(password);
    return pw.set && n <= AUTH_PASSWORD_MAX && password_ok(password, n);
}

bool auth_password_set(void)
{
    return pw.set;
}

int auth_make_spec(const char *password, char *spec, size_t len)
{
    uint8_t salt[AUTH_SALT_LEN], hash[SHA256_LEN];
    auth_random(salt, sizeof(salt));
    if (pbkdf2_hmac_sha256(password, strlen(password), salt, sizeof(salt),
                           AUTH_ITERATIONS, hash, sizeof(hash)) < 0)
        return -1;
    int n = ksnprintf(spec, len, "pbkdf2-sha256$%u$", AUTH_ITERATIONS);
    for (unsigned i = 0; i < sizeof(salt) && n >= 0 && (size_t)n < len; i++)
        n += ksnprintf(spec + n, len - (size_t)n, "%02x", salt[i]);
    if (n >= 0 && (size_t)n < len)
        n += ksnprintf(spec + n, len - (size_t)n, "$");
    for (unsigned i = 0; i < sizeof(hash) && n >= 0 && (size_t)n < len; i++)
        n += ksnprintf(spec + n, len - (size_t)n, "%02x", hash[i]);
    return n < 0 || (size_t)n >= len ? -1 : n;
}

int auth_set_spec(const char *spec)
{
    /* The API reads pw and the sessions in the BSP's tick: swap them with
     * interrupts off so a login never sees half of each. */
    uint64_t f = cpu_save_flags();
    cpu_cli();
    __typeof__(pw) old = pw;
    const char *why = parse_spec(spec);
    if (why)
        pw = old;
    else {
        pw.set = true;
        memset(sessions, 0, sizeof(sessions));
    }
    cpu_restore_flags(f);
    if (why) {
        kprintf("hv: auth: new password refused: %s\n", why);
        return -1;
    }
    kprintf("hv: auth: the admin password was changed; API sessions ended\n");
    return 0;
}

/* ---- the throttle ---- */

static bool locked(const char *peer, uint64_t now)
{
    uint64_t wait = throttle_wait(&throttle, peer, now);
    if (!wait)
        return false;
    ksnprintf(retry_after, sizeof(retry_after), "Retry-After: %lu\r\n", (wait + 999) / 1000);
    return true;
}

static void note_failure(const char *peer, uint64_t now)
{
    int r = throttle_fail(&throttle, peer, now);
    char who[THROTTLE_KEY_MAX];
    throttle_key(peer, who);
    if (r == 1)
        kprintf("hv: mgmt: %u wrong admin passwords within %u s from %s: its logins refused "
                "for %u s\n", AUTH_FAILS_MAX, AUTH_FAILS_WINDOW_MS / 1000, who,
                AUTH_LOCKOUT_MS / 1000);
    else if (r == 2)
        kprintf("hv: mgmt: %u wrong admin passwords within %u s from all clients: every login "
                "refused for %u s\n", THROTTLE_GLOBAL_FAILS, AUTH_FAILS_WINDOW_MS / 1000,
                AUTH_LOCKOUT_MS / 1000);
}

/* ---- tokens ---- */

static struct session *find_token(const struct http_str *v)
{
    uint8_t t[TOKEN_LEN];
    if (!unhex(v->p, v->n, t, TOKEN_LEN))
        return NULL;
    uint64_t now = conn_now_ms();
    struct session *hit = NULL;
    for (unsigned i = 0; i < AUTH_SESSIONS_MAX; i++) {
        struct session *s = &sessions[i];
        if (s->used && now - s->last_ms >= AUTH_IDLE_MS)
            s->used = false;               /* expired */
        /* Every slot is compared, so the time says nothing about which matched. */
        if (ct_equal(s->token, t, TOKEN_LEN) & s->used)
            hit = s;
    }
    return hit;
}

static struct session *new_session(void)
{
    struct session *slot = &sessions[0];
    for (unsigned i = 0; i < AUTH_SESSIONS_MAX; i++) {
        if (!sessions[i].used) {
            slot = &sessions[i];
            break;
        }
        if (sessions[i].last_ms < slot->last_ms)
            slot = &sessions[i];           /* all taken: the least recently used goes */
    }
    auth_random(slot->token, TOKEN_LEN);
    slot->used = true;
    slot->id = ++logins;
    slot->last_ms = conn_now_ms();
    return slot;
}

/* The token of "Authorization: Bearer <token>", or false. */
static bool bearer(const struct http_request *req, struct http_str *tok)
{
    const struct http_str *h = http_header_get(req, "Authorization");
    if (!h || h->n < 7 || !http_str_ieq((struct http_str){ h->p, 7 }, "bearer "))
        return false;
    tok->p = h->p + 7;
    tok->n = h->n - 7;
    while (tok->n && *tok->p == ' ') {
        tok->p++;
        tok->n--;
    }
    return true;
}

static void unauthorized(struct http_ctx *cx, const char *msg, const char *challenge)
{
    http_resp_error(cx->resp, 401, msg, NULL, 0);
    cx->resp->headers = challenge;
}

bool auth_before(struct http_ctx *cx, const struct route *rt)
{
    if (strcmp(rt->pattern, "/") == 0)
        return true;                       /* GET /: no secrets, a liveness check */
    if (!pw.set) {
        http_resp_error(cx->resp, 503, NOT_CONFIGURED, NULL, 0);
        return false;
    }
    if (rt->fn == api_session_create)
        return true;                       /* the handler checks the password */
    struct http_str tok;
    if (!bearer(cx->req, &tok)) {
        unauthorized(cx, "authentication required: log in with POST /api/v1/session "
                         "and send Authorization: Bearer <token>", CHALLENGE);
        return false;
    }
    struct session *s = find_token(&tok);
    if (!s) {
        unauthorized(cx, "invalid or expired token: log in again", CHALLENGE_BAD);
        return false;
    }
    s->last_ms = conn_now_ms();
    cx->session = (int)s->id;
    return true;
}

/* ---- the login body: {"password":"..."} ---- */

struct scan {
    const char *p, *end;
};

static void skip_ws(struct scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\r' || *s->p == '\n'))
        s->p++;
}

/* A JSON string into out (NUL-terminated); ASCII escapes only. False when
 * malformed or longer than cap - 1. */
static bool json_string(struct scan *s, char *out, size_t cap)
{
    size_t n = 0;
    if (s->p >= s->end || *s->p != '"')
        return false;
    for (s->p++; s->p < s->end; s->p++) {
        char c = *s->p;
        if (c == '"') {
            s->p++;
            out[n] = 0;
            return true;
        }
        if ((unsigned char)c < 0x20 || n + 1 >= cap)
            return false;
        if (c == '\\') {
            if (++s->p >= s->end)
                return false;
            switch (*s->p) {
            case '"': case '\\': case '/': c = *s->p; break;
            case 'b': c = '\b'; break;
            case 'f': c = '\f'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'u': {
                if (s->end - s->p < 5)
                    return false;
                int v = 0;
                for (int i = 1; i <= 4; i++) {
                    int h = hex_digit(s->p[i]);
                    if (h < 0)
                        return false;
                    v = v << 4 | h;
                }
                if (v == 0 || v > 0x7f)
                    return false;          /* non-ASCII: send it as UTF-8 instead */
                c = (char)v;
                s->p += 4;
                break;
            }
            default:
                return false;
            }
        }
        out[n++] = c;
    }
    return false;
}

/* {"password":"..."} with no other members; false when it is not that. */
static bool parse_login(const char *body, size_t len, char *pass, size_t cap)
{
    struct scan s = { body, body + len };
    char key[16];
    skip_ws(&s);
    if (s.p >= s.end || *s.p++ != '{')
        return false;
    skip_ws(&s);
    if (!json_string(&s, key, sizeof(key)) || strcmp(key, "password") != 0)
        return false;
    skip_ws(&s);
    if (s.p >= s.end || *s.p++ != ':')
        return false;
    skip_ws(&s);
    if (!json_string(&s, pass, cap))
        return false;
    skip_ws(&s);
    if (s.p >= s.end || *s.p++ != '}')
        return false;
    skip_ws(&s);
    return s.p == s.end;
}

void api_session_create(struct http_ctx *cx)
{
    uint64_t now = conn_now_ms();
    const char *peer = cx->peer ? cx->peer : "";
    if (locked(peer, now)) {
        http_resp_error(cx->resp, 429, "too many wrong passwords: try again later", NULL, 0);
        cx->resp->headers = retry_after;
        return;
    }
    char pass[AUTH_PASSWORD_MAX + 1];
    if (!parse_login(cx->body, cx->req->content_length, pass, sizeof(pass))) {
        http_resp_error(cx->resp, 400, "expected a JSON body {\"password\":\"...\"} "
                        "(at most 128 bytes of password)", NULL, 0);
        return;
    }
    bool ok = password_ok(pass, strlen(pass));
    memset(pass, 0, sizeof(pass));
    if (!ok) {
        note_failure(peer, now);
        unauthorized(cx, "wrong password", CHALLENGE);
        return;
    }
    struct session *s = new_session();
    cx->session = (int)s->id;
    char hex[2 * TOKEN_LEN + 1];
    for (unsigned i = 0; i < TOKEN_LEN; i++) {
        hex[2 * i] = "0123456789abcdef"[s->token[i] >> 4];
        hex[2 * i + 1] = "0123456789abcdef"[s->token[i] & 15];
    }
    hex[2 * TOKEN_LEN] = 0;
    cx->resp->status = 201;
    json_obj_begin(&cx->resp->body);
    json_key(&cx->resp->body, "token");
    json_str(&cx->resp->body, hex);
    json_key(&cx->resp->body, "expires_idle_s");
    json_u64(&cx->resp->body, AUTH_IDLE_MS / 1000);
    json_obj_end(&cx->resp->body);
}

void api_session_delete(struct http_ctx *cx)
{
    struct http_str tok;
    struct session *s = bearer(cx->req, &tok) ? find_token(&tok) : NULL;
    if (!s) {                              /* auth_before let it through: cannot happen */
        unauthorized(cx, "invalid or expired token: log in again", CHALLENGE_BAD);
        return;
    }
    s->used = false;
    memset(s->token, 0, sizeof(s->token));
    cx->resp->status = 204;
}
