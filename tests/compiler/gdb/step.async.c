/* What gdb sees of a translated program (see ../gdb.cmake, which names
 * these lines): breakpoints on the annotated source's lines, in an async
 * function before and after an await, in ordinary code after an async
 * function, and `next` from one line to the next. */
#include <stdio.h>
#include <async.h>

static async int add_one(int x)
{
    int y = x + 1;                  /* line 10: before the await */
    await(async_sleep(0));
    return y;                       /* line 12: resumed after it */
}

static int counter;

static int twice(int v)
{
    counter += 1;
    counter += 10;                  /* line 20: stopped here, counter is 1 */
    return v * 2;
}

static async int amain(void)
{
    int a = await(add_one(1));
    int b = twice(a);               /* line 27 */
    printf("b=%d\n", b);            /* line 28: where `next` from 27 lands */
    return 0;
}

int main(void)
{
    int r = 1;
    async_run(r = amain());
    return r;
}
