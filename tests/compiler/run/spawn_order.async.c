/* DESIGN.md 1.4: a task's arguments are evaluated before the address of
 * the lvalue that receives its result. */
#include <stdio.h>
#include <async.h>
static async int square(int x) { return x * x + 100; }
static async void amain(void)
{
    int sums[4] = {0};
    int i = 0;
    async_task *t = async_create_task(sums[i] = square(i++));
    await(t);
    async_task_release(t);
    await(async_gather(sums[i] = square(i++ + 5)));
    printf("%d %d %d i=%d\n", sums[0], sums[1], sums[2], i);
}
int main(void) { return async_run(amain()); }
