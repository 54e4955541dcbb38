/* The input's own #line directives (as a generator writes them): the
 * generated code's #line follow them (see cli.cmake). */
#include <async.h>

#line 500 "gen.y"
async int from_grammar(int x)
{
    await(async_sleep(0));
    return x + 1;
}
