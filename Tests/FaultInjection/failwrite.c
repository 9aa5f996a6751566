/*
 * An LD_PRELOAD library that fails the Nth file-system write of a process,
 * for the fault-injection run (Tests/FaultInjection/run.sh, `make faults`).
 *
 *   FAILWRITE_AT=N       fail the Nth write operation (1-based); 0 or unset: fail none
 *   FAILWRITE_ERRNO=...  ENOSPC (default) or EACCES
 *   FAILWRITE_COUNT=path append "<count>\n" there at exit: how many write
 *                        operations the process made (its injection points)
 *
 * Write operations: open/openat/creat that create or open for writing, write/
 * pwrite/writev on a descriptor this process opened for writing (never 0-2),
 * rename/renameat, mkdir, unlink, link, symlink, ftruncate, fsync.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static long fail_at = -1;
static long counter = 0;
static int fail_errno = ENOSPC;
static unsigned char writable[4096];

static void setup(void) {
    if (fail_at >= 0) return;
    const char *at = getenv("FAILWRITE_AT");
    fail_at = at ? atol(at) : 0;
    const char *e = getenv("FAILWRITE_ERRNO");
    if (e && strcmp(e, "EACCES") == 0) fail_errno = EACCES;
}

/* Counts one write operation; true when this one must fail. */
static int should_fail(void) {
    setup();
    counter++;
    if (fail_at > 0 && counter == fail_at) {
        errno = fail_errno;
        return 1;
    }
    return 0;
}

__attribute__((destructor)) static void report(void) {
    const char *path = getenv("FAILWRITE_COUNT");
    if (!path) return;
    int (*real_open)(const char *, int, ...) = dlsym(RTLD_NEXT, "open");
    int fd = real_open(path, O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd < 0) return;
    char line[32];
    int n = snprintf(line, sizeof line, "%ld\n", counter);
    ssize_t (*real_write)(int, const void *, size_t) = dlsym(RTLD_NEXT, "write");
    real_write(fd, line, (size_t)n);
    close(fd);
}

static int opens_for_writing(int flags) { return (flags & (O_WRONLY | O_RDWR | O_CREAT | O_TRUNC)) != 0; }
static void track(int fd, int flags) {
    if (fd >= 0 && fd < (int)sizeof writable) writable[fd] = opens_for_writing(flags) ? 1 : 0;
}
static int tracked(int fd) { return fd > 2 && fd < (int)sizeof writable && writable[fd]; }

#define REAL(name) static __typeof__(name) *real_##name; if (!real_##name) real_##name = (__typeof__(name) *)dlsym(RTLD_NEXT, #name)

int open(const char *path, int flags, ...) {
    REAL(open);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
    if (opens_for_writing(flags) && should_fail()) return -1;
    int fd = real_open(path, flags, mode);
    track(fd, flags);
    return fd;
}
int open64(const char *path, int flags, ...) __attribute__((alias("open")));

int openat(int dir, const char *path, int flags, ...) {
    REAL(openat);
    mode_t mode = 0;
    if (flags & (O_CREAT | O_TMPFILE)) { va_list ap; va_start(ap, flags); mode = va_arg(ap, mode_t); va_end(ap); }
    if (opens_for_writing(flags) && should_fail()) return -1;
    int fd = real_openat(dir, path, flags, mode);
    track(fd, flags);
    return fd;
}
int openat64(int dir, const char *path, int flags, ...) __attribute__((alias("openat")));

int creat(const char *path, mode_t mode) { return open(path, O_WRONLY | O_CREAT | O_TRUNC, mode); }

ssize_t write(int fd, const void *buffer, size_t count) {
    REAL(write);
    if (tracked(fd) && should_fail()) return -1;
    return real_write(fd, buffer, count);
}
ssize_t pwrite(int fd, const void *buffer, size_t count, off_t offset) {
    REAL(pwrite);
    if (tracked(fd) && should_fail()) return -1;
    return real_pwrite(fd, buffer, count, offset);
}
ssize_t writev(int fd, const struct iovec *vector, int count) {
    REAL(writev);
    if (tracked(fd) && should_fail()) return -1;
    return real_writev(fd, vector, count);
}
int rename(const char *from, const char *to) {
    REAL(rename);
    if (should_fail()) return -1;
    return real_rename(from, to);
}
int renameat(int fromdir, const char *from, int todir, const char *to) {
    REAL(renameat);
    if (should_fail()) return -1;
    return real_renameat(fromdir, from, todir, to);
}
int mkdir(const char *path, mode_t mode) {
    REAL(mkdir);
    if (should_fail()) return -1;
    return real_mkdir(path, mode);
}
int unlink(const char *path) {
    REAL(unlink);
    if (should_fail()) return -1;
    return real_unlink(path);
}
int link(const char *from, const char *to) {
    REAL(link);
    if (should_fail()) return -1;
    return real_link(from, to);
}
int symlink(const char *from, const char *to) {
    REAL(symlink);
    if (should_fail()) return -1;
    return real_symlink(from, to);
}
int ftruncate(int fd, off_t length) {
    REAL(ftruncate);
    if (tracked(fd) && should_fail()) return -1;
    return real_ftruncate(fd, length);
}
int fsync(int fd) {
    REAL(fsync);
    if (tracked(fd) && should_fail()) return -1;
    return real_fsync(fd);
}
int close(int fd) {
    REAL(close);
    if (fd >= 0 && fd < (int)sizeof writable) writable[fd] = 0;
    return real_close(fd);
}
