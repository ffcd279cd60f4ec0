/* SHA-256, HMAC and PBKDF2: see sha256.h. Written for clarity over speed,
 * except that PBKDF2 keys HMAC once (the padded-key states are kept), which
 * halves its cost: each round is two compressions. */
#include "lib/sha256.h"

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

static uint32_t ror(uint32_t x, unsigned n)
{
    return x >> n | x << (32 - n);
}

static void compress(uint32_t h[8], const uint8_t *p)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 |
               (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ror(w[i - 15], 7) ^ ror(w[i - 15], 18) ^ w[i - 15] >> 3;
        uint32_t s1 = ror(w[i - 2], 17) ^ ror(w[i - 2], 19) ^ w[i - 2] >> 10;
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t t1 = k + (ror(e, 6) ^ ror(e, 11) ^ ror(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
        uint32_t t2 = (ror(a, 2) ^ ror(a, 13) ^ ror(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
        k = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += k;
}

void sha256_init(struct sha256 *s)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    for (int i = 0; i < 8; i++)
        s->h[i] = iv[i];
    s->total = 0;
    s->used = 0;
}

void sha256_update(struct sha256 *s, const void *p, size_t n)
{
    const uint8_t *b = p;
    s->total += n;
    while (n) {
        if (s->used == 0 && n >= SHA256_BLOCK) {
            compress(s->h, b);
            b += SHA256_BLOCK;
            n -= SHA256_BLOCK;
            continue;
        }
        size_t k = SHA256_BLOCK - s->used;
        k = n < k ? n : k;
        for (size_t i = 0; i < k; i++)
            s->buf[s->used + i] = b[i];
        s->used += k;
        b += k;
        n -= k;
        if (s->used == SHA256_BLOCK) {
            compress(s->h, s->buf);
            s->used = 0;
        }
    }
}

void sha256_final(struct sha256 *s, uint8_t out[SHA256_LEN])
{
    uint64_t bits = s->total * 8;
    uint8_t pad[SHA256_BLOCK + 8] = { 0x80 };
    size_t padn = (s->used < 56 ? 56 : 120) - s->used;
    for (int i = 0; i < 8; i++)
        pad[padn + (size_t)i] = (uint8_t)(bits >> (56 - 8 * i));
    sha256_update(s, pad, padn + 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(s->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(s->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(s->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)s->h[i];
    }
}

void sha256(const void *p, size_t n, uint8_t out[SHA256_LEN])
{
    struct sha256 s;
    sha256_init(&s);
    sha256_update(&s, p, n);
    sha256_final(&s, out);
}

/* The two hash states after the padded key's block: every HMAC with this
 * key continues from them. */
struct hmac_key {
    struct sha256 inner, outer;
};

static void hmac_setkey(struct hmac_key *hk, const void *key, size_t key_len)
{
    uint8_t k[SHA256_BLOCK] = { 0 }, pad[SHA256_BLOCK];
    const uint8_t *kb = key;
    if (key_len > SHA256_BLOCK) {
        sha256(key, key_len, k);
    } else {
        for (size_t i = 0; i < key_len; i++)
            k[i] = kb[i];
    }
    for (int i = 0; i < SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x36;
    sha256_init(&hk->inner);
    sha256_update(&hk->inner, pad, SHA256_BLOCK);
    for (int i = 0; i < SHA256_BLOCK; i++)
        pad[i] = k[i] ^ 0x5c;
    sha256_init(&hk->outer);
    sha256_update(&hk->outer, pad, SHA256_BLOCK);
}

static void hmac_run(const struct hmac_key *hk, const void *m1, size_t n1, const void *m2,
                     size_t n2, uint8_t out[SHA256_LEN])
{
    struct sha256 s = hk->inner;
    uint8_t ih[SHA256_LEN];
    sha256_update(&s, m1, n1);
    sha256_update(&s, m2, n2);
    sha256_final(&s, ih);
    s = hk->outer;
    sha256_update(&s, ih, SHA256_LEN);
    sha256_final(&s, out);
}

void hmac_sha256(const void *key, size_t key_len, const void *msg, size_t msg_len,
                 uint8_t out[SHA256_LEN])
{
    struct hmac_key hk;
    hmac_setkey(&hk, key, key_len);
    hmac_run(&hk, msg, msg_len, "", 0, out);
}

void pbkdf2_hmac_sha256(const void *pw, size_t pw_len, const void *salt, size_t salt_len,
                        uint32_t iterations, uint8_t *out, size_t out_len)
{
    struct hmac_key hk;
    hmac_setkey(&hk, pw, pw_len);
    for (uint32_t block = 1; out_len; block++) {
        uint8_t be[4] = { (uint8_t)(block >> 24), (uint8_t)(block >> 16), (uint8_t)(block >> 8),
                          (uint8_t)block };
        uint8_t u[SHA256_LEN], t[SHA256_LEN];
        hmac_run(&hk, salt, salt_len, be, 4, u);
        for (int i = 0; i < SHA256_LEN; i++)
            t[i] = u[i];
        for (uint32_t r = 1; r < iterations; r++) {
            hmac_run(&hk, u, SHA256_LEN, "", 0, u);
            for (int i = 0; i < SHA256_LEN; i++)
                t[i] ^= u[i];
        }
        size_t k = out_len < SHA256_LEN ? out_len : SHA256_LEN;
        for (size_t i = 0; i < k; i++)
            out[i] = t[i];
        out += k;
        out_len -= k;
    }
}

int ct_equal(const void *a, const void *b, size_t n)
{
    const volatile uint8_t *x = a, *y = b;
    uint8_t d = 0;
    for (size_t i = 0; i < n; i++)
        d |= x[i] ^ y[i];
    return d == 0;
}
