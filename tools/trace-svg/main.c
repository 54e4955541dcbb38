/*
 * main.c - asyncc-trace-svg: draws a trace as an SVG timeline.
 *
 *     ASYNC_TRACE=run.json ./program
 *     asyncc-trace-svg run.json -o run.svg
 *
 * Exit status: 0 when the picture was written, 1 when the input is not a
 * trace we can draw (invalid JSON, not a trace, nothing to draw), 2 for
 * usage and I/O errors.  The output file is written whole or not at all:
 * to a temporary file first, renamed over OUT at the end.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_svg.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef TRACE_SVG_VERSION
#define TRACE_SVG_VERSION "0"
#endif

static const char usage[] =
    "usage: asyncc-trace-svg [-o OUT.svg] [--title TEXT] [--width PIXELS] TRACE.json\n"
    "\n"
    "Draws a Chrome trace-event JSON file (as written by a program run with\n"
    "ASYNC_TRACE=FILE) as an SVG timeline: one row per task, one solid bar per\n"
    "running span, a lighter bar per wait, and a time axis.\n"
    "\n"
    "  -o FILE          write the SVG to FILE (default: standard output)\n"
    "  --title TEXT     a title above the timeline\n"
    "  --width PIXELS   the picture's width (default 960)\n"
    "  -h, --help       this text\n"
    "  --version        the version\n"
    "\n"
    "TRACE.json may be '-' for standard input.  Exit status: 0 done, 1 the input\n"
    "is not a trace that can be drawn, 2 usage or I/O error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("asyncc-trace-svg: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n(asyncc-trace-svg --help shows the usage)\n", stderr);
    return 2;
}

/* Reads all of `f`; NULL with errno set on failure. */
static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    if (!buf)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                errno = ENOMEM;
                return NULL;
            }
            buf = nb;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f)) {
                free(buf);
                return NULL;
            }
            break;
        }
    }
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *outpath = NULL;
    struct svg_options opt = { .title = NULL, .width = 960 };

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(usage, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("asyncc-trace-svg %s\n", TRACE_SVG_VERSION);
            return 0;
        } else if (strcmp(a, "-o") == 0 || strcmp(a, "--title") == 0 ||
                   strcmp(a, "--width") == 0) {
            if (i + 1 == argc)
                return usage_error("option '%s' needs a value", a);
            const char *v = argv[++i];
            if (a[1] == 'o') {
                outpath = v;
            } else if (strcmp(a, "--title") == 0) {
                opt.title = v;
            } else {
                char *end;
                errno = 0;
                long w = strtol(v, &end, 10);
                if (errno || *end || end == v || w < 200 || w > 100000)
                    return usage_error("--width wants a number of pixels from 200 to 100000, not '%s'", v);
                opt.width = (int)w;
            }
        } else if (a[0] == '-' && a[1] != '\0') {
            return usage_error("unknown option '%s'", a);
        } else if (in) {
            return usage_error("one trace at a time ('%s' is one too many)", a);
        } else {
            in = a;
        }
    }
    if (!in)
        return usage_error("%s", "no trace file given");

    /* Read the input whole. */
    bool from_stdin = strcmp(in, "-") == 0;
    FILE *f = from_stdin ? stdin : fopen(in, "rb");
    if (!f) {
        fprintf(stderr, "asyncc-trace-svg: cannot open '%s': %s\n", in, strerror(errno));
        return 2;
    }
    size_t len = 0;
    char *text = read_all(f, &len);
    int read_errno = errno;
    if (!from_stdin)
        fclose(f);
    if (!text) {
        fprintf(stderr, "asyncc-trace-svg: cannot read '%s': %s\n", in, strerror(read_errno));
        return 2;
    }

    struct trace tr;
    char err[512];
    bool ok = trace_load(&tr, from_stdin ? "<stdin>" : in, text, len, err, sizeof err);
    free(text);
    if (!ok) {
        fprintf(stderr, "asyncc-trace-svg: %s\n", err);
        trace_free(&tr);
        return 1;
    }

    /* Write to a temporary file beside OUT, then rename it over OUT. */
    int status = 0;
    char *tmp = NULL;
    FILE *out = stdout;
    if (outpath && strcmp(outpath, "-") != 0) {
        size_t n = strlen(outpath) + 16;
        tmp = malloc(n);
        if (tmp) {
            snprintf(tmp, n, "%s.tmp%ld", outpath, (long)getpid());
            out = fopen(tmp, "w");
        }
        if (!tmp || !out) {
            fprintf(stderr, "asyncc-trace-svg: cannot write '%s': %s\n", outpath,
                    strerror(errno));
            free(tmp);
            trace_free(&tr);
            return 2;
        }
    }
    bool wrote = svg_write(out, &tr, &opt);
    if (out != stdout) {
        if (fclose(out) != 0)
            wrote = false;
        if (wrote && rename(tmp, outpath) != 0)
            wrote = false;
        if (!wrote)
            remove(tmp);
    } else if (fflush(stdout) != 0) {
        wrote = false;
    }
    if (!wrote) {
        fprintf(stderr, "asyncc-trace-svg: cannot write '%s': %s\n",
                outpath ? outpath : "<stdout>", strerror(errno));
        status = 2;
    }
    free(tmp);
    trace_free(&tr);
    return status;
}
