/* Awaits in a loop condition, under &&, and a defer. */
#include <stdio.h>
#include <stdlib.h>
#include <async.h>

async int next(int *cursor);

async int sum_while(int limit)
{
    int *cursor = malloc(sizeof *cursor);
    async_defer(free(cursor));
    *cursor = 0;
    int sum = 0;
    while (sum < limit && await(next(cursor)) > 0) {
        sum += *cursor;
        if (sum % 2)
            continue;
    }
    for (int i = 0; i < 3; i += await(next(cursor)))
        sum++;
    return sum;
}
