/* The depfile of a file that includes one header twice (see cli.cmake). */
#include <async.h>
#include "cli_twice.h"
#include "cli_twice.h"

async int dep_value(void)
{
    await(async_sleep(0));
    return 1;
}
