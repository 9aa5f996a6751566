#ifndef RELKIT_CURL_TRANSPORT_H
#define RELKIT_CURL_TRANSPORT_H

#include <stddef.h>

/* One HTTP exchange through libcurl, which is loaded with dlopen on first use:
 * a program that never talks to a forge (the git hooks) never loads it, so its
 * start-up does not pay for libcurl's own dependencies (TLS, Kerberos, LDAP...). */
typedef struct relkit_http_response {
    long status;          /* the HTTP status; 0 when no response arrived */
    char *headers;        /* every header line received, CRLF-separated (redirects and 1xx included) */
    size_t headers_length;
    char *body;
    size_t body_length;
    int curl_code;        /* 0, or libcurl's CURLcode (28: timed out; 6: host unknown; 7: cannot connect) */
    char error[256];      /* libcurl's words for curl_code, or why libcurl could not be loaded */
} relkit_http_response;

/* Returns 0 when the exchange ran (check curl_code), -1 when libcurl cannot be loaded.
 * headers: "Name: value" lines. body may be NULL. Free the response with relkit_http_free. */
int relkit_http_perform(const char *method, const char *url, const char *const *headers, size_t header_count,
                        const char *body, size_t body_length, long timeout_ms, relkit_http_response *response);

void relkit_http_free(relkit_http_response *response);

/* The file name of the libcurl that was loaded, or NULL before the first exchange or when none was found. */
const char *relkit_http_library(void);

#endif
