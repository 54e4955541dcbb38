/* Translated twice, for two libraries: TWICE_FACTOR is 3 in one of them. */
#include <async.h>

#ifndef TWICE_FACTOR
#define TWICE_FACTOR 2
#endif

async int twice(int x)
{
    int factor = TWICE_FACTOR;

    await(async_sleep(0));
    return factor * x;
}
