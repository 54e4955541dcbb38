#include <async.h>

async int fetch(int id);

#define FETCH_ONE() await(fetch(1))
#define TWICE(x) ((x) + (x))
#define DROP(x) 0

async int f(void)
{
    int a = FETCH_ONE();
    int b = TWICE(await(fetch(2)));
    int c = DROP(await(fetch(3)));
    return a + b + c;
}
