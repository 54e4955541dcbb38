/*
 * depfile.c - a Make-style depfile for CMake's DEPFILE and Ninja.
 *
 *     OUTPUT: INPUT header1.h header2.h ...
 *
 * Every file that the translation unit included, as libclang saw it.
 * Spaces, `#` and `$` are escaped the way Make and Ninja read them.  A file
 * that was copied through without parsing names INPUT alone.
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

static void add_inclusion(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData data)
{
    Buf *b = data;
    (void)stack;
    if (depth == 0)
        return; /* INPUT itself, already named */
    char *name = cx_str(clang_getFileName(f));
    buf_puts(b, " \\\n  ");
    put_escaped(b, name);
    free(name);
}

int depfile_write(Ctx *c, const char *path, const char *target)
{
    Buf b = {0};
    put_escaped(&b, target);
    buf_puts(&b, ": ");
    put_escaped(&b, c->input);
    if (c->tu)
        clang_getInclusions(c->tu, add_inclusion, &b);
    buf_puts(&b, "\n");
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
