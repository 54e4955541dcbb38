/*
 * Lesson 4: tasks and gather (the guide's asyncio.py).
 *
 * Scheduling is not awaiting.
 *
 * - await(make_pizza()) runs make_pizza now, inside the current task, and
 *   the current coroutine goes on only when the pizza is done.
 * - async_create_task(make_pizza()) schedules make_pizza as a task of its
 *   own: it is put at the back of the loop's ready queue, and the call
 *   returns at once with a handle, async_task *.  The task starts when the
 *   current one gives the loop a turn, at its next await that waits.
 *   Nothing has cooked yet when main prints "scheduled" below.
 * - await(task) waits until that task is done (at once if it already is).
 *   The form async_create_task(slices = make_pizza()) stores the
 *   coroutine's return value in slices when the task finishes.
 * - A handle is released with async_task_release; a task whose handle is
 *   dropped at creation (lesson 2's clock) is freed when it finishes.
 *
 * async_gather(a(), b()) does the same in one line: it makes each call a
 * task, waits for all of them, and gives 0 when all finished normally.
 *
 * Build and run:  make lessons, or  build/examples/lessons/tasks
 */
#include <async.h>
#include <stdio.h>
#include <stdlib.h>

#include "story.h"

static async int make_pizza(void)
{
    say("make_pizza: into the oven");
    await(async_sleep(0.5));
    say("make_pizza: ready");
    return 8;                       /* slices */
}

static async int make_burger(void)
{
    say("make_burger: on the grill");
    await(async_sleep(0.3));
    say("make_burger: ready");
    return 1;
}

static async void order(void)
{
    int slices = 0, burgers = 0;

    /* Scheduling: both tasks wait in the ready queue; order goes on. */
    async_task *pizza = async_create_task(slices = make_pizza());
    async_task *burger = async_create_task(burgers = make_burger());
    say("order: two tasks scheduled; neither has started yet");

    /* Awaiting: order waits here, and the loop runs both tasks. */
    await(pizza);
    say("order: await(pizza) is back: %d slices; the burger is %s",
        slices, async_task_done(burger) ? "done too" : "not done");
    await(burger);                  /* done already: no wait at all */
    say("order: await(burger) is back at once: %d burger", burgers);
    async_task_release(pizza);
    async_task_release(burger);

    /* The same with gather, in one line. */
    say("order: again, with async_gather(make_pizza(), make_burger())");
    int status = await(async_gather(slices = make_pizza(), burgers = make_burger()));
    say("order: gather is back with %d: %d slices, %d burger; %.2f s in all",
        status, slices, burgers, story_elapsed());
}

int main(void)
{
    story_begin();
    return async_run(order()) == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
