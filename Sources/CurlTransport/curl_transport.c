#include "CurlTransport.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* libcurl's ABI, as curl/curl.h defines it (stable since 7.x): the few options relkit sets. */
typedef void CURL;
struct curl_slist;
enum {
    OPT_WRITEDATA = 10001, OPT_URL = 10002, OPT_ERRORBUFFER = 10010, OPT_WRITEFUNCTION = 20011,
    OPT_USERAGENT = 10018, OPT_HTTPHEADER = 10023, OPT_HEADERDATA = 10029, OPT_CUSTOMREQUEST = 10036,
    OPT_NOBODY = 44, OPT_HEADERFUNCTION = 20079, OPT_HTTPGET = 80, OPT_NOSIGNAL = 99,
    OPT_ACCEPT_ENCODING = 10102, OPT_POSTFIELDSIZE_LARGE = 30120, OPT_TIMEOUT_MS = 155,
    OPT_CONNECTTIMEOUT_MS = 156, OPT_COPYPOSTFIELDS = 10165,
    INFO_RESPONSE_CODE = 0x200002,
    GLOBAL_DEFAULT = 3,
    CURL_ERROR_SIZE = 256,
};

static struct {
    void *library;
    const char *name;
    int (*global_init)(long);
    CURL *(*easy_init)(void);
    int (*easy_setopt)(CURL *, int, ...);
    int (*easy_perform)(CURL *);
    int (*easy_getinfo)(CURL *, int, ...);
    void (*easy_reset)(CURL *);
    const char *(*easy_strerror)(int);
    struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
    void (*slist_free_all)(struct curl_slist *);
} curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static char load_error[256];

static void load(void) {
    static const char *const names[] = {
#if defined(__APPLE__)
        "/usr/lib/libcurl.4.dylib", "libcurl.4.dylib",
#else
        "libcurl.so.4", "libcurl-gnutls.so.4", "libcurl-nss.so.4",
#endif
    };
    size_t count = sizeof names / sizeof names[0];
    /* A libcurl the process already has (FoundationNetworking's, in a test process) first: two
     * libcurls in one process would bind each other's symbols and deadlock. */
    for (size_t i = 0; i < count && !curl.library; i++) {
        curl.library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
        if (curl.library) curl.name = names[i];
    }
    for (size_t i = 0; i < count && !curl.library; i++) {
        curl.library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (curl.library) curl.name = names[i];
    }
    if (!curl.library) {
        snprintf(load_error, sizeof load_error, "libcurl is not installed (install libcurl4, or curl)");
        return;
    }
#define SYMBOL(field, symbol) *(void **)(&curl.field) = dlsym(curl.library, symbol)
    SYMBOL(global_init, "curl_global_init");
    SYMBOL(easy_init, "curl_easy_init");
    SYMBOL(easy_setopt, "curl_easy_setopt");
    SYMBOL(easy_perform, "curl_easy_perform");
    SYMBOL(easy_getinfo, "curl_easy_getinfo");
    SYMBOL(easy_reset, "curl_easy_reset");
    SYMBOL(easy_strerror, "curl_easy_strerror");
    SYMBOL(slist_append, "curl_slist_append");
    SYMBOL(slist_free_all, "curl_slist_free_all");
#undef SYMBOL
    if (!curl.global_init || !curl.easy_init || !curl.easy_setopt || !curl.easy_perform || !curl.easy_getinfo
        || !curl.easy_reset || !curl.easy_strerror || !curl.slist_append || !curl.slist_free_all) {
        snprintf(load_error, sizeof load_error, "%s lacks functions relkit needs (too old a libcurl)", curl.name);
        curl.library = NULL;
        return;
    }
    curl.global_init(GLOBAL_DEFAULT);
}

const char *relkit_http_library(void) { return curl.library ? curl.name : NULL; }

typedef struct buffer { char *data; size_t length; size_t capacity; int failed; } buffer;

static size_t append(char *data, size_t size, size_t count, void *context) {
    buffer *target = context;
    size_t length = size * count;
    if (length == 0) return 0;
    /* No answer relkit asks for is near this; a server sending more is not treated as a forge. */
    if (target->length + length > (size_t)64 << 20) { target->failed = 2; return 0; }
    if (target->length + length + 1 > target->capacity) {
        size_t capacity = target->capacity ? target->capacity : 16384;
        while (capacity < target->length + length + 1) capacity *= 2;
        char *grown = realloc(target->data, capacity);
        if (!grown) { target->failed = 1; return 0; }
        target->data = grown;
        target->capacity = capacity;
    }
    memcpy(target->data + target->length, data, length);
    target->length += length;
    target->data[target->length] = 0;
    return length;
}

/* One easy handle per thread, kept for the process: its connection cache keeps
 * the TLS connection to the forge alive from one request to the next. */
static pthread_key_t handle_key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;
static void make_key(void) { pthread_key_create(&handle_key, NULL); }

int relkit_http_perform(const char *method, const char *url, const char *const *headers, size_t header_count,
                        const char *body, size_t body_length, long timeout_ms, relkit_http_response *response) {
    memset(response, 0, sizeof *response);
    pthread_once(&load_once, load);
    if (!curl.library) {
        snprintf(response->error, sizeof response->error, "%s", load_error);
        return -1;
    }
    pthread_once(&key_once, make_key);
    CURL *easy = pthread_getspecific(handle_key);
    if (!easy) {
        easy = curl.easy_init();
        if (!easy) {
            snprintf(response->error, sizeof response->error, "libcurl could not start a request");
            return -1;
        }
        pthread_setspecific(handle_key, easy);
    } else {
        curl.easy_reset(easy);
    }
    struct curl_slist *list = NULL;
    for (size_t i = 0; i < header_count; i++) list = curl.slist_append(list, headers[i]);
    buffer head = {0}, content = {0};
    char error[CURL_ERROR_SIZE] = {0};
    curl.easy_setopt(easy, OPT_URL, url);
    curl.easy_setopt(easy, OPT_NOSIGNAL, 1L);
    curl.easy_setopt(easy, OPT_TIMEOUT_MS, timeout_ms);
    curl.easy_setopt(easy, OPT_CONNECTTIMEOUT_MS, timeout_ms);
    curl.easy_setopt(easy, OPT_ACCEPT_ENCODING, "");
    curl.easy_setopt(easy, OPT_HTTPHEADER, list);
    curl.easy_setopt(easy, OPT_ERRORBUFFER, error);
    curl.easy_setopt(easy, OPT_WRITEFUNCTION, append);
    curl.easy_setopt(easy, OPT_WRITEDATA, &content);
    curl.easy_setopt(easy, OPT_HEADERFUNCTION, append);
    curl.easy_setopt(easy, OPT_HEADERDATA, &head);
    if (body) {
        curl.easy_setopt(easy, OPT_POSTFIELDSIZE_LARGE, (long long)body_length);
        curl.easy_setopt(easy, OPT_COPYPOSTFIELDS, body);
    }
    if (strcmp(method, "GET") == 0) curl.easy_setopt(easy, OPT_HTTPGET, 1L);
    else if (strcmp(method, "HEAD") == 0) curl.easy_setopt(easy, OPT_NOBODY, 1L);
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0 && !(body && strcmp(method, "POST") == 0))
        curl.easy_setopt(easy, OPT_CUSTOMREQUEST, method);
    int code = curl.easy_perform(easy);
    curl.slist_free_all(list);
    long status = 0;
    curl.easy_getinfo(easy, INFO_RESPONSE_CODE, &status);
    response->status = status;
    response->curl_code = code;
    if (code != 0) snprintf(response->error, sizeof response->error, "%s", error[0] ? error : curl.easy_strerror(code));
    if (head.failed || content.failed) {
        response->curl_code = code ? code : 27; /* CURLE_OUT_OF_MEMORY */
        snprintf(response->error, sizeof response->error, "%s", head.failed == 2 || content.failed == 2
                 ? "the answer is larger than 64 MiB" : "out of memory reading the response");
    }
    response->headers = head.data;
    response->headers_length = head.length;
    response->body = content.data;
    response->body_length = content.length;
    return 0;
}

void relkit_http_free(relkit_http_response *response) {
    free(response->headers);
    free(response->body);
    response->headers = NULL;
    response->body = NULL;
}
