/*
 * Lesson 2: what await does.
 *
 * await(make_pizza()) runs make_pizza at once, in the same task, until it
 * has to wait: here for the oven, await(async_sleep(0.5)).  Then make_pizza
 * is suspended, and so is the coroutine awaiting it, kitchen, because it
 * cannot go on without the pizza.  Only those two: control goes back to the
 * event loop, which runs whatever else is ready.  When the oven's timer
 * fires, the loop resumes make_pizza where it stopped; when make_pizza
 * returns, await hands its return value to kitchen, which goes on.
 *
 * To see that the rest of the program runs while kitchen waits, a clock
 * ticks five times beside it, every 0.1 s.  async_create_task starts the
 * clock as a task of its own (lesson 4 is about tasks).
 *
 * async_sleep versus a blocking sleep.  async_sleep(s) suspends the
 * coroutine and gives the thread back to the loop.  nanosleep (or sleep,
 * usleep) holds the thread for the whole time, and since the loop runs on
 * that same thread, everything stops: the clock too.  The burger below is
 * grilled with a blocking sleep on purpose, to show the clock standing
 * still.  asyncc warns about such calls in async functions (lesson 5 shows
 * the warning); ASYNC_BLOCKING(...) marks this one as intended, and the
 * warning stays quiet.
 *
 * Build and run:  make lessons, or  build/examples/lessons/await
 */
#define _POSIX_C_SOURCE 200809L     /* nanosleep */
#include <async.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "story.h"

/* Ticks every 0.1 s, `ticks` times. */
static async void clock_ticks(int ticks)
{
    for (int tick = 1; tick <= ticks; tick++) {
        await(async_sleep(0.1));
        say("    clock: tick %d", tick);
    }
}

static async int make_pizza(void)
{
    say("make_pizza: into the oven, await(async_sleep(0.5))");
    await(async_sleep(0.5));        /* suspends make_pizza and kitchen */
    say("make_pizza: ready");
    return 8;
}

static async void kitchen(void)
{
    async_task *clock = async_create_task(clock_ticks(5));

    say("kitchen: await(make_pizza())");
    int slices = await(make_pizza());
    say("kitchen: a pizza of %d slices; the clock ticked meanwhile", slices);

    /* Blocking on purpose: the loop cannot run the clock until nanosleep
     * returns.  Its fifth tick, due at 0.50 s, comes only at 0.80 s. */
    say("kitchen: a burger on a blocking grill, nanosleep(0.3 s)");
    struct timespec grill = { 0, 300000000L };
    ASYNC_BLOCKING(nanosleep(&grill, NULL));
    say("kitchen: burger ready; the clock stood still meanwhile");

    /* await also takes a task (lesson 4): wait here for the clock's last
     * tick.  Back in the loop, the clock catches up. */
    await(clock);
    async_task_release(clock);
    say("kitchen: done, and so is the clock");
}

int main(void)
{
    story_begin();
    return async_run(kitchen()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
