/* Prints what twice(21) gives: 42 with twice2, 63 with twice3. */
#include <async.h>
#include <stdio.h>

async int twice(int x);

static async int amain(void)
{
    int r = await(twice(21));

    printf("twice(21) = %d\n", r);
    return 0;
}

int main(void)
{
    int rc = 1;
    int status = async_run(rc = amain());
    return status != 0 || rc != 0;
}
