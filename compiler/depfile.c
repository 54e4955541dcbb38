/*
 * depfile.c - a Make-style depfile for CMake's DEPFILE and Ninja.
 *
 *     OUTPUT: INPUT header1.h header2.h ...
 *
 *     header1.h:
 *
 *     header2.h:
 *
 * Every file that the translation unit included, as libclang saw it, once
 * each (a header without a guard may be included twice), and, as gcc's -MP
 * writes them, an empty rule per header: make then takes a header that was
 * deleted or renamed for one that changed instead of stopping with "No rule
 * to make target".  Spaces, `#` and `$` are escaped the way Make and Ninja
 * read them.  A file that was copied through without parsing names INPUT
 * alone.
 */
#include "asyncc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void put_escaped(Buf *b, const char *s)
{
    for (; *s; s++) {
        if (*s == ' ' || *s == '#' || *s == '\\')
            buf_add(b, "\\", 1);
        if (*s == '$')
            buf_add(b, "$", 1);
        buf_add(b, s, 1);
    }
}

typedef struct Deps {
    char **names;
    int n, cap;
    const char *input;
} Deps;

static void add_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    Deps *d = data;
    (void)stack;
    if (depth == 0)
        return; /* INPUT itself, already named */
    char *name = cx_str(clang_getFileName(f));
    bool seen = strcmp(name, d->input) == 0;
    for (int i = 0; i < d->n && !seen; i++)
        seen = strcmp(d->names[i], name) == 0;
    if (seen) {
        free(name);
        return;
    }
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 32;
        d->names = xrealloc(d->names, sizeof *d->names * (size_t)d->cap);
    }
    d->names[d->n++] = name;
}

int depfile_write(Ctx *c, const char *path, const char *target)
{
    Deps d = {NULL, 0, 0, c->input};
    if (c->tu)
        clang_getInclusions(c->tu, add_inclusion, &d);
    Buf b = {0};
    put_escaped(&b, target);
    buf_puts(&b, ": ");
    put_escaped(&b, c->input);
    for (int i = 0; i < d.n; i++) {
        buf_puts(&b, " \\\n  ");
        put_escaped(&b, d.names[i]);
    }
    buf_puts(&b, "\n");
    for (int i = 0; i < d.n; i++) {
        buf_puts(&b, "\n");
        put_escaped(&b, d.names[i]);
        buf_puts(&b, ":\n");
        free(d.names[i]);
    }
    free(d.names);
    FILE *f = fopen(path, "w");
    if (f == NULL) {
        free(b.s);
        return -errno;
    }
    fwrite(b.s, 1, b.len, f);
    int e = ferror(f) ? -EIO : 0;
    if (fclose(f) != 0 && e == 0)
        e = -errno;
    free(b.s);
    return e;
}
