/*
 * diag.c - diagnostics in clang's own format.
 *
 *     file:line:col: error: message
 *     <the source line>
 *         ^
 *
 * Locations are presumed ones, so a #line directive in the input moves them
 * as it moves clang's.  libclang's diagnostics are printed the same way, so
 * the user sees one format whichever side found the problem.  Only main()
 * turns the count of errors into an exit status.
 */
#include "asyncc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints the physical line around `off` of `text` and a caret under it. */
static void print_caret(const char *text, size_t len, size_t off)
{
    if (text == NULL || off > len)
        return;
    size_t b = off, e = off;
    while (b > 0 && text[b - 1] != '\n')
        b--;
    while (e < len && text[e] != '\n' && text[e] != '\r')
        e++;
    fprintf(stderr, "%.*s\n", (int)(e - b), text + b);
    for (size_t i = b; i < off; i++)
        fputc(text[i] == '\t' ? '\t' : ' ', stderr);
    fputs("^\n", stderr);
}

/* The presumed file and line of `off`, following #line directives.
 * clang_getLocationForOffset maps an offset inside a macro's argument to the
 * macro's invocation, so the line is taken at the start of a line that is
 * not inside one, and the column counted in bytes from there. */
static void presumed(Ctx *c, unsigned off, char **file, unsigned *line, unsigned *col)
{
    unsigned phys = line_of(c, off);
    *line = phys;
    *col = col_of(c, off);
    *file = xstrdup(c->input);
    if (c->tu == NULL)
        return;
    for (unsigned l = phys; l >= 1 && l + 8 > phys; l--) {
        unsigned ls = c->lines[l - 1];
        CXSourceLocation loc = clang_getLocationForOffset(c->tu, c->file, ls);
        unsigned foff;
        clang_getFileLocation(loc, NULL, NULL, NULL, &foff);
        if (foff != ls)
            continue;
        CXString fname;
        unsigned pl, pc;
        clang_getPresumedLocation(loc, &fname, &pl, &pc);
        const char *fn = clang_getCString(fname);
        if (fn && *fn) {
            free(*file);
            *file = xstrdup(fn);
        }
        clang_disposeString(fname);
        *line = pl + (phys - l);
        return;
    }
}

static void vdiag(Ctx *c, unsigned off, const char *kind, const char *fmt, va_list ap)
{
    char *fn;
    unsigned line, col;
    presumed(c, off, &fn, &line, &col);
    fflush(stdout);
    fprintf(stderr, "%s:%u:%u: %s: ", fn, line, col, kind);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    free(fn);
    print_caret(c->src, c->len, off);
}

void diag_error(Ctx *c, unsigned off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, off, "error", fmt, ap);
    va_end(ap);
    c->nerrors++;
}

void diag_warning(Ctx *c, unsigned off, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(c, off, "warning", fmt, ap);
    va_end(ap);
    c->nwarnings++;
}

int diag_clang(Ctx *c)
{
    int n = 0;
    unsigned nd = clang_getNumDiagnostics(c->tu);
    for (unsigned i = 0; i < nd; i++) {
        CXDiagnostic d = clang_getDiagnostic(c->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev < CXDiagnostic_Error) {
            clang_disposeDiagnostic(d);
            continue;
        }
        CXSourceLocation loc = clang_getDiagnosticLocation(d);
        CXString fname, msg = clang_getDiagnosticSpelling(d);
        unsigned line = 0, col = 0, off = 0;
        CXFile file;
        clang_getPresumedLocation(loc, &fname, &line, &col);
        clang_getFileLocation(loc, &file, NULL, NULL, &off);
        const char *fn = clang_getCString(fname);
        fflush(stdout);
        if (fn && *fn)
            fprintf(stderr, "%s:%u:%u: ", fn, line, col);
        else
            fprintf(stderr, "%s: ", c->input);
        fprintf(stderr, "%s: %s\n", sev == CXDiagnostic_Fatal ? "fatal error" : "error",
                clang_getCString(msg));
        if (file) {
            size_t size = 0;
            const char *text = clang_getFileContents(c->tu, file, &size);
            print_caret(text, size, off);
        }
        clang_disposeString(fname);
        clang_disposeString(msg);
        clang_disposeDiagnostic(d);
        n++;
    }
    c->nerrors += n;
    return n;
}
