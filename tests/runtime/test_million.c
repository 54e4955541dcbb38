/*
 * test_million.c - one million live tasks: all created, all sleeping at
 * once, all woken, all gone.
 */
#include "co.h"

#define N 1000000

static int finished;

struct sl { async_frame hdr; int *ret; };
CO_FN(sl);
static int sl_resume(async_frame *fr)
{
    CO_BEGIN(struct sl, s, fr);
    CO_AWAIT(s, 1, SLEEP(0.05));
    finished++;
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(sl, struct sl, (unsigned mode), s->ret = NULL;)

struct mmain { async_frame hdr; int *ret; int i; };
CO_FN(mmain);
static int mmain_resume(async_frame *fr)
{
    CO_BEGIN(struct mmain, s, fr);
    for (s->i = 0; s->i < N; s->i++) {
        async_task *t = SPAWN(new_sl(ASYNC__TASK));
        assert_non_null(t);
        async_task_release(t);
    }
    CO_AWAIT(s, 1, SLEEP(0));
    /* All of them sleep now. */
    assert_int_equal(async__cur->ntasks, N + 1);
    assert_int_equal(async__cur->unfinished, N + 1);
    assert_int_equal(async__cur->nheap, N);
    assert_int_equal(async__pool_live(&async__cur->frames), 0);  /* an inline sleep has no frame */
    assert_int_equal(finished, 0);
    while (finished < N)
        CO_AWAIT(s, 2, SLEEP(0.01));
    assert_int_equal(async__cur->ntasks, 1);
    assert_int_equal(async__cur->nheap, 0);
    CO_EXIT(s);
    CO_DONE();
}
CO_NEW(mmain, struct mmain, (unsigned mode), s->ret = NULL;)

static void million_live_tasks(void **state)
{
    (void)state;
    assert_int_equal(async__run(new_mmain(ASYNC__MAIN)), 0);
    assert_int_equal(finished, N);
    check_clean();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(million_live_tasks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
