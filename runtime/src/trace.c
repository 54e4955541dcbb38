/*
 * trace.c - ASYNC_TRACE=FILE: a Chrome trace-event JSON of a run.
 *
 * The loop tells us four things about each task: it was created, the loop
 * resumed it, the resume returned (and what the task now waits on), and it
 * ended.  From those we write, per task, a track (a "thread" in the trace's
 * terms, tid = a small sequential id) holding two kinds of complete events
 * ("ph":"X"): running spans (cat "run", from a resume to its return) and
 * waits (cat "wait", from a return to the next resume, named after what the
 * task waited on; the first wait, from creation to the first resume, is
 * "scheduled").  A span is written when it ends, so every event is complete
 * and the file needs no pairing of begin and end records.  docs/trace.md
 * describes the format; Perfetto, chrome://tracing and asyncc-trace-svg read
 * it.
 *
 * Tracing must never break the program it watches.  A file that cannot be
 * opened, a write that fails, or memory that runs out prints one warning on
 * stderr and stops tracing; the program goes on.  Without ASYNC_TRACE the
 * loop checks async__trace_on and calls nothing here.
 *
 * Several runs in one process (async_run called again, with the same
 * ASYNC_TRACE) go to the same file, one "process" (pid) per run, on one
 * clock: the second run reopens the file and writes over the closing
 * brackets of the first, so the file is valid JSON after every run.  Only
 * one loop at a time is traced: a loop in another thread, opened while one
 * is traced, is not.  A program that exits from inside a coroutine gets its
 * file finished by an atexit handler.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace.h"

#include <async.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

bool async__trace_on;

enum { SCHEDULED, RUNNING, WAITING, FINISHED };

/* One task being traced.  `name` and `wait` point at the strings the loop
 * passed (a function's name from its static fninfo, a string literal): they
 * live as long as the program, so nothing is copied. */
struct track {
    const void *task;       /* the key; NULL marks an empty slot */
    const char *name;
    const char *wait;       /* what it waits on, while SCHEDULED or WAITING */
    const char *wait_file;  /* and where, while WAITING (NULL: not known) */
    unsigned wait_line;
    double since;           /* microseconds: when the current span began */
    unsigned id;            /* tid in the trace */
    int state;
};

static struct {
    FILE *f;
    char *path;             /* the file being (or last) written */
    long reopen_at;         /* offset of the last run's closing brackets, or -1 */
    struct timespec origin; /* time 0 of the file */
    unsigned run;           /* pid of the current run */
    unsigned next_id;
    struct track *tab;      /* open addressing, linear probing */
    size_t cap, len;
    bool first;             /* no event written to the file yet */
} tr = { .reopen_at = -1 };

/* The thread whose loop is traced; other threads' hooks return at once. */
static _Thread_local bool owner;
/* Set once tracing failed: the warning is printed once, not at every run. */
static bool failed;
static atomic_flag busy = ATOMIC_FLAG_INIT;

static const char trailer[] = "\n]}\n";

static void warn(const char *what, const char *detail)
{
    fprintf(stderr, "asyncc: ASYNC_TRACE: %s '%s'%s%s; tracing is off\n", what,
            tr.path ? tr.path : "", detail ? ": " : "", detail ? detail : "");
}

static double now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)(ts.tv_sec - tr.origin.tv_sec) * 1e6 +
           (double)(ts.tv_nsec - tr.origin.tv_nsec) / 1e3;
}

/* Writes s inside a JSON string: quotes, backslashes and control
 * characters escaped, and every byte that is not part of valid UTF-8
 * replaced by U+FFFD, so that the file is JSON whatever a name holds. */
static void put_string_body(const char *s)
{
    FILE *f = tr.f;
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        unsigned c = *p;
        if (c == '"' || c == '\\') {
            putc('\\', f);
            putc((int)c, f);
            p++;
        } else if (c < 0x20) {
            fprintf(f, "\\u%04x", c);
            p++;
        } else if (c < 0x80) {
            putc((int)c, f);
            p++;
        } else {
            /* The length of a valid sequence starting here, or 0. */
            size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
                     : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
            for (size_t i = 1; i < n; i++)
                if ((p[i] & 0xc0) != 0x80)
                    n = 0;
            /* No overlong forms, surrogates, or code points past U+10FFFF. */
            if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
                n = 0;
            if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
                n = 0;
            if (n) {
                fwrite(p, 1, n, f);
                p += n;
            } else {
                fputs("\\ufffd", f);
                p++;
            }
        }
    }
}

/* s as a JSON string. */
static void put_string(const char *s)
{
    putc('"', tr.f);
    put_string_body(s);
    putc('"', tr.f);
}

/* a and b, one after the other, as one JSON string. */
static void put_string_pair(const char *a, const char *b)
{
    putc('"', tr.f);
    put_string_body(a);
    put_string_body(b);
    putc('"', tr.f);
}

/* Every event but the very first of the file is preceded by a comma. */
static void begin_event(void)
{
    fputs(tr.first ? "\n" : ",\n", tr.f);
    tr.first = false;
}

static void put_meta(unsigned tid, const char *what, const char *key,
                     const char *str, unsigned num)
{
    begin_event();
    fprintf(tr.f, "{\"ph\":\"M\",\"pid\":%u,\"tid\":%u,\"name\":\"%s\",\"args\":{\"%s\":",
            tr.run, tid, what, key);
    if (str)
        put_string(str);
    else
        fprintf(tr.f, "%u", num);
    fputs("}}", tr.f);
}

static void put_span(const struct track *t, const char *cat, const char *name, double end)
{
    double dur = end > t->since ? end - t->since : 0.0;
    begin_event();
    fprintf(tr.f, "{\"ph\":\"X\",\"pid\":%u,\"tid\":%u,\"cat\":\"%s\",\"name\":",
            tr.run, t->id, cat);
    put_string(name);
    fprintf(tr.f, ",\"ts\":%.3f,\"dur\":%.3f", t->since, dur);
    if (t->state == WAITING && t->wait_file) {
        /* Where it waits: the await in the source, as "file:line". */
        char at[32];
        snprintf(at, sizeof at, ":%u", t->wait_line);
        fputs(",\"args\":{\"at\":", tr.f);
        put_string_pair(t->wait_file, at);
        fputc('}', tr.f);
    }
    fputc('}', tr.f);
}

/* ------------------------------------------------------------------------
 * The table of live tasks, keyed by address.
 * ---------------------------------------------------------------------- */

static size_t slot_of(const void *task)
{
    uint64_t h = (uint64_t)(uintptr_t)task;
    h ^= h >> 33;
    h *= UINT64_C(0xff51afd7ed558ccd);
    h ^= h >> 33;
    return (size_t)h & (tr.cap - 1);
}

static struct track *find(const void *task)
{
    if (tr.cap == 0)
        return NULL;
    for (size_t i = slot_of(task);; i = (i + 1) & (tr.cap - 1)) {
        if (tr.tab[i].task == task)
            return &tr.tab[i];
        if (tr.tab[i].task == NULL)
            return NULL;
    }
}

static bool grow(void)
{
    size_t oldcap = tr.cap;
    struct track *old = tr.tab;
    size_t cap = oldcap ? oldcap * 2 : 64;
    struct track *tab = calloc(cap, sizeof *tab);
    if (!tab)
        return false;
    tr.tab = tab;
    tr.cap = cap;
    for (size_t i = 0; i < oldcap; i++) {
        if (old[i].task) {
            size_t j = slot_of(old[i].task);
            while (tab[j].task)
                j = (j + 1) & (cap - 1);
            tab[j] = old[i];
        }
    }
    free(old);
    return true;
}

static struct track *insert(const void *task)
{
    if ((tr.len + 1) * 4 > tr.cap * 3 && !grow())
        return NULL;
    size_t i = slot_of(task);
    while (tr.tab[i].task)
        i = (i + 1) & (tr.cap - 1);
    tr.len++;
    tr.tab[i] = (struct track){ .task = task };
    return &tr.tab[i];
}

/* Deletion without tombstones (Knuth's algorithm R): later entries of the
 * same probe run move back into the hole. */
static void erase(struct track *t)
{
    size_t mask = tr.cap - 1;
    size_t i = (size_t)(t - tr.tab), j = i;
    tr.len--;
    for (;;) {
        tr.tab[i].task = NULL;
        for (;;) {
            j = (j + 1) & mask;
            if (tr.tab[j].task == NULL)
                return;
            size_t k = slot_of(tr.tab[j].task);
            /* Entry j stays if its home slot k lies cyclically in (i, j]. */
            bool stays = i <= j ? (i < k && k <= j) : (i < k || k <= j);
            if (!stays)
                break;
        }
        tr.tab[i] = tr.tab[j];
        i = j;
    }
}

/* ------------------------------------------------------------------------
 * Opening and closing.
 * ---------------------------------------------------------------------- */

static void finish_file(void)
{
    double end = now_us();
    for (size_t i = 0; i < tr.cap; i++) {
        struct track *t = &tr.tab[i];
        if (!t->task)
            continue;
        if (t->state == RUNNING)
            put_span(t, "run", t->name, end);
        else if (t->state != FINISHED)
            put_span(t, "wait", t->wait, end);
    }
    free(tr.tab);
    tr.tab = NULL;
    tr.cap = tr.len = 0;

    long at = ftell(tr.f);
    fputs(trailer, tr.f);
    bool bad = ferror(tr.f) != 0;
    if (fclose(tr.f) != 0)
        bad = true;
    tr.f = NULL;
    tr.reopen_at = bad ? -1 : at;
    if (bad && !failed) {
        warn("error writing", strerror(errno));
        failed = true;
    }
}

/* Stops tracing, for good, after a failure. */
static void give_up(const char *what)
{
    warn(what, NULL);
    failed = true;
    finish_file();
    async__trace_on = false;
    owner = false;
    atomic_flag_clear(&busy);
}

/* Opens the file of the last run to go on after its events, where it still
 * ends as that run left it; NULL otherwise (it was removed or rewritten
 * meanwhile), and the caller starts a new file. */
static FILE *reopen(const char *path)
{
    FILE *f = fopen(path, "r+");
    char end[sizeof trailer];
    if (!f)
        return NULL;
    if (fseek(f, tr.reopen_at, SEEK_SET) != 0 ||
        fread(end, 1, sizeof end, f) != sizeof trailer - 1 ||
        memcmp(end, trailer, sizeof trailer - 1) != 0 ||
        fseek(f, tr.reopen_at, SEEK_SET) != 0) {
        fclose(f);
        return NULL;
    }
    return f;
}

/* A program that calls exit() from inside a coroutine never closes its
 * loop; the trace is finished here instead, so it is still valid JSON. */
static void at_exit(void)
{
    if (owner && tr.f)
        async__trace_close();
}

void async__trace_open(void)
{
    static bool registered;
    const char *path = getenv("ASYNC_TRACE");
    if (!path || !*path || failed || atomic_flag_test_and_set(&busy))
        return;

    /* The same file as the last run: reopen it and go on after its events. */
    bool again = tr.path && tr.reopen_at >= 0 && strcmp(tr.path, path) == 0;
    if (!again) {
        free(tr.path);
        tr.path = strdup(path);
        if (!tr.path) {
            atomic_flag_clear(&busy);
            return;
        }
    }
    tr.f = again ? reopen(path) : NULL;
    if (!tr.f) {
        /* A new file, with its own time 0. */
        again = false;
        tr.reopen_at = -1;
        tr.run = 0;
        tr.next_id = 0;
        clock_gettime(CLOCK_MONOTONIC, &tr.origin);
        tr.f = fopen(path, "w");
    }
    if (!tr.f) {
        warn("cannot write", strerror(errno));
        failed = true;
        free(tr.path);
        tr.path = NULL;
        atomic_flag_clear(&busy);
        return;
    }
    /* Names and tracks are written once per event; a large buffer keeps a
     * traced run close to an untraced one. */
    setvbuf(tr.f, NULL, _IOFBF, 1 << 16);
    tr.run++;
    tr.first = !again;
    if (!again)
        fprintf(tr.f, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"generator\":"
                "\"libasyncc " ASYNC_VERSION_STRING "\"},\"traceEvents\":[");
    char name[32];
    snprintf(name, sizeof name, "asyncc run %u", tr.run);
    put_meta(0, "process_name", "name", name, 0);
    put_meta(0, "process_sort_index", "sort_index", NULL, tr.run);
    owner = true;
    async__trace_on = true;
    if (!registered)
        registered = atexit(at_exit) == 0;
}

void async__trace_close(void)
{
    if (!owner)
        return;
    finish_file();
    async__trace_on = false;
    owner = false;
    atomic_flag_clear(&busy);
}

/* ------------------------------------------------------------------------
 * The hooks.
 * ---------------------------------------------------------------------- */

static struct track *add(const void *task, const char *name)
{
    struct track *t = insert(task);
    if (!t) {
        give_up("out of memory tracing");
        return NULL;
    }
    t->id = ++tr.next_id;
    t->name = name ? name : "task";
    t->wait = "scheduled";
    t->state = SCHEDULED;
    t->since = now_us();
    put_meta(t->id, "thread_name", "name", t->name, 0);
    put_meta(t->id, "thread_sort_index", "sort_index", NULL, t->id);
    return t;
}

void async__trace_task_new(const void *task, const char *name)
{
    if (!owner || !task)
        return;
    struct track *t = find(task);
    if (t)          /* an address reused before we heard of the end */
        erase(t);
    add(task, name);
}

void async__trace_task_end(const void *task)
{
    if (!owner)
        return;
    struct track *t = find(task);
    if (!t)         /* ended twice (finished, then freed): once is enough */
        return;
    if (t->state == RUNNING)
        put_span(t, "run", t->name, now_us());
    else if (t->state != FINISHED)
        put_span(t, "wait", t->wait, now_us());
    erase(t);
}

void async__trace_run_begin(const void *task)
{
    if (!owner || !task)
        return;
    struct track *t = find(task);
    if (!t && !(t = add(task, NULL)))
        return;
    double now = now_us();
    if (t->state == SCHEDULED || t->state == WAITING)
        put_span(t, "wait", t->wait, now);
    t->state = RUNNING;
    t->since = now;
}

void async__trace_run_end(const void *task, const char *waiting_on, const char *file,
                          unsigned line)
{
    if (!owner)
        return;
    struct track *t = find(task);
    if (!t || t->state != RUNNING)
        return;
    double now = now_us();
    put_span(t, "run", t->name, now);
    t->since = now;
    if (waiting_on) {
        t->state = WAITING;
        t->wait = waiting_on;
        t->wait_file = file;
        t->wait_line = line;
    } else {
        t->state = FINISHED;
    }
}
