#ifndef RELKIT_CTIMEPARSE_H
#define RELKIT_CTIMEPARSE_H
#include <stdint.h>

/// strptime(buffer, format) that must consume all of buffer, then timegm
/// (utc) or mktime: as OpenSSH's parse_absolute_time does. Returns 0 and sets
/// *seconds, or -1. (A C function because Swift's Glibc module does not
/// declare strptime.)
int relkit_parse_time(const char *buffer, const char *format, int utc, int64_t *seconds);

#endif
