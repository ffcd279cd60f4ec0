/* CRC-32 as zlib and binascii.crc32 compute it (IEEE 802.3, reflected,
 * polynomial 0xEDB88320).  Pure code, also built into host unit tests. */
#ifndef HV_BL_CRC32_H
#define HV_BL_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* Start with crc = 0; feed the result back in to continue over more data. */
uint32_t crc32_update(uint32_t crc, const void *data, size_t len);

#endif
