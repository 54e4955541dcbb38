#include <stdio.h>
#include <async.h>
async int g(void);
async int f(void)
{
    int x = ({ printf("a"); await(g()); });
    return x;
}
