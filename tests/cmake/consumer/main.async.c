/* The consumer's program: awaits an async function from its library, runs
 * another one as a task, and checks the results.  Exits 0 and prints one
 * line when everything came out right. */
#include <async.h>
#include <stdio.h>

#include <fetch.h>
#include "late.h"

#ifndef CONSUMER_GREETING
#error "CONSUMER_GREETING is set after asyncc_add_executable() and must reach asyncc"
#endif

static async int sum_of_doubles(int a, int b)
{
    int x = await(fetch_double(a));
    int y = await(fetch_double(b));
    return x + y;
}

static async int amain(void)
{
    int r1 = 0;
    async_task *t = async_create_task(r1 = fetch_double(LATE_VALUE));
    int r2 = await(sum_of_doubles(1, 2));
    await(t);
    async_task_release(t);
    printf("%s: %d %d %d\n", CONSUMER_GREETING, r1, r2, plain_value());
    return r1 == 42 && r2 == 6 && plain_value() == 5 ? 0 : 1;
}

int main(void)
{
    int rc = -1;
    int status = async_run(rc = amain());
    return status == 0 && rc == 0 ? 0 : 1;
}
