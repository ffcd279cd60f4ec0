/* ATA IDENTIFY decoding (ACS-3 word numbers). */
#include "dev/ata_id.h"

void ata_id_string(const uint16_t *words, unsigned nwords, char *out, unsigned outlen)
{
    unsigned n = 0;
    for (unsigned i = 0; i < nwords && n + 1 < outlen; i++) {
        char pair[2] = { (char)(words[i] >> 8), (char)words[i] };
        for (int k = 0; k < 2 && n + 1 < outlen; k++)
            out[n++] = pair[k] >= 0x20 && pair[k] < 0x7F ? pair[k] : ' ';
    }
    while (n > 0 && out[n - 1] == ' ')
        n--;
    out[n] = 0;
    /* Leading spaces too: some devices right-align the model. */
    unsigned lead = 0;
    while (out[lead] == ' ')
        lead++;
    if (lead)
        for (unsigned i = 0; i <= n - lead; i++)
            out[i] = out[i + lead];
}

bool ata_id_lba48(const uint16_t id[256])
{
    /* Word 83 is valid when bits 15:14 read 01; bit 10 is the 48-bit feature. */
    return (id[83] & 0xC000) == 0x4000 && (id[83] & (1u << 10));
}

uint64_t ata_id_sectors(const uint16_t id[256])
{
    if (ata_id_lba48(id)) {
        uint64_t n = (uint64_t)id[100] | (uint64_t)id[101] << 16 |
                     (uint64_t)id[102] << 32 | (uint64_t)id[103] << 48;
        if (n)
            return n;
    }
    return (uint32_t)id[60] | (uint32_t)id[61] << 16;
}

uint32_t ata_id_sector_size(const uint16_t id[256])
{
    /* Word 106 valid (bits 15:14 = 01) with bit 12: the logical sector is
     * longer than 256 words and words 117-118 give its size in words. */
    if ((id[106] & 0xC000) == 0x4000 && (id[106] & (1u << 12))) {
        uint32_t words = (uint32_t)id[117] | (uint32_t)id[118] << 16;
        if (words >= 256 && words <= 2048 && (words & (words - 1)) == 0)
            return words * 2;
    }
    return 512;
}
