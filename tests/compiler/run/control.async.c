/* Every control-flow form with awaits in it. */
#include <stdio.h>
#include <async.h>

static async int val(int x)
{
    await(async_sleep(0));
    return x;
}

static async void loops(void)
{
    int i = 0;
    while (await(val(i)) < 3) {          /* condition re-evaluated */
        printf("while %d\n", i);
        i++;
        if (i == 1)
            continue;
    }
    i = 0;
    do {
        i++;
        if (i == 2)
            continue;                    /* goes to the condition */
        printf("do %d\n", i);
    } while (await(val(i)) < 4);
    for (int j = await(val(0)); j < await(val(3)); j += await(val(1))) {
        if (j == 1)
            continue;                    /* the increment still runs */
        printf("for %d\n", j);
    }
    for (int j = 0; j < 3; j++) {        /* awaits only in the body */
        if (j == 1)
            continue;
        printf("for2 %d %d\n", j, await(val(j * 10)));
    }
    for (;;) {
        if (await(val(i)) > 5)
            break;
        i++;
    }
    printf("after for(;;) %d\n", i);
    int k = 0;
    while (1) {
        k += await(val(2));
        if (k > 5)
            break;
    }
    printf("k %d\n", k);
}

static async void branches(int n)
{
    for (int i = 0; i < n; i++) {
        switch (i) {
        case 0:
            printf("case 0 %d\n", await(val(100)));
            /* fall through */
        case 1:
            printf("case 1 (i=%d)\n", i);
            await(async_sleep(0));
            break;
        default:
            if (await(val(i)) == 3) {
                printf("three\n");
            } else if (await(val(i)) == 2)
                printf("two\n");
            else
                printf("other %d\n", await(val(i)));
        }
    }
    int tries = 0;
again:
    tries++;
    await(async_sleep(0));
    if (tries < 3)
        goto again;
    printf("tries %d\n", tries);
    goto skip;
    printf("not printed\n");
skip:
    printf("skipped\n");
}

int main(void)
{
    printf("loops: %d\n", async_run(loops()));
    printf("branches: %d\n", async_run(branches(5)));
    return 0;
}
