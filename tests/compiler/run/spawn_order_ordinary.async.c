/* DESIGN.md 1.4 in ordinary code: the arguments of async_run and
 * async_create_task are evaluated before the address of the result lvalue. */
#include <stdio.h>
#include <async.h>
static async int square(int x) { return x * x + 100; }
static int bump(int *i) { return (*i)++; }
int main(void)
{
    int sums[4] = {0};
    int i = 0;
    async_task *t = NULL;
    int st = async_run(sums[i] = square(i++));
    printf("%d %d i=%d st=%d\n", sums[0], sums[1], i, st);
    (void)t;
    int j = 1;
    async_run(sums[j] = square(bump(&j) + 1));
    printf("%d %d %d j=%d\n", sums[1], sums[2], sums[3], j);
    return 0;
}
