/*
 * Lesson 1: what a coroutine is.
 *
 * A coroutine is a function that can stop in the middle, at an await, and
 * later go on from there with its parameters and locals as they were.  In
 * asyncc you make one by writing `async` before the function's type:
 * make_pizza below is a coroutine.  While it waits for the oven it does not
 * hold the thread; something else can run (lessons 2 and 3 show what).
 *
 * Calling a coroutine is not running it.  In Python, make_pizza() alone
 * builds a coroutine object, runs none of its body, and Python complains at
 * run time that it "was never awaited".  asyncc catches the same slip when
 * it translates the file, so it never reaches a run.  Remove the comment
 * marks around the bare call in main and the build stops with:
 *
 *     coroutine.async.c:49:5: error: coroutine 'make_pizza' is never awaited
 *         make_pizza("basil");
 *         ^
 *
 * A coroutine runs only when something drives it: another coroutine that
 * awaits it (lesson 2), the event loop as a task (lesson 4), or async_run,
 * which is how plain C code such as main starts the first one.
 * async_run(make_pizza("basil")) creates an event loop, runs make_pizza on
 * it as the main task until it returns, closes the loop, and returns 0.
 * The form async_run(slices = make_pizza(...)) also stores the coroutine's
 * return value.
 *
 * Build and run:  make lessons, or  build/examples/lessons/coroutine
 */
#include <async.h>
#include <stdio.h>
#include <stdlib.h>

#include "story.h"

/* A coroutine: `async` before the type.  It returns an int like any
 * function; only the way it is called differs. */
static async int make_pizza(const char *topping)
{
    say("make_pizza: dough, tomato, %s; into the oven", topping);
    await(async_sleep(0.5));        /* the oven: make_pizza pauses here */
    say("make_pizza: out of the oven");
    return 8;                       /* slices */
}

int main(void)
{
    story_begin();
    /* make_pizza("basil"); */

    int slices = 0;
    say("main: async_run(slices = make_pizza(\"basil\"))");
    int status = async_run(slices = make_pizza("basil"));
    say("main: async_run returned %d; the pizza has %d slices", status, slices);
    return status == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
