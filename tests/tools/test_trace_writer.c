/*
 * test_trace_writer.c - ASYNC_TRACE's writer (runtime/src/trace.c), driven
 * through the hooks the loop calls, with no loop in between.
 *
 * Each trace written is read back with asyncc-trace-svg's strict reader and
 * loader: the file is JSON, each task is one track named after its
 * function, and its spans alternate as the hooks said, with real durations.
 * The test of a bad path runs last: after a failure tracing stays off for
 * the rest of the process, by design.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace.h"
#include "trace_svg.h"

static char path[4096];

static void nap_ms(long ms)
{
    struct timespec t = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&t, NULL);
}

static char *slurp(const char *p, size_t *len)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    char *buf = malloc(1 << 24);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 24) - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

static void load_back(struct trace *tr)
{
    size_t len;
    char *text = slurp(path, &len);
    char err[512];
    if (!trace_load(tr, path, text, len, err, sizeof err))
        fail_msg("%s", err);
    free(text);
}

static const struct row *row_named(const struct trace *tr, const char *label)
{
    for (size_t i = 0; i < tr->nrows; i++)
        if (tr->rows[i]->label && strcmp(tr->rows[i]->label, label) == 0)
            return tr->rows[i];
    fail_msg("no track named '%s'", label);
    return NULL;
}

static int setup(void **state)
{
    (void)state;
    const char *dir = getenv("TEST_TRACE_DIR");
    snprintf(path, sizeof path, "%s/trace-writer-%ld.json", dir ? dir : ".", (long)getpid());
    remove(path);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    remove(path);
    unsetenv("ASYNC_TRACE");
    return 0;
}

static void off_without_the_variable(void **state)
{
    (void)state;
    unsetenv("ASYNC_TRACE");
    int task;
    async__trace_open();
    assert_false(async__trace_on);
    async__trace_task_new(&task, "main");
    async__trace_run_begin(&task);
    async__trace_run_end(&task, NULL, NULL, 0);
    async__trace_task_end(&task);
    async__trace_close();
    assert_int_equal(access(path, F_OK), -1);
    /* An empty value means off, too. */
    setenv("ASYNC_TRACE", "", 1);
    async__trace_open();
    assert_false(async__trace_on);
}

/* The lesson's shape: main gathers a pizza (0.05 s) and a burger (0.03 s). */
static void one_track_per_task(void **state)
{
    (void)state;
    int m, pizza, burger;
    setenv("ASYNC_TRACE", path, 1);
    async__trace_open();
    assert_true(async__trace_on);
    async__trace_task_new(&m, "main");
    async__trace_run_begin(&m);
    async__trace_task_new(&pizza, "make_pizza");
    async__trace_task_new(&burger, "make_burger");
    async__trace_run_end(&m, "gather", NULL, 0);
    async__trace_run_begin(&pizza);
    async__trace_run_end(&pizza, "sleep", "lesson \"5\".async.c", 12);
    async__trace_run_begin(&burger);
    async__trace_run_end(&burger, "sleep", NULL, 0);
    nap_ms(30);
    async__trace_run_begin(&burger);
    async__trace_run_end(&burger, NULL, NULL, 0);
    async__trace_task_end(&burger);
    nap_ms(20);
    async__trace_run_begin(&pizza);
    nap_ms(5);                                  /* a visible running span */
    async__trace_run_end(&pizza, NULL, NULL, 0);
    async__trace_task_end(&pizza);
    async__trace_task_end(&pizza);              /* finished, then freed: once */
    async__trace_run_begin(&m);
    async__trace_run_end(&m, NULL, NULL, 0);
    async__trace_task_end(&m);
    async__trace_close();
    assert_false(async__trace_on);

    /* Where the pizza waited, as the hook said, escaped; the burger's wait
     * says nothing of where. */
    size_t len;
    char *text = slurp(path, &len);
    const char *at = strstr(text, "\"cat\":\"wait\",\"name\":\"sleep\"");
    assert_non_null(at);
    const char *args = strstr(text, ",\"args\":{\"at\":\"lesson \\\"5\\\".async.c:12\"}}");
    assert_non_null(args);
    /* The only one: no other span says where. */
    assert_ptr_equal(strstr(text, "\"args\":{\"at\""), args + 1);
    assert_null(strstr(args + 2, "\"args\":{\"at\""));
    free(text);

    struct trace tr;
    load_back(&tr);
    assert_int_equal(tr.nrows, 3);
    assert_int_equal(tr.npids, 1);
    assert_string_equal(tr.rows[0]->label, "main");        /* creation order */
    assert_string_equal(tr.rows[1]->label, "make_pizza");
    assert_string_equal(tr.rows[2]->label, "make_burger");
    assert_int_equal(tr.nrun, 6);
    /* Each task: scheduled, then run and wait alternating, ending in a run.
     * A track's spans are written in the order they end, which for one task
     * is the order of time. */
    const struct row *p = row_named(&tr, "make_pizza");
    assert_int_equal(p->nspans, 4);
    const char *want[] = { "scheduled", "make_pizza", "sleep", "make_pizza" };
    bool wait[] = { true, false, true, false };
    for (size_t i = 0; i < 4; i++) {
        assert_string_equal(p->spans[i].name, want[i]);
        assert_int_equal(p->spans[i].wait, wait[i]);
        /* Adjacent: ts and dur are each rounded to a nanosecond. */
        if (i > 0)
            assert_true(fabs(p->spans[i].start - p->spans[i - 1].end) < 0.01);
    }
    /* The pizza's wait on sleep lasted the 50 ms we slept, in microseconds. */
    for (size_t j = 0; j < p->nspans; j++) {
        const struct span *s = &p->spans[j];
        if (s->wait && strcmp(s->name, "sleep") == 0)
            assert_true(s->end - s->start >= 49000 && s->end - s->start < 5e6);
        if (!s->wait && s->end - s->start > 1000)
            assert_true(s->end - s->start >= 4900);
    }
    const struct row *mr = row_named(&tr, "main");
    bool gather = false;
    for (size_t j = 0; j < mr->nspans; j++)
        if (mr->spans[j].wait && strcmp(mr->spans[j].name, "gather") == 0)
            gather = mr->spans[j].end - mr->spans[j].start >= 49000;
    assert_true(gather);
    trace_free(&tr);
}

static void names_are_escaped(void **state)
{
    (void)state;
    int t;
    setenv("ASYNC_TRACE", path, 1);
    async__trace_open();
    async__trace_task_new(&t, "odd \"name\"\\\n\x01\xff\xc3\xa9");
    async__trace_run_begin(&t);
    async__trace_run_end(&t, "wait \"x\"", NULL, 0);
    async__trace_close();                       /* closes the open wait */
    struct trace tr;
    load_back(&tr);
    assert_int_equal(tr.nrows, 1);
    assert_string_equal(tr.rows[0]->label, "odd \"name\"\\\n\x01\xef\xbf\xbd\xc3\xa9");
    assert_int_equal(tr.nrun, 1);
    assert_int_equal(tr.nwait, 2);
    bool found = false;
    for (size_t j = 0; j < tr.rows[0]->nspans; j++)
        found |= strcmp(tr.rows[0]->spans[j].name, "wait \"x\"") == 0;
    assert_true(found);
    trace_free(&tr);
}

/* Two runs in one process share the file, one pid each, on one clock. */
static void runs_share_the_file(void **state)
{
    (void)state;
    int t;
    setenv("ASYNC_TRACE", path, 1);
    for (int run = 0; run < 3; run++) {
        async__trace_open();
        async__trace_task_new(&t, "main");
        async__trace_run_begin(&t);
        nap_ms(2);
        async__trace_run_end(&t, NULL, NULL, 0);
        async__trace_task_end(&t);
        async__trace_close();
    }
    struct trace tr;
    load_back(&tr);
    assert_int_equal(tr.npids, 3);
    assert_int_equal(tr.nrows, 3);
    assert_int_equal(tr.nrun, 3);
    assert_string_equal(trace_process_name(&tr, "2"), "asyncc run 2");
    assert_true(tr.rows[0]->spans[tr.rows[0]->nspans - 1].end <= tr.rows[1]->spans[0].start);
    trace_free(&tr);
}

/* Thousands of live tasks, ended in a scrambled order, with addresses
 * reused: the table keeps every track apart. */
static void many_tasks(void **state)
{
    (void)state;
    enum { N = 5000 };
    static char tasks[N];
    setenv("ASYNC_TRACE", path, 1);
    async__trace_open();
    for (int i = 0; i < N; i++)
        async__trace_task_new(&tasks[i], "worker");
    for (int i = 0; i < N; i++) {
        async__trace_run_begin(&tasks[i]);
        async__trace_run_end(&tasks[i], "sleep", NULL, 0);
    }
    for (int k = 0; k < N; k++) {
        int i = (int)(((long)k * 2654435761L) % N);   /* a permutation of 0..N-1 */
        async__trace_run_begin(&tasks[i]);
        async__trace_run_end(&tasks[i], NULL, NULL, 0);
        async__trace_task_end(&tasks[i]);
    }
    /* The same addresses again, as new tasks. */
    for (int i = 0; i < 100; i++) {
        async__trace_task_new(&tasks[i], "again");
        async__trace_run_begin(&tasks[i]);
        async__trace_run_end(&tasks[i], NULL, NULL, 0);
        async__trace_task_end(&tasks[i]);
    }
    async__trace_close();
    struct trace tr;
    load_back(&tr);
    assert_int_equal(tr.nrows, N + 100);
    assert_int_equal(tr.nrun, 2 * N + 100);
    assert_int_equal(tr.nwait, 2 * N + 100);
    for (size_t i = 0; i < tr.nrows; i++)
        assert_int_equal(tr.rows[i]->nspans, i < N ? 4 : 2);
    trace_free(&tr);
}

/* exit() from inside a coroutine: the loop never closes, yet the file is
 * finished, with the running span closed at exit. */
static void exit_finishes_the_file(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int t;
        setenv("ASYNC_TRACE", path, 1);
        async__trace_open();
        async__trace_task_new(&t, "main");
        async__trace_run_begin(&t);
        nap_ms(3);
        exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    struct trace tr;
    load_back(&tr);
    assert_int_equal(tr.nrows, 1);
    assert_int_equal(tr.nrun, 1);
    const struct span *s = &tr.rows[0]->spans[tr.rows[0]->nspans - 1];
    assert_false(s->wait);
    assert_true(s->end - s->start >= 2900);
    trace_free(&tr);
}

static void bad_path_warns_once(void **state)
{
    (void)state;
    char errpath[4200];
    snprintf(errpath, sizeof errpath, "%s.stderr", path);
    fflush(stderr);
    int saved = dup(2);
    FILE *capture = freopen(errpath, "w", stderr);
    assert_non_null(capture);

    setenv("ASYNC_TRACE", "/nonexistent-dir/for/trace.json", 1);
    int t;
    for (int run = 0; run < 3; run++) {
        async__trace_open();
        assert_false(async__trace_on);
        async__trace_task_new(&t, "main");
        async__trace_run_begin(&t);
        async__trace_run_end(&t, NULL, NULL, 0);
        async__trace_close();
    }
    fflush(stderr);
    dup2(saved, 2);
    close(saved);

    size_t len;
    char *text = slurp(errpath, &len);
    remove(errpath);
    assert_non_null(strstr(text, "asyncc: ASYNC_TRACE: cannot write '/nonexistent-dir/for/trace.json'"));
    assert_non_null(strstr(text, "tracing is off"));
    size_t lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(off_without_the_variable, setup, teardown),
        cmocka_unit_test_setup_teardown(one_track_per_task, setup, teardown),
        cmocka_unit_test_setup_teardown(names_are_escaped, setup, teardown),
        cmocka_unit_test_setup_teardown(runs_share_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(many_tasks, setup, teardown),
        cmocka_unit_test_setup_teardown(exit_finishes_the_file, setup, teardown),
        cmocka_unit_test_setup_teardown(bad_path_warns_once, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
