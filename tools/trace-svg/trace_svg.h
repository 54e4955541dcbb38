/*
 * trace_svg.h - the internals of asyncc-trace-svg, one section per file.
 *
 * The tool reads a Chrome trace-event JSON file (the kind ASYNC_TRACE
 * writes, or any other), gathers its spans into one row per track, and
 * draws them as an SVG timeline.  Three stages, three files: json.c reads
 * JSON, load.c turns trace events into rows of spans, svg.c draws them;
 * main.c is the command line.
 */
#ifndef TRACE_SVG_H
#define TRACE_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* ------------------------------------------------------------------------
 * json.c: a strict JSON reader (RFC 8259) over a buffer in memory.
 *
 * It reads one value at a time into a small tree, so that a caller can walk
 * a large top-level array element by element and free each one before
 * reading the next: a trace of a million events never lives in memory as a
 * tree.  On the first error the reader stops, and json_error() describes it
 * with the line and column.
 * ---------------------------------------------------------------------- */

enum json_kind {
    JSON_NULL, JSON_FALSE, JSON_TRUE, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT
};

struct json {
    enum json_kind kind;
    double num;             /* JSON_NUMBER */
    char *str;              /* JSON_STRING: decoded UTF-8, NUL-terminated */
    size_t len;             /* its length in bytes (it may hold NULs) */
    char *key;              /* the member's name, inside an object */
    struct json *child;     /* JSON_ARRAY, JSON_OBJECT: the first element */
    struct json *next;      /* the next element of the parent */
};

struct json_reader {
    const char *text;
    size_t len, pos;
    const char *name;       /* file name for messages */
    bool failed;
    size_t err_pos;
    char err[160];
};

void json_init(struct json_reader *r, const char *name, const char *text, size_t len);

/* Reads one whole value; NULL on error (or out of memory). */
struct json *json_read(struct json_reader *r);
void json_free(struct json *v);

/* Streaming over a container.  json_open() consumes '[' or '{' and returns
 * it, or returns 0 (and consumes nothing) when neither comes next.  Then
 * json_next() returns true while the container has another element: for an
 * object it first reads the member's name into *key (freed by the caller);
 * the caller then reads the element's value.  At the end it consumes the
 * closing bracket and returns false; on an error it returns false too, with
 * r->failed set.  `*first` starts true. */
int json_open(struct json_reader *r);
bool json_next(struct json_reader *r, int open, bool *first, char **key);

/* Checks that only white space is left. */
bool json_end(struct json_reader *r);

/* An object's member by name, or NULL. */
const struct json *json_get(const struct json *obj, const char *key);

/* Records an error at the current position (first one wins); returns false. */
bool json_fail(struct json_reader *r, const char *fmt, ...);

/* "NAME:LINE:COL: MESSAGE" for the recorded error. */
void json_error(const struct json_reader *r, char *buf, size_t size);

/* ------------------------------------------------------------------------
 * load.c: trace events to rows of spans.
 * ---------------------------------------------------------------------- */

struct span {
    double start, end;      /* microseconds, as in the trace */
    bool wait;              /* a wait (cat "wait"), otherwise a running span */
    char *name;
};

struct row {
    char *pid, *tid;        /* as written in the trace (numbers as text) */
    char *label;            /* thread_name, or NULL */
    double sort;            /* thread_sort_index, or the tid if numeric */
    bool has_sort;
    size_t order;           /* first appearance, the last tie-breaker */
    struct span *spans;
    size_t nspans, capspans;
    struct span *open;      /* "B" events waiting for their "E" */
    size_t nopen, capopen;
};

struct trace {
    struct row **rows;
    size_t nrows, caprows;
    char **pnames;          /* process_name per pid: pairs of pid, name */
    size_t npnames, cappnames;
    size_t nevents;         /* events read */
    size_t nrun, nwait;     /* spans of each kind */
    double t0, t1;          /* the time range of all spans */
    size_t npids;
};

/* Reads the trace in `text`; false with a message in `err` when it is not
 * valid JSON, not a trace, or has nothing to draw. */
bool trace_load(struct trace *tr, const char *name, const char *text, size_t len,
                char *err, size_t errsize);
void trace_free(struct trace *tr);

/* The process name of `pid`, or NULL. */
const char *trace_process_name(const struct trace *tr, const char *pid);

/* ------------------------------------------------------------------------
 * svg.c: the timeline.
 * ---------------------------------------------------------------------- */

struct svg_options {
    const char *title;      /* NULL: none */
    int width;              /* pixels, the whole picture */
};

/* Writes the picture; false when writing failed. */
bool svg_write(FILE *out, const struct trace *tr, const struct svg_options *opt);

#endif
