/*
 * story.h - how every lesson tells its story: each line is stamped with the
 * seconds since the story began, to 0.01 s, so that the reader sees which
 * steps overlap and which wait for one another.
 */
#ifndef LESSONS_STORY_H
#define LESSONS_STORY_H

#include <async.h>
#include <stdarg.h>
#include <stdio.h>

static double story_start;

/* Starts the clock of the story. */
static inline void story_begin(void)
{
    story_start = async_time();
}

/* Seconds since story_begin(). */
static inline double story_elapsed(void)
{
    return async_time() - story_start;
}

/* Prints one line of the story, stamped with the seconds since the start. */
static inline void say(const char *fmt, ...)
{
    va_list ap;
    printf("[%.2fs] ", story_elapsed());
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    putchar('\n');
    fflush(stdout);
}

#endif
