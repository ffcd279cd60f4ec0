/* The audit log (audit.h). */
#include <stdbool.h>
#include "mgmt/audit.h"
#include "mgmt/conn.h"
#include "mgmt/json_parse.h"
#include "mgmt/line_ring.h"
#include "fs/datastore.h"
#include "lib/kprintf.h"
#include "lib/string.h"

#include "lwip/timeouts.h"

#define RETRY_MS      1000
#define LOAD_TRIES    10                   /* reads of the old file before going on without it */

static char text[AUDIT_TEXT_MAX];
static struct line_ring ring = { text, sizeof(text), 0 };
static bool dirty, loaded, failing, retry_set;
static unsigned load_tries;
static uint64_t next_try_ms, lines, failures;
static char old[AUDIT_TEXT_MAX];           /* the file from before, while merging */

const char *audit_text(size_t *n)
{
    *n = ring.len;
    return text;
}

uint64_t audit_lines(void)
{
    return lines;
}

uint64_t audit_write_failures(void)
{
    return failures;
}

/* The old file's tail goes in front of what this boot recorded. */
static bool load(void)
{
    size_t n = 0;
    int rc = datastore_read_file(AUDIT_FILE, old, sizeof(old), &n);
    if (rc < 0) {
        n = 0;
        if (rc != -FAT_ENOENT) {
            if (rc != -FAT_EFBIG && ++load_tries < LOAD_TRIES)
                return false;              /* busy or failing: again later */
            static const char note[] = "(earlier entries of " AUDIT_FILE " could not be read)\n";
            memcpy(old, note, sizeof(note) - 1);
            n = sizeof(note) - 1;
        }
    }
    line_ring_prepend(&ring, old, n);
    loaded = true;
    return true;
}

/* lwIP's timer: the retry happens even when no request comes. */
static void retry(void *arg)
{
    (void)arg;
    retry_set = false;
    audit_flush(conn_now_ms());
}

static void schedule_retry(uint64_t now)
{
    next_try_ms = now + RETRY_MS;
    if (!retry_set) {
        retry_set = true;
        sys_timeout(RETRY_MS, retry, NULL);
    }
}

void audit_flush(uint64_t now)
{
    if (!dirty || now < next_try_ms || !datastore_available())
        return;
    if (!loaded && !load()) {
        schedule_retry(now);
        return;
    }
    int rc = datastore_replace_file(AUDIT_FILE, text, ring.len);
    if (rc < 0) {
        schedule_retry(now);
        failures++;
        if (!failing)
            kprintf("hv: mgmt: warning: cannot write %s: %s (kept in memory; retrying)\n",
                    AUDIT_FILE, datastore_strerror(rc));
        failing = true;
        return;
    }
    if (failing)
        kprintf("hv: mgmt: %s written again\n", AUDIT_FILE);
    failing = false;
    dirty = false;
    next_try_ms = 0;
}

/* The message of an error answer {"error":{"code":N,"message":"..."}}. */
static void error_message(const struct http_response *r, char *out, size_t cap)
{
    struct json_tok toks[8];
    struct json_doc d;
    out[0] = 0;
    if (json_parse(&d, r->body.buf, r->body.len, toks, 8) < 0)
        return;
    int e = json_obj_get(&d, 0, "error");
    int m = e < 0 ? -1 : json_obj_get(&d, (unsigned)e, "message");
    if (m < 0 || json_tok_str(&d, (unsigned)m, out, cap) < 0)
        out[0] = 0;
    for (char *p = out; *p; p++)
        if ((unsigned char)*p < 0x20)
            *p = ' ';                      /* one entry, one line */
}

void audit_request(struct http_ctx *cx)
{
    const char *m = cx->req->method;
    if (!strcmp(m, "GET") || !strcmp(m, "HEAD"))
        return;
    uint64_t now = conn_now_ms();
    char line[AUDIT_LINE_MAX], msg[128], who[16];
    if (cx->session > 0)
        ksnprintf(who, sizeof(who), "%d", cx->session);
    else
        strlcpy(who, "-", sizeof(who));
    int status = cx->resp->status;
    if (status >= 400)
        error_message(cx->resp, msg, sizeof(msg));
    else
        msg[0] = 0;
    size_t plen = cx->req->path.n > 96 ? 96 : cx->req->path.n;
    int n = ksnprintf(line, sizeof(line), "t=%lu.%03lu session=%s peer=%s %s %.*s -> %d%s%s\n",
                      (unsigned long)(now / 1000), (unsigned long)(now % 1000), who,
                      cx->peer && cx->peer[0] ? cx->peer : "-", m, (int)plen, cx->req->path.p,
                      status, msg[0] ? " " : "", msg);
    if (n <= 0)
        return;
    if ((size_t)n >= sizeof(line)) {
        n = sizeof(line) - 1;
        line[n - 1] = '\n';
    }
    if (line_ring_append(&ring, line, (size_t)n) == 0) {
        dirty = true;
        lines++;
    }
    audit_flush(now);
}
