/* A hexadecimal digit's value: 0-15, or -1 for any other byte.  Inline so
 * host-tested parsers use it without linking the kernel's lib.  Owner: lib. */
#ifndef HV_LIB_HEX_H
#define HV_LIB_HEX_H

static inline int hex_digit(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

#endif
