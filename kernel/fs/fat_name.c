/* Names: validity, 8.3 short names and their numeric tails, VFAT long-name
 * entries (UCS-2, checksum), UTF-8 conversion, case-insensitive compare. */
#include "fs/fat_priv.h"
#include "lib/string.h"

static char upper(char c) { return c >= 'a' && c <= 'z' ? (char)(c - 32) : c; }

static bool sfn_char_ok(char c)
{
    if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    for (const char *p = "!#$%&'()-@^_`{}~"; *p; p++)
        if (*p == c)
            return true;
    return false;
}

/* Decodes one UTF-8 sequence (BMP only: UCS-2 is all FAT stores). Returns
 * its length, or 0 when invalid. */
static size_t utf8_dec(const char *s, size_t len, uint16_t *u)
{
    const uint8_t *p = (const uint8_t *)s;
    if (p[0] < 0x80) {
        *u = p[0];
        return 1;
    }
    if ((p[0] & 0xE0) == 0xC0 && len >= 2 && (p[1] & 0xC0) == 0x80) {
        *u = (uint16_t)((p[0] & 0x1F) << 6 | (p[1] & 0x3F));
        return *u >= 0x80 ? 2 : 0;
    }
    if ((p[0] & 0xF0) == 0xE0 && len >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        *u = (uint16_t)((p[0] & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F));
        return *u >= 0x800 && (*u < 0xD800 || *u > 0xDFFF) ? 3 : 0;
    }
    return 0;
}

/* UTF-8 name -> UCS-2; returns the unit count or -1. */
static int to_ucs2(const char *name, size_t len, uint16_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < len;) {
        uint16_t u;
        size_t k = utf8_dec(name + i, len - i, &u);
        if (!k || n >= max)
            return -1;
        out[n++] = u;
        i += k;
    }
    return (int)n;
}

bool fatname_valid(const char *name, size_t len)
{
    if (len == 0 || len > FAT_NAME_MAX)
        return false;
    if ((len == 1 && name[0] == '.') || (len == 2 && name[0] == '.' && name[1] == '.'))
        return false;
    if (name[len - 1] == '.' || name[len - 1] == ' ')   /* Windows strips these */
        return false;
    for (size_t i = 0; i < len; i++) {
        uint8_t c = (uint8_t)name[i];
        if (c < 0x20 || c == 0x7F)
            return false;
        for (const char *p = "\"*/:<>?\\|"; *p; p++)
            if (c == (uint8_t)*p)
                return false;
    }
    uint16_t tmp[FAT_NAME_MAX];
    return to_ucs2(name, len, tmp, FAT_NAME_MAX) > 0;
}

/* True when name is already a plain upper-case 8.3 name: it is then stored
 * without long-name entries. */
bool fatname_to_83(const char *name, size_t len, uint8_t sfn[11])
{
    memset(sfn, ' ', 11);
    size_t i = 0, n = 0;
    for (; i < len && name[i] != '.'; i++, n++) {
        if (n >= 8 || !sfn_char_ok(name[i]))
            return false;
        sfn[n] = (uint8_t)name[i];
    }
    if (n == 0)
        return false;
    if (i == len)
        return true;
    i++;
    for (n = 0; i < len; i++, n++) {
        if (n >= 3 || !sfn_char_ok(name[i]))
            return false;
        sfn[8 + n] = (uint8_t)name[i];
    }
    return n > 0;
}

/* The "basis name" of the VFAT rules: upper case, invalid characters as
 * '_', spaces and dots dropped, extension from the last dot. */
void fatname_basis(const char *name, size_t len, uint8_t sfn[11])
{
    memset(sfn, ' ', 11);
    size_t dot = len;
    for (size_t i = len; i-- > 0;)
        if (name[i] == '.') {
            dot = i;
            break;
        }
    size_t n = 0;
    for (size_t i = 0; i < dot && n < 8; i++) {
        char c = upper(name[i]);
        if (c == ' ' || c == '.')
            continue;
        sfn[n++] = (uint8_t)(sfn_char_ok(c) ? c : '_');
    }
    if (n == 0)
        sfn[n++] = '_';
    n = 0;
    for (size_t i = dot + 1; i < len && n < 3; i++) {
        char c = upper(name[i]);
        if (c == ' ')
            continue;
        sfn[8 + n++] = (uint8_t)(sfn_char_ok(c) ? c : '_');
    }
}

void fatname_set_tail(uint8_t sfn[11], uint32_t n)
{
    char tail[12];
    size_t t = sizeof tail;
    do {
        tail[--t] = (char)('0' + n % 10);
        n /= 10;
    } while (n && t > 1);
    tail[--t] = '~';
    size_t tl = sizeof tail - t, base = 0;
    while (base < 8 && sfn[base] != ' ')
        base++;
    size_t at = base + tl > 8 ? 8 - tl : base;
    memcpy(sfn + at, tail + t, tl);
}

uint8_t fatlfn_checksum(const uint8_t sfn[11])
{
    uint8_t s = 0;
    for (int i = 0; i < 11; i++)
        s = (uint8_t)(((s & 1) << 7) + (s >> 1) + sfn[i]);
    return s;
}

static const uint8_t lfn_off[13] = { 1, 3, 5, 7, 9, 14, 16, 18, 20, 22, 24, 28, 30 };

int fatlfn_count(const char *name, size_t len)
{
    uint8_t sfn[11];
    uint16_t u[FAT_NAME_MAX];
    if (fatname_to_83(name, len, sfn))
        return 0;
    int units = to_ucs2(name, len, u, FAT_NAME_MAX);
    return units <= 0 ? -FAT_EINVAL : (units + 12) / 13;
}

/* Builds the long-name entries in disk order (highest ordinal first) into
 * out, 32 bytes each; *n gets their count. */
int fatlfn_entries(const char *name, size_t len, const uint8_t sfn[11], uint8_t *out, uint32_t *n)
{
    uint16_t u[FAT_NAME_MAX + 1];
    int units = to_ucs2(name, len, u, FAT_NAME_MAX);
    if (units <= 0)
        return -FAT_EINVAL;
    uint32_t cnt = ((uint32_t)units + 12) / 13;
    uint8_t sum = fatlfn_checksum(sfn);
    for (uint32_t k = 0; k < cnt; k++) {
        uint32_t ord = cnt - k;             /* entry k on disk holds part ord */
        uint8_t *e = out + k * DIRENT_SIZE;
        memset(e, 0, DIRENT_SIZE);
        e[0] = (uint8_t)(ord | (k == 0 ? 0x40 : 0));
        e[11] = FAT_ATTR_LFN;
        e[13] = sum;
        for (uint32_t j = 0; j < 13; j++) {
            uint32_t idx = (ord - 1) * 13 + j;
            uint16_t ch = idx < (uint32_t)units ? u[idx] : idx == (uint32_t)units ? 0 : 0xFFFF;
            wr16(e + lfn_off[j], ch);
        }
    }
    *n = cnt;
    return 0;
}

/* Copies the 13 characters of one long-name entry to ucs[(ord-1)*13..];
 * *nchars gets the name length when this entry holds the end. */
int fatlfn_take(const uint8_t *e, uint16_t *ucs, uint32_t *nchars)
{
    uint32_t ord = e[0] & 0x1F;
    if (ord == 0 || ord > 20)
        return -FAT_ECORRUPT;
    for (uint32_t j = 0; j < 13; j++) {
        uint16_t ch = rd16(e + lfn_off[j]);
        uint32_t idx = (ord - 1) * 13 + j;
        if (ch == 0 || ch == 0xFFFF) {
            if (e[0] & 0x40 && idx < *nchars)
                *nchars = idx;
            break;
        }
        ucs[idx] = ch;
    }
    return 0;
}

size_t fatucs2_to_utf8(const uint16_t *u, uint32_t n, char *out, size_t outsz)
{
    size_t o = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint16_t c = u[i];
        if (c >= 0xD800 && c <= 0xDFFF)
            c = '_';                        /* lone surrogates: not in UCS-2 */
        size_t need = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        if (o + need + 1 > outsz)
            break;
        if (need == 1) {
            out[o++] = (char)c;
        } else if (need == 2) {
            out[o++] = (char)(0xC0 | c >> 6);
            out[o++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[o++] = (char)(0xE0 | c >> 12);
            out[o++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[o++] = (char)(0x80 | (c & 0x3F));
        }
    }
    out[o] = 0;
    return o;
}

void fatsfn_to_str(const uint8_t *e, char out[13])
{
    size_t o = 0;
    bool lo_base = e[DE_NTCASE] & 0x08, lo_ext = e[DE_NTCASE] & 0x10;
    for (int i = 0; i < 8 && e[i] != ' '; i++) {
        char c = (char)(i == 0 && e[0] == 0x05 ? 0xE5 : e[i]);
        out[o++] = lo_base && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
    }
    if (e[8] != ' ') {
        out[o++] = '.';
        for (int i = 8; i < 11 && e[i] != ' '; i++) {
            char c = (char)e[i];
            out[o++] = lo_ext && c >= 'A' && c <= 'Z' ? (char)(c + 32) : c;
        }
    }
    out[o] = 0;
}

bool fatname_eq(const char *a, size_t alen, const char *b)
{
    size_t i = 0;
    for (; i < alen && b[i]; i++)
        if (upper(a[i]) != upper(b[i]))
            return false;
    return i == alen && !b[i];
}
