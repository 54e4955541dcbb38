/*
 * sleep.c - async_sleep.
 *
 * A sleep is the smallest frame there is: its header and nothing else.  An
 * inline await of async_sleep(s) runs its body at once, so the entry point
 * leaves `s` in the running task (the union that holds the deadline while
 * the timer is armed, and nothing else while the task runs) rather than in
 * the frame; the body turns it into a deadline and arms the timer, whose
 * heap index and sequence number borrow the frame header (see timer.c).  A
 * sleep that is a task of its own (async_create_task(async_sleep(1))) does
 * not run at once, so its frame keeps `s`.
 *
 * A duration that is not positive (0, negative, NaN) yields: the task goes
 * to the tail of the ready queue and resumes in the next iteration (§1.7
 * rule 6).  An inline await of such a sleep allocates nothing: the entry
 * point returns the loop's `yield` frame, which async__await recognises; it
 * requeues the task with the awaiting frame as its innermost, so the loop
 * resumes that frame directly.  (The round-robin benchmark is nothing
 * but this.)
 */
#include "internal.h"

struct sleep_task_frame {
    async_frame hdr;
    double seconds;
};

static const async__rtinfo sleep_info, sleep_task_info;

static int sleep_resume(async_frame *f)
{
    async__loop *loop = async__cur;
    async_task *t = loop->current;
    if (f->state == 0) {
        double s = f->fn == &sleep_info.info ? t->u.seconds
                                             : ((struct sleep_task_frame *)f)->seconds;
        f->state = 1;
        if (!(s > 0)) {
            async__ready_push(loop, t);
        } else {
            if (async__unlikely(loop->now_stale))
                async__update_time(loop);
            if (async__timer_arm(loop, t, async__deadline(loop, s)) < 0)
                t->flags |= T_NOMEM;    /* the loop unwinds it: -ENOMEM */
        }
        return ASYNC__SUSPENDED;
    }
    /* 1: the timer fired, or the yield came round; ASYNC__UNWIND: the loop
     * has disarmed the timer already. */
    return ASYNC__DONE;
}

static void sleep_cancel(async_task *t, async_frame *f)
{
    (void)f;
    async__loop *loop = async__cur;
    async__timer_disarm(loop, t);
    async__make_ready(loop, t);
}

static void sleep_fire(async_task *t, async_frame *f)
{
    (void)f;
    async__make_ready(async__cur, t);
}

static const async__rtinfo sleep_info = {
    { sleep_resume, "async_sleep", async__rt_file, async__rt_lines, 1 },
    "sleep", sleep_cancel, NULL, sleep_fire, sizeof(async_frame),
};

static const async__rtinfo sleep_task_info = {
    { sleep_resume, "async_sleep", async__rt_file, async__rt_lines, 1 },
    "sleep", sleep_cancel, NULL, sleep_fire, sizeof(struct sleep_task_frame),
};

/* The entry point's slow path: a real frame. */
static __attribute__((noinline)) async_frame *sleep_new(unsigned mode, double seconds)
{
    if (mode == ASYNC__AWAIT) {
        async_frame *f = async__frame_new(sizeof(async_frame), &sleep_info.info, mode);
        if (f)
            async__cur->current->u.seconds = seconds;
        return f;
    }
    struct sleep_task_frame *s = (struct sleep_task_frame *)
        async__frame_new(sizeof *s, &sleep_task_info.info, mode);
    if (!s)
        return NULL;
    s->seconds = seconds;
    return &s->hdr;
}

async_frame *async__new_async_sleep(unsigned mode, double seconds)
{
    /* A yield needs no frame: the loop's shared one tells async__await to
     * requeue the task and resume it at its own frame. */
    async__loop *loop = async__cur;
    if (async__likely(mode == ASYNC__AWAIT && !(seconds > 0) && loop != NULL))
        return &loop->yield;
    return sleep_new(mode, seconds);
}
