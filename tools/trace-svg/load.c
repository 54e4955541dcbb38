/*
 * load.c - trace events to rows of spans.
 *
 * The Chrome trace-event format is either an object whose "traceEvents"
 * member is the array of events, or that array alone.  Of the events we
 * draw complete events ("ph":"X", a start "ts" and a duration "dur") and
 * pairs of begin and end events ("B", "E") on the same track; metadata
 * ("M") names the tracks (thread_name), orders them (thread_sort_index) and
 * names the processes (process_name).  Every other kind is counted and
 * skipped.  A track is a pair (pid, tid), and it becomes one row.  A span
 * whose category list holds "wait" is a wait; every other span is running.
 *
 * The events are read one at a time and dropped once their span is stored,
 * so memory follows the number of spans, not the size of the JSON tree.
 */
#define _POSIX_C_SOURCE 200809L
#include "trace_svg.h"

#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct loader {
    struct trace *tr;
    struct json_reader r;
    char *err;
    size_t errsize;
    bool failed;
    size_t *slots;          /* rows by (pid, tid): index + 1, 0 for empty */
    size_t nslots;
    const char **pids;      /* the distinct pids, pointing into rows */
    size_t npids, cappids;
};

static size_t hash_ids(const char *pid, const char *tid)
{
    size_t h = 1469598103934665603u;    /* FNV-1a, over "pid\0tid" */
    for (const char *p = pid; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    h *= 1099511628211u;
    for (const char *p = tid; *p; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211u;
    return h;
}

/* The slot of (pid, tid): where its row is, or the empty slot for it. */
static size_t *slot_for(struct loader *ld, const char *pid, const char *tid)
{
    size_t mask = ld->nslots - 1;
    for (size_t i = hash_ids(pid, tid) & mask;; i = (i + 1) & mask) {
        size_t *s = &ld->slots[i];
        if (*s == 0)
            return s;
        const struct row *row = ld->tr->rows[*s - 1];
        if (strcmp(row->tid, tid) == 0 && strcmp(row->pid, pid) == 0)
            return s;
    }
}

/* Keeps the table at most half full. */
static bool grow_slots(struct loader *ld)
{
    if ((ld->tr->nrows + 1) * 2 <= ld->nslots)
        return true;
    size_t n = ld->nslots ? ld->nslots * 2 : 64;
    size_t *slots = calloc(n, sizeof *slots);
    if (!slots)
        return false;
    free(ld->slots);
    ld->slots = slots;
    ld->nslots = n;
    for (size_t i = 0; i < ld->tr->nrows; i++) {
        const struct row *row = ld->tr->rows[i];
        *slot_for(ld, row->pid, row->tid) = i + 1;
    }
    return true;
}

static bool fail(struct loader *ld, const char *fmt, ...)
{
    if (ld->failed)
        return false;
    ld->failed = true;
    int n = snprintf(ld->err, ld->errsize, "%s: ", ld->r.name);
    if (n < 0 || (size_t)n >= ld->errsize)
        n = 0;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ld->err + n, ld->errsize - (size_t)n, fmt, ap);
    va_end(ap);
    return false;
}

static bool grow(void **p, size_t *cap, size_t len, size_t size)
{
    if (len < *cap)
        return true;
    size_t ncap = *cap ? *cap * 2 : 8;
    void *np = realloc(*p, ncap * size);
    if (!np)
        return false;
    *p = np;
    *cap = ncap;
    return true;
}

/* pid and tid may be numbers or strings; rows are keyed by their text. */
static bool id_text(const struct json *v, char *buf, size_t size)
{
    if (!v) {
        snprintf(buf, size, "0");
        return true;
    }
    if (v->kind == JSON_NUMBER) {
        snprintf(buf, size, "%.17g", v->num);
        return true;
    }
    if (v->kind == JSON_STRING) {
        snprintf(buf, size, "%s", v->str);
        return true;
    }
    return false;
}

static struct row *row_for(struct loader *ld, const struct json *ev)
{
    struct trace *tr = ld->tr;
    char pid[64], tid[64];
    if (!id_text(json_get(ev, "pid"), pid, sizeof pid) ||
        !id_text(json_get(ev, "tid"), tid, sizeof tid)) {
        fail(ld, "event %zu: 'pid' and 'tid' must be numbers or strings", tr->nevents);
        return NULL;
    }
    if (!grow_slots(ld)) {
        fail(ld, "out of memory");
        return NULL;
    }
    size_t *slot = slot_for(ld, pid, tid);
    if (*slot)
        return tr->rows[*slot - 1];
    struct row *row = calloc(1, sizeof *row);
    if (!row || !grow((void **)&tr->rows, &tr->caprows, tr->nrows, sizeof *tr->rows)) {
        free(row);
        fail(ld, "out of memory");
        return NULL;
    }
    row->pid = strdup(pid);
    row->tid = strdup(tid);
    row->order = tr->nrows;
    tr->rows[tr->nrows++] = row;
    if (!row->pid || !row->tid) {
        fail(ld, "out of memory");
        return NULL;
    }
    *slot = tr->nrows;
    const struct json *t = json_get(ev, "tid");
    if (t && t->kind == JSON_NUMBER) {
        row->sort = t->num;
        row->has_sort = true;
    }
    /* A new pid: runs are few, so a list of the pids seen is enough. */
    bool seen = false;
    for (size_t i = 0; i < ld->npids && !seen; i++)
        seen = strcmp(ld->pids[i], pid) == 0;
    if (!seen) {
        if (!grow((void **)&ld->pids, &ld->cappids, ld->npids, sizeof *ld->pids)) {
            fail(ld, "out of memory");
            return NULL;
        }
        ld->pids[ld->npids++] = row->pid;
        tr->npids++;
    }
    return row;
}

static bool is_wait(const struct json *cat)
{
    if (!cat || cat->kind != JSON_STRING)
        return false;
    /* "cat" is a comma-separated list of categories. */
    for (const char *p = cat->str; *p;) {
        size_t n = strcspn(p, ",");
        if (n == 4 && memcmp(p, "wait", 4) == 0)
            return true;
        p += n;
        if (*p == ',')
            p++;
    }
    return false;
}

static bool number(struct loader *ld, const struct json *ev, const char *key,
                   bool required, double *out)
{
    const struct json *v = json_get(ev, key);
    if (!v) {
        if (required)
            return fail(ld, "event %zu: '%s' is missing", ld->tr->nevents, key);
        *out = 0;
        return true;
    }
    if (v->kind != JSON_NUMBER || !isfinite(v->num))
        return fail(ld, "event %zu: '%s' is not a number", ld->tr->nevents, key);
    *out = v->num;
    return true;
}

static bool add_span(struct loader *ld, struct row *row, double start, double end,
                     bool wait, const char *name)
{
    struct trace *tr = ld->tr;
    if (!grow((void **)&row->spans, &row->capspans, row->nspans, sizeof *row->spans))
        return fail(ld, "out of memory");
    struct span *s = &row->spans[row->nspans];
    s->start = start;
    s->end = end;
    s->wait = wait;
    s->name = strdup(name ? name : "");
    if (!s->name)
        return fail(ld, "out of memory");
    row->nspans++;
    if (wait)
        tr->nwait++;
    else
        tr->nrun++;
    if (tr->nrun + tr->nwait == 1 || start < tr->t0)
        tr->t0 = start;
    if (tr->nrun + tr->nwait == 1 || end > tr->t1)
        tr->t1 = end;
    return true;
}

static bool metadata(struct loader *ld, const struct json *ev, const char *name)
{
    const struct json *args = json_get(ev, "args");
    struct trace *tr = ld->tr;
    if (strcmp(name, "thread_name") == 0) {
        const struct json *n = json_get(args, "name");
        if (!n || n->kind != JSON_STRING)
            return fail(ld, "event %zu: thread_name without a string args.name", tr->nevents);
        struct row *row = row_for(ld, ev);
        if (!row)
            return false;
        free(row->label);
        row->label = strdup(n->str);
        return row->label ? true : fail(ld, "out of memory");
    }
    if (strcmp(name, "thread_sort_index") == 0) {
        const struct json *n = json_get(args, "sort_index");
        if (!n || n->kind != JSON_NUMBER)
            return fail(ld, "event %zu: thread_sort_index without a numeric args.sort_index",
                        tr->nevents);
        struct row *row = row_for(ld, ev);
        if (!row)
            return false;
        row->sort = n->num;
        row->has_sort = true;
        return true;
    }
    if (strcmp(name, "process_name") == 0) {
        const struct json *n = json_get(args, "name");
        char pid[64];
        if (!n || n->kind != JSON_STRING || !id_text(json_get(ev, "pid"), pid, sizeof pid))
            return true;    /* a name we cannot use does not spoil the picture */
        if (!grow((void **)&tr->pnames, &tr->cappnames, tr->npnames + 1, sizeof *tr->pnames))
            return fail(ld, "out of memory");
        tr->pnames[tr->npnames] = strdup(pid);
        tr->pnames[tr->npnames + 1] = strdup(n->str);
        tr->npnames += 2;
        if (!tr->pnames[tr->npnames - 2] || !tr->pnames[tr->npnames - 1])
            return fail(ld, "out of memory");
    }
    return true;
}

static bool event(struct loader *ld, const struct json *ev)
{
    struct trace *tr = ld->tr;
    tr->nevents++;
    if (ev->kind != JSON_OBJECT)
        return fail(ld, "event %zu is not an object", tr->nevents);
    const struct json *ph = json_get(ev, "ph");
    if (!ph || ph->kind != JSON_STRING)
        return fail(ld, "event %zu has no 'ph' (event type) string", tr->nevents);
    const struct json *n = json_get(ev, "name");
    const char *name = n && n->kind == JSON_STRING ? n->str : "";

    if (strcmp(ph->str, "M") == 0)
        return metadata(ld, ev, name);
    if (strcmp(ph->str, "X") == 0) {
        double ts, dur;
        if (!number(ld, ev, "ts", true, &ts) || !number(ld, ev, "dur", false, &dur))
            return false;
        if (dur < 0)
            return fail(ld, "event %zu: negative 'dur'", tr->nevents);
        struct row *row = row_for(ld, ev);
        return row && add_span(ld, row, ts, ts + dur, is_wait(json_get(ev, "cat")), name);
    }
    if (strcmp(ph->str, "B") == 0) {
        double ts;
        if (!number(ld, ev, "ts", true, &ts))
            return false;
        struct row *row = row_for(ld, ev);
        if (!row)
            return false;
        if (!grow((void **)&row->open, &row->capopen, row->nopen, sizeof *row->open))
            return fail(ld, "out of memory");
        struct span *s = &row->open[row->nopen];
        s->start = ts;
        s->wait = is_wait(json_get(ev, "cat"));
        s->name = strdup(name);
        if (!s->name)
            return fail(ld, "out of memory");
        row->nopen++;
        return true;
    }
    if (strcmp(ph->str, "E") == 0) {
        double ts;
        if (!number(ld, ev, "ts", true, &ts))
            return false;
        struct row *row = row_for(ld, ev);
        if (!row)
            return false;
        if (row->nopen == 0)
            return fail(ld, "event %zu: an end ('E') without a begin ('B') on its track",
                        tr->nevents);
        struct span *s = &row->open[--row->nopen];
        bool ok = ts >= s->start
                ? add_span(ld, row, s->start, ts, s->wait, s->name)
                : fail(ld, "event %zu: an end ('E') before its begin", tr->nevents);
        free(s->name);
        return ok;
    }
    return true;    /* instants, counters, flows: not drawn */
}

static bool events(struct loader *ld)
{
    bool first = true;
    while (json_next(&ld->r, '[', &first, NULL)) {
        struct json *ev = json_read(&ld->r);
        if (!ev)
            break;
        bool ok = event(ld, ev);
        json_free(ev);
        if (!ok)
            return false;
    }
    return !ld->r.failed;
}

static int by_sort(const void *a, const void *b)
{
    const struct row *x = *(struct row *const *)a, *y = *(struct row *const *)b;
    int pid = strcmp(x->pid, y->pid);
    if (pid != 0) {
        /* Numeric pids in numeric order (run 2 after run 10 otherwise). */
        char *ex, *ey;
        double nx = strtod(x->pid, &ex), ny = strtod(y->pid, &ey);
        if (!*ex && !*ey && nx != ny)
            return nx < ny ? -1 : 1;
        return pid;
    }
    if (x->has_sort != y->has_sort)
        return x->has_sort ? -1 : 1;
    if (x->has_sort && x->sort != y->sort)
        return x->sort < y->sort ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

bool trace_load(struct trace *tr, const char *name, const char *text, size_t len,
                char *err, size_t errsize)
{
    struct loader ld = { .tr = tr, .err = err, .errsize = errsize };
    memset(tr, 0, sizeof *tr);
    json_init(&ld.r, name, text, len);

    int open = json_open(&ld.r);
    bool have_events = false;
    if (open == '[') {
        have_events = true;
        events(&ld);
    } else if (open == '{') {
        bool first = true;
        char *key = NULL;
        while (!ld.failed && json_next(&ld.r, '{', &first, &key)) {
            bool is_events = strcmp(key, "traceEvents") == 0;
            free(key);
            key = NULL;
            if (is_events) {
                if (json_open(&ld.r) != '[') {
                    if (!ld.r.failed)
                        fail(&ld, "'traceEvents' is not an array");
                    break;
                }
                have_events = true;
                if (!events(&ld))
                    break;
            } else {
                json_free(json_read(&ld.r));   /* other members: read, ignored */
            }
        }
    } else if (!ld.r.failed) {
        /* Say "invalid JSON" for what is not JSON at all. */
        json_free(json_read(&ld.r));
        if (!ld.r.failed)
            fail(&ld, "not a trace: expected an object with 'traceEvents', or an array of events");
    }
    if (!ld.failed)
        json_end(&ld.r);
    if (ld.r.failed && !ld.failed) {
        char msg[256];
        json_error(&ld.r, msg, sizeof msg);
        snprintf(err, errsize, "%s (invalid JSON)", msg);
        ld.failed = true;
    }
    if (!ld.failed && !have_events)
        fail(&ld, "not a trace: no 'traceEvents' member");
    if (!ld.failed && tr->nrun + tr->nwait == 0)
        fail(&ld, "no spans to draw (%zu events, none of them 'X', or 'B' with its 'E')",
             tr->nevents);
    free(ld.slots);
    free(ld.pids);
    if (ld.failed)
        return false;

    /* Rows without spans (a task named, then never run) are kept: the
     * picture shows that the task existed. */
    qsort(tr->rows, tr->nrows, sizeof *tr->rows, by_sort);
    return true;
}

void trace_free(struct trace *tr)
{
    for (size_t i = 0; i < tr->nrows; i++) {
        struct row *row = tr->rows[i];
        for (size_t j = 0; j < row->nspans; j++)
            free(row->spans[j].name);
        for (size_t j = 0; j < row->nopen; j++)
            free(row->open[j].name);
        free(row->spans);
        free(row->open);
        free(row->label);
        free(row->pid);
        free(row->tid);
        free(row);
    }
    for (size_t i = 0; i < tr->npnames; i++)
        free(tr->pnames[i]);
    free(tr->pnames);
    free(tr->rows);
    memset(tr, 0, sizeof *tr);
}

const char *trace_process_name(const struct trace *tr, const char *pid)
{
    const char *name = NULL;
    for (size_t i = 0; i + 1 < tr->npnames; i += 2)
        if (strcmp(tr->pnames[i], pid) == 0)
            name = tr->pnames[i + 1];
    return name;
}
