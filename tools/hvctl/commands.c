/* The commands. All share one shape (call, check, print), kept in call_api
 * so that every command reports failures the same way. */
#include "commands.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdbool.h>

#include "http.h"
#include "output.h"
#include "token.h"

/* The message of hv's error format {"error":{"code":N,"message":"..."}},
 * or NULL when the body is not in it. */
static const char *error_message(const cJSON *doc)
{
    const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "error");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
    return cJSON_IsString(m) && m->valuestring && m->valuestring[0] ? m->valuestring : NULL;
}

/* Calls the API (with the token, except for the login); on success *out
 * holds the parsed answer (the caller frees it; NULL for 204 No Content).
 * With --json the answer is printed here, errors included, so that a
 * script always gets hv's own words on stdout. */
static int call(const struct hvctl_opts *o, const char *method, const char *path,
                const char *body, bool with_token, cJSON **out)
{
    struct http_reply r;
    int rc = http_call(o->host, method, path, with_token ? o->token : NULL, body, &r);

    *out = NULL;
    if (rc == HVCTL_ECONNECT) {
        fprintf(stderr, "hvctl: cannot reach hv at %s: %s\n", o->host, r.error);
        goto done;
    }
    if (rc != HVCTL_OK) {
        fprintf(stderr, "hvctl: %s %s: %s\n", method, path, r.error);
        goto done;
    }

    cJSON *doc = cJSON_ParseWithLength(r.body, r.len);
    if (r.status < 200 || r.status > 299) {
        const char *msg = doc ? error_message(doc) : NULL;
        if (o->json && doc)
            out_json(doc);
        if (msg)
            fprintf(stderr, "hvctl: %s (HTTP %ld)\n", msg, r.status);
        if (msg && r.status == 401 && with_token)
            fprintf(stderr, "hvctl: log in first: hvctl login (or pass --token)\n");
        else if (!msg)
            fprintf(stderr, "hvctl: %s %s: unexpected answer from hv (HTTP %ld)\n",
                    method, path, r.status);
        cJSON_Delete(doc);
        rc = HVCTL_ESERVER;
        goto done;
    }
    if (!doc && r.status == 204)
        goto done;
    if (!doc) {
        fprintf(stderr, "hvctl: %s %s: hv's answer is not JSON (HTTP %ld)\n",
                method, path, r.status);
        rc = HVCTL_ESERVER;
        goto done;
    }
    if (o->json)
        out_json(doc);
    *out = doc;
done:
    http_reply_free(&r);
    return rc;
}

int call_api(const struct hvctl_opts *o, const char *method, const char *path, cJSON **out)
{
    return call(o, method, path, NULL, true, out);
}

int call_api_body(const struct hvctl_opts *o, const char *method, const char *path,
                  const char *body, cJSON **out)
{
    return call(o, method, path, body, true, out);
}

int cmd_login(const struct hvctl_opts *o)
{
    char pass[256], path[1100];
    const char *why = NULL;

    if (token_read_password(pass, sizeof(pass), &why) != 0) {
        fprintf(stderr, "hvctl: login: %s\n", why);
        return HVCTL_EUSAGE;
    }
    cJSON *req = cJSON_CreateObject();
    char *body = req && cJSON_AddStringToObject(req, "password", pass)
                     ? cJSON_PrintUnformatted(req) : NULL;
    memset(pass, 0, sizeof(pass));
    cJSON_Delete(req);
    if (!body) {
        fprintf(stderr, "hvctl: login: out of memory\n");
        return HVCTL_ESERVER;
    }
    struct hvctl_opts quiet = *o;
    quiet.json = false;                    /* the token is not for stdout */
    cJSON *doc;
    int rc = call(&quiet, "POST", "/api/v1/session", body, false, &doc);
    free(body);
    if (rc != HVCTL_OK)
        return rc;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(doc, "token");
    if (!cJSON_IsString(t) || !t->valuestring[0] || strlen(t->valuestring) > 512 ||
        strpbrk(t->valuestring, " \r\n")) {
        fprintf(stderr, "hvctl: login: hv's answer has no usable \"token\"\n");
        rc = HVCTL_ESERVER;
    } else if (token_save(t->valuestring, &why, path, sizeof(path)) != 0) {
        fprintf(stderr, "hvctl: login: cannot save the token in %s: %s\n",
                path[0] ? path : "~/.config/hvctl/token", why);
        rc = HVCTL_ESERVER;
    } else {
        printf("logged in to %s; token saved in %s\n", o->host, path);
    }
    cJSON_Delete(doc);
    return rc;
}

int cmd_host(const struct hvctl_opts *o)
{
    cJSON *doc;
    int rc = call_api(o, "GET", "/api/v1/host", &doc);
    if (rc == HVCTL_OK && !o->json)
        out_host(doc);
    cJSON_Delete(doc);
    return rc;
}

int cmd_vm_list(const struct hvctl_opts *o)
{
    cJSON *doc;
    int rc = call_api(o, "GET", "/api/v1/vms", &doc);
    if (rc == HVCTL_OK && !o->json) {
        const cJSON *vms = cJSON_GetObjectItemCaseSensitive(doc, "vms");
        if (cJSON_IsArray(vms)) {
            out_vm_list(vms);
        } else {
            fprintf(stderr, "hvctl: GET /api/v1/vms: the answer has no \"vms\" list\n");
            rc = HVCTL_ESERVER;
        }
    }
    cJSON_Delete(doc);
    return rc;
}

int vm_name_ok(const char *name)
{
    if (!name[0])
        return 0;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        /* hv matches paths without decoding, so nothing may need escaping. */
        if (*p <= ' ' || *p >= 0x7f || strchr("/?#%", *p))
            return 0;
    }
    return strlen(name) <= 200;
}

static int vm_call(const struct hvctl_opts *o, const char *method, const char *name,
                   const char *action, void (*show)(const cJSON *))
{
    char path[256];
    cJSON *doc;

    snprintf(path, sizeof(path), "/api/v1/vms/%s%s%s", name, action ? "/" : "", action ? action : "");
    int rc = call_api(o, method, path, &doc);
    if (rc == HVCTL_OK && !o->json)
        show(doc);
    cJSON_Delete(doc);
    return rc;
}

int cmd_vm_show(const struct hvctl_opts *o, const char *name)
{
    return vm_call(o, "GET", name, NULL, out_vm);
}

int cmd_vm_start(const struct hvctl_opts *o, const char *name)
{
    return vm_call(o, "POST", name, "start", out_vm_state);
}

int cmd_vm_stop(const struct hvctl_opts *o, const char *name)
{
    return vm_call(o, "POST", name, "stop", out_vm_state);
}

int cmd_vm_action(const struct hvctl_opts *o, const char *action, const char *name)
{
    return vm_call(o, "POST", name, action, out_vm_state);
}

int cmd_vm_delete(const struct hvctl_opts *o, const char *name)
{
    char path[256];
    cJSON *doc;
    snprintf(path, sizeof(path), "/api/v1/vms/%s", name);
    int rc = call_api(o, "DELETE", path, &doc);
    if (rc == HVCTL_OK && !o->json)
        printf("%s: deleted\n", name);
    cJSON_Delete(doc);
    return rc;
}

/* POST /vms or PATCH /vms/NAME with the definition built from the operands. */
int cmd_vm_define(const struct hvctl_opts *o, const char *name, const char *body, bool patch)
{
    char path[256];
    cJSON *doc;
    snprintf(path, sizeof(path), patch ? "/api/v1/vms/%s" : "/api/v1/vms", name);
    int rc = call_api_body(o, patch ? "PATCH" : "POST", path, body, &doc);
    if (rc == HVCTL_OK && !o->json)
        out_vm(doc);
    cJSON_Delete(doc);
    return rc;
}

/* The commands that print a list: GET path, then show(doc). */
int cmd_get(const struct hvctl_opts *o, const char *path, void (*show)(const cJSON *))
{
    cJSON *doc;
    int rc = call_api(o, "GET", path, &doc);
    if (rc == HVCTL_OK && !o->json)
        show(doc);
    cJSON_Delete(doc);
    return rc;
}
