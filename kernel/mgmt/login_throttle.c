/* The per-client login throttle (login_throttle.h). Times are ms since
 * boot and never 0 in practice; 0 marks an unused ring entry. */
#include "mgmt/login_throttle.h"

static bool same(const char *a, const char *b)
{
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

void throttle_key(const char *peer, char key[THROTTLE_KEY_MAX])
{
    size_t n = 0, colon = (size_t)-1;
    for (; peer[n]; n++)
        if (peer[n] == ':')
            colon = n;
    if (colon == (size_t)-1 || (peer[0] == '[' && (colon == 0 || peer[colon - 1] != ']')))
        colon = n;                         /* no port */
    size_t from = peer[0] == '[' ? 1 : 0, to = colon;
    if (peer[0] == '[' && to > from && peer[to - 1] == ']')
        to--;
    size_t k = 0;
    for (size_t i = from; i < to && k + 1 < THROTTLE_KEY_MAX; i++)
        key[k++] = peer[i];
    key[k] = 0;
}

/* Whether c should be forgotten rather than v: a free slot first, then an
 * unlocked client before a locked one, then the one seen longest ago. */
static bool better_victim(const struct throttle_client *c, const struct throttle_client *v,
                          uint64_t now)
{
    if (!v)
        return true;
    if (!v->key[0])
        return false;
    if (!c->key[0])
        return true;
    bool cl = now < c->locked_until, vl = now < v->locked_until;
    if (cl != vl)
        return !cl;
    return c->last_ms < v->last_ms;
}

static struct throttle_client *find(struct login_throttle *t, const char *key, uint64_t now,
                                    bool create)
{
    struct throttle_client *victim = NULL;
    for (unsigned i = 0; i < THROTTLE_CLIENTS; i++) {
        struct throttle_client *c = &t->c[i];
        if (c->key[0] && same(c->key, key))
            return c;
        if (create && better_victim(c, victim, now))
            victim = c;
    }
    if (!create)
        return NULL;
    *victim = (struct throttle_client){ 0 };
    size_t k = 0;
    for (; key[k] && k + 1 < THROTTLE_KEY_MAX; k++)
        victim->key[k] = key[k];
    victim->key[k] = 0;
    return victim;
}

uint64_t throttle_wait(struct login_throttle *t, const char *peer, uint64_t now)
{
    char key[THROTTLE_KEY_MAX];
    throttle_key(peer, key);
    uint64_t until = t->locked_until;
    struct throttle_client *c = find(t, key, now, false);
    if (c && c->locked_until > until)
        until = c->locked_until;
    return now < until ? until - now : 0;
}

/* Records now in a ring of n; true when the n latest all fall within the window. */
static bool ring_full(uint64_t *ring, unsigned n, unsigned *next, uint64_t now)
{
    ring[*next] = now;
    *next = (*next + 1) % n;
    uint64_t oldest = ring[*next];         /* the oldest of the last n */
    if (oldest && now - oldest < AUTH_FAILS_WINDOW_MS) {
        for (unsigned i = 0; i < n; i++)
            ring[i] = 0;                   /* a fresh window after the lockout */
        return true;
    }
    return false;
}

int throttle_fail(struct login_throttle *t, const char *peer, uint64_t now)
{
    char key[THROTTLE_KEY_MAX];
    throttle_key(peer, key);
    struct throttle_client *c = find(t, key, now, true);
    c->last_ms = now;
    int r = 0;
    if (ring_full(c->fails, AUTH_FAILS_MAX, &c->next, now)) {
        c->locked_until = now + AUTH_LOCKOUT_MS;
        r = 1;
    }
    if (ring_full(t->fails, THROTTLE_GLOBAL_FAILS, &t->next, now)) {
        t->locked_until = now + AUTH_LOCKOUT_MS;
        r = 2;
    }
    return r;
}
