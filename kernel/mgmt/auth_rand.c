/* Random bytes for session tokens. The CPU's generator (RDSEED, else
 * RDRAND) is the real source; everything goes through a SHA-256 pool
 * together with the TSC and a counter, so a generator that fails now and
 * then (both may, and say so with CF=0) only costs entropy, never repeats.
 *
 * Without either instruction only the TSC feeds the pool: its low bits
 * jitter with network timing, but someone who can estimate when hv booted
 * and when a token was made can search the space. docs/api.md says so, and
 * boot prints a warning. */
#include <stdbool.h>
#include <stdint.h>
#include "mgmt/auth.h"
#include "arch/x86_64/cpu.h"
#include "lib/kprintf.h"
#include "lib/sha256.h"

static bool have_rdseed, have_rdrand;
static uint8_t pool[SHA256_LEN];
static uint64_t counter;

static bool rdseed64(uint64_t *v)
{
    for (int i = 0; i < 64; i++) {
        uint8_t ok;
        __asm__ volatile("rdseed %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return true;
        cpu_pause();
    }
    return false;
}

static bool rdrand64(uint64_t *v)
{
    for (int i = 0; i < 16; i++) {
        uint8_t ok;
        __asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok) : : "cc");
        if (ok)
            return true;
    }
    return false;
}

static void stir(void)
{
    struct sha256 s;
    uint64_t w[6] = { rdtsc(), ++counter, 0, 0, 0, 0 };
    for (int i = 2; i < 6; i++) {
        uint64_t v = 0;
        if (!(have_rdseed && rdseed64(&v)) && have_rdrand)
            rdrand64(&v);
        w[i] = v ^ rdtsc();
    }
    sha256_init(&s);
    sha256_update(&s, pool, sizeof(pool));
    sha256_update(&s, w, sizeof(w));
    sha256_final(&s, pool);
}

void auth_random_init(void)
{
    uint32_t a, b, c, d;
    cpuid(0, 0, &a, &b, &c, &d);
    uint32_t max_leaf = a;
    cpuid(1, 0, &a, &b, &c, &d);
    have_rdrand = c >> 30 & 1;
    if (max_leaf >= 7) {
        cpuid(7, 0, &a, &b, &c, &d);
        have_rdseed = b >> 18 & 1;
    }
    if (have_rdseed || have_rdrand)
        kprintf("hv: mgmt: session tokens from %s\n", have_rdseed ? "RDSEED" : "RDRAND");
    else
        kprintf("hv: mgmt: warning: the CPU has no RDRAND/RDSEED: session tokens come from "
                "the TSC and are guessable by a patient attacker (docs/api.md)\n");
    stir();
}

void auth_random(void *out, size_t n)
{
    uint8_t *o = out;
    while (n) {
        stir();
        uint8_t block[SHA256_LEN];
        struct sha256 s;
        sha256_init(&s);
        sha256_update(&s, "out", 3);        /* what leaves is not the pool itself */
        sha256_update(&s, pool, sizeof(pool));
        sha256_final(&s, block);
        size_t k = n < sizeof(block) ? n : sizeof(block);
        for (size_t i = 0; i < k; i++)
            o[i] = block[i];
        o += k;
        n -= k;
    }
}
