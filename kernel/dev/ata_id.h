/* Decoding of the 512-byte ATA IDENTIFY DEVICE block, shared by the IDE and
 * AHCI drivers. Pure code (host-tested). Owner: storage. */
#ifndef HV_DEV_ATA_ID_H
#define HV_DEV_ATA_ID_H

#include <stdint.h>
#include <stdbool.h>

/* Copy an IDENTIFY string (two characters per word, high byte first),
 * drop control bytes and trailing spaces. out is always terminated. */
void ata_id_string(const uint16_t *words, unsigned nwords, char *out, unsigned outlen);
bool ata_id_lba48(const uint16_t id[256]);
/* User-addressable sectors: the LBA48 count when supported, else LBA28. */
uint64_t ata_id_sectors(const uint16_t id[256]);
/* Logical sector size in bytes (words 106, 117-118), 512 by default. */
uint32_t ata_id_sector_size(const uint16_t id[256]);

#endif
