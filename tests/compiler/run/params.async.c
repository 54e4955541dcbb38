/* Parameters of every kind; struct results. */
#include <stdio.h>
#include <async.h>

struct big { int v[8]; };
typedef int (*binop)(int, int);

static int plus(int a, int b) { return a + b; }

static async struct big twice(struct big b, const int k, int arr[3], binop op,
                              const char *restrict name, char c)
{
    await(async_sleep(0));
    for (int i = 0; i < 8; i++)
        b.v[i] = op(b.v[i], k);
    arr[0] = 99;
    printf("%s %c\n", name, c);
    return b;
}

static async double avg(unsigned long n, double *xs)
{
    double s = 0;
    for (unsigned long i = 0; i < n; i++) {
        s += xs[i];
        await(async_sleep(0));
    }
    return n ? s / (double)n : 0.0;
}

#define MAX(a, b) ((a) > (b) ? (a) : (b))

static async int pick(void *p, int x)
{
    return p == NULL ? x : -1;
}

static async void run(void)
{
    int m = 3, n = 4;
    printf("max %d\n", await(pick(NULL, MAX(m, n))));
    async_task *t = async_create_task(pick(NULL, MAX(m, n)));
    printf("null %d\n", await(NULL) == NULL);
    await(t);
    async_task_release(t);
    struct big b = {{1, 2, 3, 4, 5, 6, 7, 8}};
    int arr[3] = {0};
    struct big r = await(twice(b, 10, arr, plus, "name", 'x'));
    printf("%d %d %d\n", r.v[0], r.v[7], arr[0]);
    double xs[] = {1.0, 2.0, 4.5};
    printf("%.2f\n", await(avg(3, xs)));
}

int main(void)
{
    return async_run(run());
}
