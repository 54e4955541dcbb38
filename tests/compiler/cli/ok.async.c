#include <async.h>
#include "cli_local.h"

async int twice(int x)
{
    await(async_sleep(0));
    return LOCAL_FACTOR * x;
}
