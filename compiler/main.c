/*
 * main.c - the command line of asyncc.
 *
 *     asyncc INPUT.c -o OUTPUT.c [--depfile FILE] [-p BUILD_DIR] [--no-line]
 *            [-- CLANG_ARGS...]
 *
 * Reads INPUT, parses it with libclang, runs the stages (analyse, lower,
 * emit) and writes OUTPUT atomically: a temporary file in OUTPUT's
 * directory, renamed over OUTPUT only when everything succeeded, so that a
 * failed run leaves an existing OUTPUT untouched.  A file in which neither
 * `async` nor `await` occurs is copied through without parsing.
 *
 * Exit status: 0 success, 1 errors in the input, 2 usage, I/O or libclang
 * failure.  Only this file decides it.
 */
#include "asyncc.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static const char usage[] =
    "usage: asyncc INPUT.c -o OUTPUT.c [--depfile FILE] [-p BUILD_DIR] [--no-line]\n"
    "              [-- CLANG_ARGS...]\n";

static const char help[] =
    "Translates a C file with async functions and await into plain C11 that\n"
    "links against libasyncc.\n"
    "\n"
    "  -o OUTPUT.c        the generated file (written atomically)\n"
    "  --depfile FILE     write a Make-style depfile of every included file\n"
    "  -p BUILD_DIR       take INPUT's flags from BUILD_DIR/compile_commands.json\n"
    "  --no-line          leave out the #line directives\n"
    "  -- CLANG_ARGS...   flags for libclang: -I, -D, -std ...\n"
    "  --version, --help\n"
    "\n"
    "Compile the output with INPUT's directory as a quote-include directory\n"
    "(-iquote DIR).  Exit status: 0 success, 1 errors in the input, 2 usage,\n"
    "I/O or libclang failure.\n";

static char *tmp_path;  /* removed if we die before the rename */

/* The translator is a one-shot command: what it allocates (its trees, and
 * libclang's) is given back when it exits, not piece by piece.  So under
 * AddressSanitizer, leak reports are off for this program only; the
 * runtime, which must not leak, keeps them. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
    return "detect_leaks=0";
}

static void on_fatal_signal(int sig)
{
    static const char msg[] = "asyncc: internal error (fatal signal); nothing written\n";
    if (tmp_path)
        unlink(tmp_path);
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* nothing more to do */
    }
    (void)sig;
    _exit(2);
}

static int read_file(const char *path, char **out, unsigned *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -errno;
    Buf b = {0};
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        buf_add(&b, chunk, n);
    int err = ferror(f) ? -EIO : 0;
    fclose(f);
    if (err) {
        free(b.s);
        return err;
    }
    if (b.len > 0x7fffffffu) {
        free(b.s);
        return -EFBIG;
    }
    *len = (unsigned)b.len;
    *out = buf_take(&b);
    return 0;
}

/* Writes `len` bytes to `path` through a temporary file and a rename. */
static int write_all(int fd, const char *data, size_t len)
{
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        done += (size_t)w;
    }
    return 0;
}

/* Writes the pieces through a buffer of its own: most are short. */
static int write_pieces(int fd, const Piece *v, int n)
{
    static char buf[1 << 16];
    size_t used = 0;
    for (int i = 0; i < n; i++) {
        if (used + v[i].len > sizeof buf) {
            int rc = write_all(fd, buf, used);
            if (rc < 0)
                return rc;
            used = 0;
        }
        if (v[i].len > sizeof buf) {
            int rc = write_all(fd, v[i].s, v[i].len);
            if (rc < 0)
                return rc;
        } else {
            memcpy(buf + used, v[i].s, v[i].len);
            used += v[i].len;
        }
    }
    return write_all(fd, buf, used);
}

static int write_atomic(const char *path, const Piece *v, int n)
{
    const char *slash = strrchr(path, '/');
    char *tmp = slash ? xasprintf("%.*s/.%s.XXXXXX", (int)(slash - path), path, slash + 1)
                      : xasprintf(".%s.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        int e = -errno;
        free(tmp);
        return e;
    }
    tmp_path = tmp;
    mode_t mask = umask(0);
    umask(mask);
    fchmod(fd, 0666 & ~mask);
    int rc = write_pieces(fd, v, n);
    if (rc < 0) {
        close(fd);
        unlink(tmp);
        tmp_path = NULL;
        free(tmp);
        return rc;
    }
    if (close(fd) != 0 || rename(tmp, path) != 0) {
        int e = -errno;
        unlink(tmp);
        tmp_path = NULL;
        free(tmp);
        return e;
    }
    tmp_path = NULL;
    free(tmp);
    return 0;
}

static void build_lines(Ctx *c)
{
    unsigned n = 1;
    for (unsigned i = 0; i < c->len; i++)
        if (c->src[i] == '\n')
            n++;
    c->lines = xcalloc(n + 1, sizeof *c->lines);
    c->nlines = 0;
    c->lines[c->nlines++] = 0;
    for (unsigned i = 0; i < c->len; i++)
        if (c->src[i] == '\n')
            c->lines[c->nlines++] = i + 1;
}

/* Whether the text mentions async or await at all. */
static bool mentions_async(const char *s, size_t len)
{
    for (size_t i = 0; i + 5 <= len; i++) {
        if (s[i] != 'a')
            continue;
        if (memcmp(s + i, "async", 5) == 0 || memcmp(s + i, "await", 5) == 0)
            return true;
    }
    return false;
}

int main(int argc, char **argv)
{
    Ctx ctx = {0}, *c = &ctx;
    char **user_args = NULL;
    int nuser = 0;
    c->argv0 = argv[0];

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            user_args = argv + i + 1;
            nuser = argc - i - 1;
            break;
        } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
            fputs(usage, stdout);
            fputs(help, stdout);
            return 0;
        } else if (strcmp(a, "--version") == 0) {
            printf("asyncc %s (%s)\n", ASYNCC_VERSION,
                   clang_getCString(clang_getClangVersion()));
            return 0;
        } else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
            c->output = argv[++i];
        } else if (strcmp(a, "--depfile") == 0 && i + 1 < argc) {
            c->depfile = argv[++i];
        } else if (strcmp(a, "-p") == 0 && i + 1 < argc) {
            c->build_dir = argv[++i];
        } else if (strcmp(a, "--no-line") == 0) {
            c->no_line = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            fprintf(stderr, "asyncc: unknown option '%s'\n%s", a, usage);
            return 2;
        } else if (c->input == NULL) {
            c->input = a;
        } else {
            fprintf(stderr, "asyncc: more than one input ('%s' and '%s')\n%s",
                    c->input, a, usage);
            return 2;
        }
    }
    if (c->input == NULL || c->output == NULL) {
        fprintf(stderr, "asyncc: %s\n%s", c->input ? "no output (-o)" : "no input", usage);
        return 2;
    }

    int rc = read_file(c->input, &c->src, &c->len);
    if (rc < 0) {
        fprintf(stderr, "asyncc: cannot read %s: %s\n", c->input, strerror(-rc));
        return 2;
    }
    build_lines(c);

    /* A bug must not leave half a file: exit 2, temporary file removed.  The
     * handler runs on its own stack, so a stack overflow reaches it too. */
    static char altstack[65536];
    stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    sigaltstack(&ss, NULL);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaction(sigs[i], &sa, NULL);

    Piece whole = {c->src, c->len}, *out = &whole;
    int nout = 1;
    if (mentions_async(c->src, c->len)) {
        struct timespec t0, t1, t2;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        rc = parse_input(c, user_args, nuser);
        if (rc)
            return rc;
        clock_gettime(CLOCK_MONOTONIC, &t1);
        if (diag_clang(c) == 0)
            analyse(c);
        clock_gettime(CLOCK_MONOTONIC, &t2);
        if (getenv("ASYNCC_TIME"))
            fprintf(stderr, "asyncc: parse %.3f s, analyse and lower %.3f s\n",
                    (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
                    (double)(t2.tv_sec - t1.tv_sec) + (double)(t2.tv_nsec - t1.tv_nsec) / 1e9);
        if (c->nerrors) {
            fprintf(stderr, "%d error%s generated.\n", c->nerrors, c->nerrors == 1 ? "" : "s");
            return 1;
        }
        if (c->an->nedits)
            out = emit_output(c, &nout);
    }

    if (c->depfile) {
        /* Not parsed (no async in it): the depfile names the input alone. */
        rc = depfile_write(c, c->depfile, c->output);
        if (rc < 0) {
            fprintf(stderr, "asyncc: cannot write %s: %s\n", c->depfile, strerror(-rc));
            return 2;
        }
    }
    rc = write_atomic(c->output, out, nout);
    if (rc < 0) {
        fprintf(stderr, "asyncc: cannot write %s: %s\n", c->output, strerror(-rc));
        return 2;
    }
    return 0;
}
