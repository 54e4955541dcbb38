/* Code that shares a line with an async function's first or last line
 * stays where it was: compiled as written, and __LINE__ (as compiler
 * messages and gdb) sees the input's lines, after the function too. */
#include <stdio.h>
#include <async.h>
static int before = __LINE__; static async int one(int x) { return x + 1; } static int after = __LINE__;
static int next = __LINE__;
static async int two(int x)
{
    return await(one(x)) + 1;
}	static int tabbed = __LINE__;
static int last = __LINE__;
int main(void)
{
    int r = 0;
    int st = async_run(r = two(0));
    printf("%d %d %d %d %d r=%d st=%d\n", before, after, next, tabbed, last, r, st);
    return 0;
}
