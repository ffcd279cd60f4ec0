/* A VM's serial console over HTTP: GET .../console?offset=N returns what
 * the guest printed from byte N on (at most CONSOLE_CHUNK bytes) and the
 * offset to ask for next, so a client follows the output; with &wait=S
 * the answer waits up to S seconds for output (long-poll);
 * POST .../console types into the guest's COM1. */
#include "mgmt/api.h"
#include "mgmt/json_parse.h"
#include "lib/errno.h"
#include "lib/kprintf.h"
#include "vmm/vmm.h"

#define CONSOLE_CHUNK   4096               /* bytes per answer: 6x that escaped still fits 32 KiB */
#define CONSOLE_IN_MAX  1024               /* bytes typed per request */
#define CONSOLE_WAIT_MAX_S 60              /* longest long-poll */

static char chunk[CONSOLE_CHUNK];
static char text[CONSOLE_CHUNK * 3];       /* chunk as UTF-8: a bad byte becomes U+FFFD */

/* Guests print bytes, JSON carries UTF-8: valid sequences pass, every
 * other byte becomes U+FFFD. Returns the length written to out. */
static size_t to_utf8(const char *in, size_t n, char *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)in[i];
        size_t len = c < 0x80 ? 1 : (c >= 0xC2 && c <= 0xDF) ? 2 : (c >= 0xE0 && c <= 0xEF) ? 3
                   : (c >= 0xF0 && c <= 0xF4) ? 4 : 0;
        bool ok = len && i + len <= n;
        unsigned v = len == 2 ? c & 0x1F : len == 3 ? c & 0x0F : c & 0x07;
        for (size_t k = 1; ok && k < len; k++) {
            ok = ((unsigned char)in[i + k] & 0xC0) == 0x80;
            v = v << 6 | ((unsigned char)in[i + k] & 0x3F);
        }
        if (ok && len > 1) {
            unsigned min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
            ok = v >= min && v <= 0x10FFFF && !(v >= 0xD800 && v <= 0xDFFF);
        }
        if (!ok) {
            out[o++] = (char)0xEF;
            out[o++] = (char)0xBF;
            out[o++] = (char)0xBD;
            i++;
            continue;
        }
        for (size_t k = 0; k < len; k++)
            out[o++] = in[i + k];
        i += len;
    }
    return o;
}

void api_console_get(struct http_ctx *cx)
{
    char name[API_NAME_MAX];
    if (!api_vm_name(cx, name))
        return;
    uint64_t from = 0, max = CONSOLE_CHUNK, wait = 0;
    if (route_query_u64(cx, "offset", &from) < 0 || route_query_u64(cx, "max", &max) < 0 ||
        route_query_u64(cx, "wait", &wait) < 0) {
        http_resp_error(cx->resp, 400, "offset, max and wait must be decimal numbers", NULL, 0);
        return;
    }
    if (wait > CONSOLE_WAIT_MAX_S) {
        http_resp_error(cx->resp, 422, "wait: at most 60 seconds", NULL, 0);
        return;
    }
    if (max == 0 || max > CONSOLE_CHUNK)
        max = CONSOLE_CHUNK;
    uint64_t next = 0, first = 0;
    long n = vm_console_since(name, from, chunk, (size_t)max, &next, &first);
    if (n < 0) {
        api_vmm_error(cx, name, (int)n, "read the console of", NULL);
        return;
    }
    /* Long-poll: nothing new yet, the client waits up to `wait` seconds and
     * the server asks again on its ticks (router.h). */
    struct vm_status st;
    if (n == 0 && wait && cx->now_ms < cx->since_ms + wait * 1000 && vm_status(name, &st) == 0 &&
        st.state[0] != 's') {              /* not "stopped"/"stopping": more may come */
        cx->defer_until_ms = cx->since_ms + wait * 1000;
        return;
    }
    /* The VMM copies nothing for an offset still in the future: the client
     * asked past the end (a stale offset from before a reboot of hv). */
    size_t len = to_utf8(chunk, (size_t)n, text);
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "offset");
    json_u64(j, from < first ? first : from);
    json_key(j, "next");
    json_u64(j, next);
    json_key(j, "first");
    json_u64(j, first);
    json_key(j, "lost");
    json_u64(j, from < first ? first - from : 0);
    json_key(j, "data");
    json_strn(j, text, len);
    json_key(j, "state");                  /* lets a follower stop when the VM has */
    json_str(j, vm_status(name, &st) == 0 ? st.state : NULL);
    json_obj_end(j);
}

void api_console_post(struct http_ctx *cx)
{
    char name[API_NAME_MAX];
    if (!api_vm_name(cx, name))
        return;
    if (cx->req->content_length > CONSOLE_IN_MAX * 6 + 64) {
        http_resp_error(cx->resp, 413, "console input larger than 1024 bytes", NULL, 0);
        return;
    }
    struct json_tok toks[8];
    struct json_doc d;
    if (json_parse(&d, cx->body, cx->req->content_length, toks, 8) < 0) {
        char msg[128];
        ksnprintf(msg, sizeof(msg), "malformed JSON at byte %lu: %s (expected {\"data\":\"...\"})",
                  (unsigned long)d.err_pos, d.err);
        http_resp_error(cx->resp, 400, msg, NULL, 0);
        return;
    }
    if (toks[0].type != JSON_OBJECT) {
        http_resp_error(cx->resp, 400, "expected a JSON object {\"data\":\"...\"}", NULL, 0);
        return;
    }
    /* "data" goes to the guest's COM1, "keys" to its keyboard (i8042). */
    int v = json_obj_get(&d, 0, "data");
    bool keys = false;
    if (v < 0 && (v = json_obj_get(&d, 0, "keys")) >= 0)
        keys = true;
    if (toks[0].count != 1 || v < 0) {
        http_resp_error(cx->resp, 422, "expected exactly one field, \"data\" (typed on COM1) or "
                        "\"keys\" (typed on the keyboard)", NULL, 0);
        return;
    }
    static char in[CONSOLE_IN_MAX + 1];
    long n = json_tok_str(&d, (unsigned)v, in, sizeof(in));
    if (n == -3) {
        http_resp_error(cx->resp, 422, "data: a string expected", NULL, 0);
        return;
    }
    if (n == -1) {
        http_resp_error(cx->resp, 413, "data: more than 1024 bytes", NULL, 0);
        return;
    }
    if (n == -2) {
        http_resp_error(cx->resp, 422, "data: NUL characters cannot be typed", NULL, 0);
        return;
    }
    long took = keys ? vm_console_keys(name, in, (size_t)n) : vm_console_write(name, in, (size_t)n);
    if (took == -E_NOSPC) {
        api_busy(cx, "the VM's console input is full; try again");
        return;
    }
    if (took < 0) {
        api_vmm_error(cx, name, (int)took, "type into", NULL);
        return;
    }
    struct json_out *j = &cx->resp->body;
    json_obj_begin(j);
    json_key(j, "written");
    json_u64(j, (uint64_t)took);
    json_key(j, "length");
    json_u64(j, (uint64_t)n);
    json_obj_end(j);
}
