/* Cancellation unwinding through an await chain; twin: cancel.py. */
#include <stdio.h>
#include <async.h>

static async void leaf(int id)
{
    async_defer(printf("leaf %d finally\n", id));
    printf("leaf %d waits\n", id);
    await(async_sleep(100));
    printf("leaf %d not reached\n", id);
}

static async void middle(int id)
{
    async_defer(printf("middle %d finally\n", id));
    await(leaf(id));
    printf("middle %d not reached\n", id);
}

static async void amain(void)
{
    async_task *t1 = async_create_task(middle(1));
    async_task *t2 = async_create_task(middle(2));
    await(async_sleep(0));
    printf("cancelling\n");
    async_task_cancel(t2);
    async_task_cancel(t1);
    await(t1);
    printf("t1 cancelled: %d\n", async_task_cancelled(t1));
    await(t2);
    printf("t2 cancelled: %d\n", async_task_cancelled(t2));
    async_task_release(t1);
    async_task_release(t2);
}

int main(void)
{
    async_run(amain());
    return 0;
}
