/* DESIGN.md 1.4 in ordinary code: the arguments of async_run and
 * async_create_task are evaluated before the address of the result lvalue. */
#include <stdio.h>
#include <async.h>
static async int square(int x) { return x * x + 100; }
static int bump(int *i) { return (*i)++; }
int main(void)
{
    int sums[4] = {0};
    int i = 0;
    async_task *t = NULL;
    int st = async_run(sums[i] = square(i++));
    printf("%d %d i=%d st=%d\n", sums[0], sums[1], i, st);
    (void)t;
    int j = 1;
    async_run(sums[j] = square(bump(&j) + 1));
    printf("%d %d %d j=%d\n", sums[1], sums[2], sums[3], j);

    /* The same as the body of an unbraced if, else, loop, case and label. */
    int k = 0, r[8] = {0};
    if (k == 0)
        async_run(r[k] = square(k++));      /* r[1] = square(0) */
    else
        async_run(r[k] = square(k--));
    if (k == 0)
        async_run(r[k] = square(k++));
    else
        async_run(r[k] = square(k++ + 1));  /* r[2] = square(2) */
    for (int n = 0; n < 2; n++)
        async_run(r[k] = square(k++));      /* r[3] = square(2), r[4] = square(3) */
    switch (k) {
    case 4:
        async_run(r[k] = square(k++));      /* r[5] = square(4) */
        break;
    default:
        break;
    }
    goto here;
here:
    async_run(r[k] = square(k++));          /* r[6] = square(5) */
    printf("%d %d %d %d %d %d %d %d k=%d\n", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], k);

    /* Under &&, ||, ?: and the comma: the arguments are still evaluated
     * first, and only where the spawn is. */
    int m = 0, q[8] = {0}, ok = 1, no = 0;
    (void)(ok && async_run(q[m] = square(m++)));    /* q[1] = square(0) */
    (void)(no && async_run(q[m] = square(m++)));    /* not run */
    (void)(no || async_run(q[m] = square(m++)));    /* q[2] = square(1) */
    int st2 = ok ? async_run(q[m] = square(m++ + 1)) : -1;  /* q[3] = square(3) */
    (void)(m++, async_run(q[m] = square(m++)));     /* m 3 to 4: q[5] = square(4) */
    async_task *none = NULL;
    (void)(ok && (none = async_create_task(q[m] = square(m++))));  /* outside a loop: NULL */
    printf("%d %d %d %d %d %d %d %d m=%d st2=%d none=%d\n", q[0], q[1], q[2], q[3], q[4], q[5],
           q[6], q[7], m, st2, none == NULL);
    return 0;
}
