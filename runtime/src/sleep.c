/*
 * sleep.c - async_sleep.
 *
 * An inline await of async_sleep allocates nothing.  The entry point leaves
 * the duration in the running task (in the union that holds the deadline
 * once the timer is armed) and returns one of the loop's special frames,
 * which async__await recognises (task.c): for a positive duration it arms
 * the task's timer (T_SLEEP), and for one that is not positive (0,
 * negative, NaN) it appends the task to the tail of the ready queue, so it
 * resumes in the next iteration (§1.7 rule 6).  Either way the task's
 * innermost frame is the awaiting one, and the loop resumes it directly
 * when the timer fires or the yield comes round.  A sleeping task so costs
 * its task block and one pointer in the timer heap; a ping-pong of yields
 * costs no allocation at all.
 *
 * A sleep that is a task of its own (async_create_task(async_sleep(1)))
 * does not run at once, so it has a frame, which keeps the duration.
 */
#include "internal.h"

struct sleep_task_frame {
    async_frame hdr;
    double seconds;
};

static int sleep_task_resume(async_frame *f)
{
    async__loop *loop = async__cur;
    async_task *t = loop->current;
    if (f->state == 0) {
        double s = ((struct sleep_task_frame *)f)->seconds;
        f->state = 1;
        if (!(s > 0)) {
            async__ready_push(loop, t);
        } else {
            if (async__timer_arm(loop, t, async__deadline(s), T_SLEEP) < 0)
                t->flags |= T_NOMEM;
        }
        return ASYNC__SUSPENDED;
    }
    /* 1: the timer fired or the yield came round; ASYNC__UNWIND: the loop
     * has disarmed the timer. */
    return ASYNC__DONE;
}

static const async__rtinfo sleep_task_info = {
    { sleep_task_resume, "async_sleep", async__rt_file, async__rt_lines, 1, 0, 0, 0 },
    "sleep", NULL, NULL, NULL,
};

static __attribute__((noinline)) async_frame *sleep_task_new(unsigned mode, double seconds)
{
    struct sleep_task_frame *s = (struct sleep_task_frame *)
        async__frame_new(sizeof *s, &sleep_task_info.info, mode);
    if (!s)
        return NULL;
    s->seconds = seconds;
    return &s->hdr;
}

async_frame *async__sleep_new(unsigned mode, double seconds)
{
    if (async__likely(mode == ASYNC__AWAIT)) {
        async__loop *loop = async__cur;
        if (async__unlikely(!loop))
            return NULL;
        if (!(seconds > 0))
            return &loop->special[ASYNC__SP_YIELD];
        loop->current->u.seconds = seconds;
        return &loop->special[ASYNC__SP_SLEEP];
    }
    return sleep_task_new(mode, seconds);
}
