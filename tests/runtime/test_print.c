/*
 * test_print.c - async_print_tasks: every task, what it waits on, its await
 * chain with file and line, and who awaits it.
 */
#define _POSIX_C_SOURCE 200809L
#include "co_lib.h"

#include <stdlib.h>

/* deep(n): n frames down, then sleeps. */
struct deep { async_frame hdr; int *ret; int n; };
CO_FN(deep);
static async_frame *new_deep(unsigned mode, int *ret, int n);
static int deep_resume(async_frame *fr)
{
    CO_BEGIN(struct deep, s, fr);
    if (s->n > 0)
        CO_AWAIT(s, 3, new_deep(ASYNC__AWAIT, NULL, s->n - 1));
    else
        CO_AWAIT(s, 5, SLEEP(10));
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(deep, struct deep, (unsigned mode, int *ret, int n), s->ret = ret; s->n = n;)

static char *printed;

struct pmain { async_frame hdr; int *ret; async_task *d, *w; };
CO_FN(pmain);
static int pmain_resume(async_frame *fr)
{
    CO_BEGIN(struct pmain, s, fr);
    s->d = SPAWN(new_deep(ASYNC__TASK, NULL, 2));
    s->w = SPAWN(new_waiter(ASYNC__TASK, "W", s->d));
    CO_AWAIT(s, 2, SLEEP(0));
    {
        size_t len;
        FILE *out = open_memstream(&printed, &len);
        async_print_tasks(out);
        fclose(out);
    }
    async_task_cancel(s->d);
    CO_AWAIT(s, 4, AWAIT_TASK(NULL, s->w));
    async_task_release(s->d);
    async_task_release(s->w);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(pmain, struct pmain, (unsigned mode), s->ret = NULL;)

static void prints_tasks(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_pmain(ASYNC__MAIN)), 0);
    check_clean();
    assert_non_null(printed);
    /* Lines look like:
     *   3 tasks
     *   task 0x... pmain: running
     *       at pmain (test.async.c:102)
     *   task 0x... deep: waiting on sleep
     *       async_sleep
     *       at deep (test.async.c:105)
     *       at deep (test.async.c:103)
     *       at deep (test.async.c:103)
     *       awaited by task 0x... waiter (task)
     *   task 0x... waiter: waiting on task
     *       await
     *       at waiter (test.async.c:101)
     */
    const char *want[] = {
        "3 tasks\n",
        " pmain: running\n    at pmain (test.async.c:102)\n",
        (" deep: waiting on sleep\n    async_sleep\n    at deep (test.async.c:105)\n"
         "    at deep (test.async.c:103)\n    at deep (test.async.c:103)\n    awaited by task 0x"),
        " waiter (task)\n",
        " waiter: waiting on task\n    await\n    at waiter (test.async.c:101)\n",
    };
    const char *p = printed;
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        const char *q = strstr(p, want[i]);
        if (!q)
            fail_msg("missing, in order: [%s] in:\n%s", want[i], printed);
        p = q + strlen(want[i]);
    }
    free(printed);
}

static void prints_without_loop(void **state)
{
    (void)state;
    char *buf;
    size_t len;
    FILE *out = open_memstream(&buf, &len);
    async_print_tasks(out);
    async_print_tasks(NULL);
    fclose(out);
    assert_string_equal(buf, "no loop runs in this thread\n");
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prints_tasks),
        cmocka_unit_test(prints_without_loop),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
