/* `hvctl vm console NAME`: follows a VM's serial output by polling
 * GET .../console?offset=N with the offset of the previous answer, and
 * sends every line typed on stdin with POST .../console. Stops when the VM
 * is stopped and everything it printed is out (or at Ctrl-C). With --json
 * every answer is printed as one line of JSON instead of the text. */
#include "commands.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "http.h"

#define POLL_MS 300

static void nap(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* An answer's error message, or a generic one. */
static void report(const struct http_reply *r, const char *what)
{
    cJSON *doc = cJSON_ParseWithLength(r->body, r->len);
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
    if (cJSON_IsString(m))
        fprintf(stderr, "hvctl: %s (HTTP %ld)\n", m->valuestring, r->status);
    else
        fprintf(stderr, "hvctl: %s: unexpected answer from hv (HTTP %ld)\n", what, r->status);
    cJSON_Delete(doc);
}

/* One typed line to the guest; 0 or an exit code. */
static int send_line(const struct hvctl_opts *o, const char *path, const char *line, size_t n)
{
    cJSON *req = cJSON_CreateObject();
    char *buf = malloc(n + 1);
    if (!req || !buf) {
        cJSON_Delete(req);
        free(buf);
        return HVCTL_ESERVER;
    }
    memcpy(buf, line, n);
    buf[n] = 0;
    cJSON_AddStringToObject(req, "data", buf);
    free(buf);
    char *body = cJSON_PrintUnformatted(req);
    cJSON_Delete(req);
    for (int tries = 0; body; tries++) {
        struct http_reply r;
        int rc = http_call(o->host, "POST", path, o->token, body, &r);
        if (rc != HVCTL_OK) {
            fprintf(stderr, "hvctl: cannot reach hv at %s: %s\n", o->host, r.error);
            http_reply_free(&r);
            free(body);
            return rc;
        }
        if (r.status == 503 && tries < 20) {          /* the guest's input queue is full */
            http_reply_free(&r);
            nap(POLL_MS);
            continue;
        }
        if (r.status != 200)
            report(&r, "POST console");
        long st = r.status;
        http_reply_free(&r);
        free(body);
        return st == 200 ? HVCTL_OK : HVCTL_ESERVER;
    }
    return HVCTL_ESERVER;
}

int cmd_vm_console(const struct hvctl_opts *o, const char *name)
{
    char path[300], url[400];
    uint64_t off = 0;
    int in_open = 1;
    char line[1025];
    size_t have = 0;

    snprintf(path, sizeof(path), "/api/v1/vms/%s/console", name);
    for (;;) {
        struct http_reply r;
        snprintf(url, sizeof(url), "%s?offset=%" PRIu64, path, off);
        int rc = http_call(o->host, "GET", url, o->token, NULL, &r);
        if (rc != HVCTL_OK) {
            fprintf(stderr, "hvctl: cannot reach hv at %s: %s\n", o->host, r.error);
            http_reply_free(&r);
            return rc;
        }
        if (r.status == 503) {
            http_reply_free(&r);
            nap(1000);
            continue;
        }
        if (r.status != 200) {
            report(&r, "GET console");
            if (r.status == 401)
                fprintf(stderr, "hvctl: log in first: hvctl login (or pass --token)\n");
            http_reply_free(&r);
            return HVCTL_ESERVER;
        }
        cJSON *doc = cJSON_ParseWithLength(r.body, r.len);
        const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data");
        const cJSON *next = cJSON_GetObjectItemCaseSensitive(doc, "next");
        const cJSON *lost = cJSON_GetObjectItemCaseSensitive(doc, "lost");
        const cJSON *state = cJSON_GetObjectItemCaseSensitive(doc, "state");
        if (!cJSON_IsString(data) || !cJSON_IsNumber(next)) {
            fprintf(stderr, "hvctl: GET console: the answer has no \"data\" and \"next\"\n");
            cJSON_Delete(doc);
            http_reply_free(&r);
            return HVCTL_ESERVER;
        }
        size_t dlen = strlen(data->valuestring);
        if (o->json) {
            char *t = cJSON_PrintUnformatted(doc);
            if (t)
                puts(t);
            free(t);
        } else {
            if (cJSON_IsNumber(lost) && lost->valuedouble > 0)
                fprintf(stderr, "hvctl: [%.0f bytes of output were overwritten before they "
                        "could be read]\n", lost->valuedouble);
            fwrite(data->valuestring, 1, dlen, stdout);
        }
        fflush(stdout);
        off = (uint64_t)next->valuedouble;
        int stopped = cJSON_IsString(state) && !strcmp(state->valuestring, "stopped");
        cJSON_Delete(doc);
        http_reply_free(&r);
        if (dlen)
            continue;                      /* more may be waiting */
        if (stopped && !in_open) {
            if (!o->json)
                fprintf(stderr, "hvctl: VM %s is stopped\n", name);
            return HVCTL_OK;
        }
        if (!in_open) {
            nap(POLL_MS);
            continue;
        }
        struct pollfd p = { .fd = 0, .events = POLLIN };
        if (poll(&p, 1, POLL_MS) <= 0)
            continue;
        ssize_t got = read(0, line + have, sizeof(line) - 1 - have);
        if (got <= 0) {
            in_open = 0;                   /* EOF: keep following until the VM stops */
            if (have && (rc = send_line(o, path, line, have)) != HVCTL_OK)
                return rc;
            have = 0;
            continue;
        }
        have += (size_t)got;
        /* Whole lines go out; a line longer than the buffer goes in pieces. */
        size_t start = 0;
        for (size_t i = 0; i < have; i++) {
            if (line[i] != '\n')
                continue;
            if ((rc = send_line(o, path, line + start, i + 1 - start)) != HVCTL_OK)
                return rc;
            start = i + 1;
        }
        if (start == 0 && have == sizeof(line) - 1) {
            if ((rc = send_line(o, path, line, have)) != HVCTL_OK)
                return rc;
            start = have;
        }
        memmove(line, line + start, have - start);
        have -= start;
    }
}
