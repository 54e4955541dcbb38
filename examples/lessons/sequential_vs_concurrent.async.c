/*
 * Lesson 5: sequential versus concurrent, with real timings.
 *
 * A pizza takes 0.5 s and a burger 0.3 s.  Both parts below order the two
 * together with async_gather, so the loop could cook them at once:
 *
 * 1. The cook who blocks.  make_pizza_blocking waits for the oven with
 *    nanosleep, which holds the thread.  The loop runs on that thread, so
 *    it cannot switch to the burger until the pizza is done: 0.5 + 0.3 =
 *    0.8 s, one after the other, although we asked for both at once.
 * 2. The cook who awaits.  make_pizza waits with await(async_sleep(0.5)),
 *    which gives the thread back to the loop; the loop starts the burger
 *    meanwhile.  Both are done after 0.5 s, the longer of the two.
 *
 * asyncc sees the mistake when it translates this file, and warns, once
 * for each nanosleep (on purpose, here):
 *
 *     sequential_vs_concurrent.async.c:45:5: warning: blocking call 'nanosleep' in async function 'make_pizza_blocking' blocks the event loop
 *
 * The fix is part 2: an async version of the wait.  Blocking work that has
 * no async version belongs on a worker thread (asyncio's to_thread; asyncc
 * plans async_to_thread for it).  Where blocking the loop is really what
 * you mean (lesson 2 does it to make a point), write
 * ASYNC_BLOCKING(nanosleep(...)) and the warning goes away.
 *
 * See it: ASYNC_TRACE=trace.json build/examples/lessons/sequential_vs_concurrent
 * writes a trace of the run, and asyncc-trace-svg trace.json -o trace.svg
 * draws it (docs/sequential_vs_concurrent.svg is one).
 *
 * Build and run:  make lessons, or  build/examples/lessons/sequential_vs_concurrent
 */
#define _POSIX_C_SOURCE 200809L     /* nanosleep */
#include <async.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "story.h"

/* Part 1: blocking.  The warning points at these nanosleep calls. */
static async void make_pizza_blocking(void)
{
    struct timespec oven = { 0, 500000000L };
    say("pizza: into the oven (blocking)");
    nanosleep(&oven, NULL);
    say("pizza: ready");
}

static async void make_burger_blocking(void)
{
    struct timespec grill = { 0, 300000000L };
    say("burger: on the grill (blocking)");
    nanosleep(&grill, NULL);
    say("burger: ready");
}

/* Part 2: awaiting. */
static async void make_pizza(void)
{
    say("pizza: into the oven");
    await(async_sleep(0.5));
    say("pizza: ready");
}

static async void make_burger(void)
{
    say("burger: on the grill");
    await(async_sleep(0.3));
    say("burger: ready");
}

static async void dinner(void)
{
    printf("1. The cook who blocks: nanosleep() in async functions\n");
    story_begin();
    await(async_gather(make_pizza_blocking(), make_burger_blocking()));
    say("sequential: both served after %.2f s", story_elapsed());

    printf("\n2. The cook who awaits: await(async_sleep())\n");
    story_begin();
    await(async_gather(make_pizza(), make_burger()));
    say("concurrent: both served after %.2f s", story_elapsed());
}

int main(void)
{
    return async_run(dinner()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
