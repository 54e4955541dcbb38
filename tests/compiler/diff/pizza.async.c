/* Lesson-style code: tasks in an array, gather over handles and results,
 * wait_for, an event, a lock and a queue; twin: pizza.py. */
#include <stdio.h>
#include <async.h>

static async_event ready;
static async_lock oven;
static async_queue orders;

static async int make_pizza(int id)
{
    printf("pizza %d: waiting for the oven\n", id);
    await(async_lock_acquire(&oven));
    printf("pizza %d: baking\n", id);
    await(async_sleep(0));
    async_lock_release(&oven);
    printf("pizza %d: done\n", id);
    return id * 10;
}

static async void waiter(const char *name)
{
    await(async_event_wait(&ready));
    printf("%s: the kitchen is open\n", name);
    int order = 0;
    await(async_queue_get(&orders, &order));
    printf("%s: took order %d\n", name, order);
}

static async void never_done(void)
{
    await(async_sleep(100));
}

static async int amain(void)
{
    async_task *w[2];
    w[0] = async_create_task(waiter("ann"));
    w[1] = async_create_task(waiter("bob"));
    await(async_sleep(0));
    printf("opening\n");
    async_event_set(&ready);
    for (int i = 1; i <= 2; i++)
        await(async_queue_put(&orders, &i));
    int st = await(async_gather(w[0], w[1]));
    printf("waiters: %d\n", st);
    async_task_release(w[0]);
    async_task_release(w[1]);

    int results[3] = {0};
    await(async_gather(results[0] = make_pizza(1), results[1] = make_pizza(2),
                       results[2] = make_pizza(3)));
    printf("results %d %d %d\n", results[0], results[1], results[2]);

    st = await(async_wait_for(never_done(), 0.01));
    printf("wait_for: %s\n", st == ASYNC_TIMEOUT ? "timeout" : "other");
    return results[0] + results[1] + results[2];
}

int main(void)
{
    async_event_init(&ready);
    async_lock_init(&oven);
    if (async_queue_init(&orders, 4, sizeof(int)) != 0)
        return 1;
    int total = 0;
    int st = async_run(total = amain());
    async_queue_destroy(&orders);
    printf("status %d total %d\n", st, total);
    return 0;
}
