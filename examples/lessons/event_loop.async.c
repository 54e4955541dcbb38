/*
 * Lesson 3: the event loop.
 *
 * The event loop is one cook in one kitchen (one thread).  It keeps a queue
 * of coroutines that are ready to run and a list of timers (in real
 * programs, also file descriptors waiting for data).  It repeats one step:
 * take the next ready coroutine and run it until its next await that has
 * to wait, then take the next.  When nothing is ready, it sleeps until the
 * earliest timer is due (or data arrives), and the coroutines waiting on
 * that become ready.  Nothing runs in parallel: the loop switches between
 * coroutines only at awaits, one at a time.
 *
 * Here three orders cook concurrently, in steps of 0.1 s: pizza (5 steps),
 * burger (3) and fries (2).  At every await the loop switches to the next
 * ready order, so the lines interleave.  The whole dinner takes 0.5 s, as
 * long as the longest order, not 1.0 s, the sum: the orders wait at the
 * same time, and waiting is what takes the time.
 *
 * async_gather(a, b, c) runs its items as tasks on the loop and waits
 * until all of them are done (lesson 4 says more).
 *
 * Build and run:  make lessons, or  build/examples/lessons/event_loop
 */
#include <async.h>
#include <stdio.h>
#include <stdlib.h>

#include "story.h"

static async void cook(const char *dish, int steps)
{
    say("%s: start, %d steps of 0.1 s", dish, steps);
    for (int step = 1; step <= steps; step++) {
        /* Each await hands control back to the loop, which runs the
         * other orders until this one's timer is due. */
        await(async_sleep(0.1));
        say("%s: step %d of %d%s", dish, step, steps, step == steps ? ", ready" : "");
    }
}

static async void dinner(void)
{
    say("dinner: three orders at once");
    await(async_gather(cook("pizza", 5), cook("burger", 3), cook("fries", 2)));
    say("dinner: served after %.2f s, the longest order, not the sum (1.00 s)",
        story_elapsed());
}

int main(void)
{
    story_begin();
    return async_run(dinner()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
