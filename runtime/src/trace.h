/*
 * trace.h - ASYNC_TRACE=FILE: a Chrome trace-event JSON of a run.
 *
 * The loop calls these hooks; trace.c writes the file.  When ASYNC_TRACE is
 * unset, async__trace_on stays false and the loop skips every hook, so a run
 * without tracing pays one predictable branch per resume.  Tasks are named by
 * their address; trace.c gives each a small sequential id (one track each).
 * docs/trace.md describes the file.
 */
#ifndef ASYNC_TRACE_H
#define ASYNC_TRACE_H

#include <stdbool.h>

extern bool async__trace_on;

void async__trace_open(void);   /* at loop start: opens $ASYNC_TRACE, if set */
void async__trace_close(void);  /* at loop close: finishes and closes the file */

void async__trace_task_new(const void *task, const char *name); /* created; name of its function */
void async__trace_task_end(const void *task);                   /* finished (or freed) */
void async__trace_run_begin(const void *task);                  /* the loop resumes it */
/* The resume returned: `waiting_on` names what it now waits for ("sleep",
 * "task", "gather", "wait_for", "io", ...), NULL when it finished; `file`
 * and `line` say where in the source it waits (the await of its innermost
 * async function), file NULL when that is not known. */
void async__trace_run_end(const void *task, const char *waiting_on, const char *file,
                          unsigned line);

#endif
