/* async_create_task as a statement in every position, and its handle kept
 * through a cast: a thrown-away handle is released, a kept one is not. */
#include <stdio.h>
#include <stdint.h>
#include <async.h>
static async void hello(int i) { printf("hello %d\n", i); }
static async void amain(void)
{
    for (int i = 0; i < 2; i++)
        async_create_task(hello(i));
    if (1)
        async_create_task(hello(5));
    uintptr_t u = (uintptr_t)async_create_task(hello(7));
    (void)async_create_task(hello(8));
    await(async_sleep(0));
    async_task_release((async_task *)u);
}
int main(void)
{
    if (1)
        async_run(amain());
    return 0;
}
