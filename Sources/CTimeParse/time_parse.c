#define _GNU_SOURCE
#include <string.h>
#include <time.h>
#include "CTimeParse.h"

int relkit_parse_time(const char *buffer, const char *format, int utc, int64_t *seconds) {
    struct tm tm;
    const char *rest;
    time_t tt;

    memset(&tm, 0, sizeof(tm));
    if ((rest = strptime(buffer, format, &tm)) == NULL || *rest != '\0')
        return -1;
    tt = utc ? timegm(&tm) : mktime(&tm);
    if (tt < 0)
        return -1;
    *seconds = (int64_t)tt;
    return 0;
}
