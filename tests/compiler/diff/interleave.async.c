/* Tasks interleaving through sleep(0); twin: interleave.py. */
#include <stdio.h>
#include <async.h>

static async int worker(const char *name, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) {
        printf("%s step %d\n", name, i);
        total += i;
        await(async_sleep(0));
    }
    printf("%s done\n", name);
    return total;
}

static async int child(int x)
{
    printf("child %d starts\n", x);
    await(async_sleep(0));
    printf("child %d ends\n", x);
    return x * 10;
}

static async void amain(void)
{
    async_task *a = async_create_task(worker("a", 3));
    async_task *b = async_create_task(worker("b", 2));
    printf("created\n");
    int r = await(child(1));       /* runs at once, in this task */
    printf("child returned %d\n", r);
    await(a);
    await(b);
    async_task_release(a);
    async_task_release(b);
    int x = 0, y = 0;
    await(async_gather(x = child(2), y = child(3)));
    printf("gathered %d %d\n", x, y);
    int n = 0;
    while (await(child(n)) < 20)
        n++;
    printf("n=%d\n", n);
}

int main(void)
{
    async_run(amain());
    printf("end\n");
    return 0;
}
