/*
 * buf.c - growable strings and allocation that never returns NULL.
 *
 * The translator is a short-lived command: running out of memory ends it
 * with exit status 2 and nothing written, which is what every caller would
 * do anyway, so the helpers here check once and the stages stay readable.
 */
#include "asyncc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(void)
{
    fputs("asyncc: out of memory\n", stderr);
    exit(2);
}

void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom();
    return p;
}

void *xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (p == NULL)
        oom();
    return p;
}

/* malloc, not calloc: every byte is written here, and a large file makes
 * some hundred thousand copies. */
char *xstrndup(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p == NULL)
        oom();
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *xstrdup(const char *s)
{
    return xstrndup(s, strlen(s));
}

static void grow(Buf *b, size_t n)
{
    size_t cap = b->cap ? b->cap * 2 : 256;
    while (cap < b->len + n + 1)
        cap *= 2;
    b->s = xrealloc(b->s, cap);
    b->cap = cap;
}

/* Inlined into the formatting below, which calls it for every piece. */
static inline void add(Buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap)
        grow(b, n);
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

void buf_add(Buf *b, const char *s, size_t n)
{
    add(b, s, n);
}

void buf_puts(Buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_add_unsigned(Buf *b, unsigned long long v, bool neg)
{
    char tmp[24];
    int i = (int)sizeof tmp;
    do
        tmp[--i] = (char)('0' + v % 10);
    while ((v /= 10) != 0);
    if (neg)
        tmp[--i] = '-';
    add(b, tmp + i, sizeof tmp - (size_t)i);
}

/* The conversions the stages use, %s %d %u %.*s %%, are done here: the
 * lowering formats a few hundred thousand short pieces for a large file, and
 * vsnprintf's set-up costs more than the work.  Anything else (widths,
 * %*s, %f, %lld) goes to vsnprintf. */
static bool buf_vprintf_fast(Buf *b, const char *fmt, va_list ap)
{
    size_t start = b->len;
    const char *lit = fmt, *p;
    while ((p = strchr(lit, '%')) != NULL) {
        add(b, lit, (size_t)(p - lit));
        p++;
        if (*p == 's') {
            const char *s = va_arg(ap, const char *);
            add(b, s, strlen(s));
        } else if (p[0] == '.' && p[1] == '*' && p[2] == 's') {
            int n = va_arg(ap, int);
            const char *s = va_arg(ap, const char *);
            add(b, s, n > 0 ? strnlen(s, (size_t)n) : 0);
            p += 2;
        } else if (*p == 'd') {
            int v = va_arg(ap, int);
            buf_add_unsigned(b, v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v, v < 0);
        } else if (*p == 'u') {
            buf_add_unsigned(b, va_arg(ap, unsigned), false);
        } else if (*p == '%') {
            add(b, "%", 1);
        } else {
            b->len = start;     /* not ours: vsnprintf does it all */
            if (b->s)
                b->s[start] = '\0';
            return false;
        }
        lit = p + 1;
    }
    add(b, lit, strlen(lit));
    return true;
}

void buf_vprintf(Buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    bool done = buf_vprintf_fast(b, fmt, ap2);
    va_end(ap2);
    if (done)
        return;
    if (b->cap - b->len < 64) {
        b->cap = b->cap ? b->cap * 2 : 256;
        b->s = xrealloc(b->s, b->cap);
    }
    /* Usually it fits at once; else grow to the size it said and redo. */
    va_copy(ap2, ap);
    int n = vsnprintf(b->s + b->len, b->cap - b->len, fmt, ap2);
    va_end(ap2);
    if (n < 0) {
        b->s[b->len] = '\0';
        return;
    }
    if ((size_t)n >= b->cap - b->len) {
        size_t cap = b->cap;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        b->s = xrealloc(b->s, cap);
        b->cap = cap;
        vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void buf_printf(Buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

char *xasprintf(const char *fmt, ...)
{
    Buf b = {0};
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&b, fmt, ap);
    va_end(ap);
    return buf_take(&b);
}

char *buf_take(Buf *b)
{
    char *s = b->s ? b->s : xstrdup("");
    b->s = NULL;
    b->len = b->cap = 0;
    return s;
}
