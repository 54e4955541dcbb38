/*
 * test_load.c - asyncc-trace-svg's loader and drawing (load.c, svg.c).
 *
 * Traces written by hand: both top-level shapes, complete events and
 * begin/end pairs, names and ordering from metadata, and the errors that
 * make the tool refuse a file.  The SVG is checked for one bar per span.
 */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_svg.h"

static const char lesson[] =
    "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
    "{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":\"process_name\",\"args\":{\"name\":\"asyncc run 1\"}},\n"
    "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_name\",\"args\":{\"name\":\"make_pizza\"}},\n"
    "{\"ph\":\"M\",\"pid\":1,\"tid\":2,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":2}},\n"
    "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":\"main <&>\"}},\n"
    "{\"ph\":\"M\",\"pid\":1,\"tid\":1,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":1}},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"cat\":\"run\",\"name\":\"main\",\"ts\":10,\"dur\":5},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"cat\":\"wait\",\"name\":\"scheduled\",\"ts\":12,\"dur\":4},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"cat\":\"run\",\"name\":\"make_pizza\",\"ts\":16,\"dur\":3},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"cat\":\"other,wait\",\"name\":\"sleep\",\"ts\":19,\"dur\":500000},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"cat\":\"wait\",\"name\":\"gather\",\"ts\":15,\"dur\":500010},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":2,\"cat\":\"run\",\"name\":\"make_pizza\",\"ts\":500019,\"dur\":0},\n"
    "{\"ph\":\"i\",\"pid\":1,\"tid\":2,\"name\":\"an instant\",\"ts\":7},\n"
    "{\"ph\":\"X\",\"pid\":1,\"tid\":1,\"cat\":\"run\",\"name\":\"main\",\"ts\":500025,\"dur\":2}\n"
    "]}\n";

static bool load(struct trace *tr, const char *text, char *err, size_t errsize)
{
    return trace_load(tr, "t.json", text, strlen(text), err, errsize);
}

static void rows_and_spans(void **state)
{
    (void)state;
    struct trace tr;
    char err[512] = "";
    assert_true(load(&tr, lesson, err, sizeof err));
    assert_int_equal(tr.nevents, 13);
    assert_int_equal(tr.nrows, 2);
    assert_int_equal(tr.nrun, 4);
    assert_int_equal(tr.nwait, 3);
    assert_true(tr.t0 == 10);
    assert_true(tr.t1 == 500027);
    /* Sorted by thread_sort_index, not by first appearance. */
    assert_string_equal(tr.rows[0]->label, "main <&>");
    assert_string_equal(tr.rows[1]->label, "make_pizza");
    assert_int_equal(tr.rows[0]->nspans, 3);
    assert_int_equal(tr.rows[1]->nspans, 4);
    assert_true(tr.rows[1]->spans[2].wait);     /* "other,wait" is a wait */
    assert_string_equal(tr.rows[1]->spans[2].name, "sleep");
    assert_false(tr.rows[1]->spans[3].wait);
    assert_string_equal(trace_process_name(&tr, "1"), "asyncc run 1");
    trace_free(&tr);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static char *draw(const struct trace *tr, const char *title)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    struct svg_options opt = { .title = title, .width = 800 };
    assert_true(svg_write(f, tr, &opt));
    fclose(f);
    return buf;
}

static void one_bar_per_span(void **state)
{
    (void)state;
    struct trace tr;
    char err[512];
    assert_true(load(&tr, lesson, err, sizeof err));
    char *svg = draw(&tr, "pizza & burger");
    assert_int_equal(count(svg, "class=\"run\""), 4);
    assert_int_equal(count(svg, "class=\"wait\""), 3);
    assert_int_equal(count(svg, "class=\"row\""), 2);
    /* Text is escaped for XML. */
    assert_non_null(strstr(svg, "pizza &amp; burger"));
    assert_non_null(strstr(svg, "main &lt;&amp;&gt; #1"));
    assert_null(strstr(svg, "<&>"));
    /* A zero-length span is still drawn, one pixel wide. */
    assert_non_null(strstr(svg, "width=\"1.00\""));
    /* The axis is in tenths of seconds for a half-second trace, from 0. */
    assert_non_null(strstr(svg, ">0.0 s</text>"));
    assert_non_null(strstr(svg, ">0.5 s</text>"));
    assert_true(strncmp(svg, "<?xml", 5) == 0);
    assert_non_null(strstr(svg, "</svg>\n"));
    free(svg);
    trace_free(&tr);
}

static void array_form_and_begin_end(void **state)
{
    (void)state;
    const char *text =
        "[{\"ph\":\"B\",\"pid\":\"p\",\"tid\":\"worker\",\"name\":\"outer\",\"ts\":0},"
        " {\"ph\":\"B\",\"pid\":\"p\",\"tid\":\"worker\",\"name\":\"inner\",\"cat\":\"wait\",\"ts\":1},"
        " {\"ph\":\"E\",\"pid\":\"p\",\"tid\":\"worker\",\"ts\":2.5},"
        " {\"ph\":\"E\",\"pid\":\"p\",\"tid\":\"worker\",\"ts\":4},"
        " {\"ph\":\"X\",\"pid\":\"p\",\"tid\":7,\"name\":\"x\",\"ts\":3}]";
    struct trace tr;
    char err[512];
    assert_true(load(&tr, text, err, sizeof err));
    assert_int_equal(tr.nrows, 2);
    /* The numeric tid sorts before the named one. */
    assert_string_equal(tr.rows[0]->tid, "7");
    assert_string_equal(tr.rows[1]->tid, "worker");
    const struct row *w = tr.rows[1];
    assert_int_equal(w->nspans, 2);
    assert_string_equal(w->spans[0].name, "inner");
    assert_true(w->spans[0].wait);
    assert_true(w->spans[0].start == 1 && w->spans[0].end == 2.5);
    assert_string_equal(w->spans[1].name, "outer");
    assert_true(w->spans[1].start == 0 && w->spans[1].end == 4);
    assert_int_equal(tr.nrun, 2);
    assert_int_equal(tr.nwait, 1);
    trace_free(&tr);
}

static void several_runs(void **state)
{
    (void)state;
    const char *text =
        "{\"traceEvents\":["
        "{\"ph\":\"M\",\"pid\":10,\"name\":\"process_name\",\"args\":{\"name\":\"run ten\"}},"
        "{\"ph\":\"X\",\"pid\":10,\"tid\":1,\"name\":\"a\",\"ts\":5,\"dur\":1},"
        "{\"ph\":\"X\",\"pid\":2,\"tid\":1,\"name\":\"b\",\"ts\":1,\"dur\":1}]}";
    struct trace tr;
    char err[512];
    assert_true(load(&tr, text, err, sizeof err));
    assert_int_equal(tr.npids, 2);
    assert_string_equal(tr.rows[0]->pid, "2");     /* numeric order: 2 before 10 */
    char *svg = draw(&tr, NULL);
    assert_non_null(strstr(svg, ">run ten: track #1<"));
    assert_non_null(strstr(svg, ">2: track #1<"));
    free(svg);
    trace_free(&tr);
}

static void long_labels_are_cut(void **state)
{
    (void)state;
    const char *text =
        "[{\"ph\":\"M\",\"tid\":1,\"name\":\"thread_name\",\"args\":{\"name\":"
        "\"\u00e9very_long_function_name_that_goes_on_and_on_and_on_and_on\"}},"
        "{\"ph\":\"X\",\"tid\":1,\"name\":\"x\",\"ts\":0,\"dur\":1}]";
    struct trace tr;
    char err[512];
    assert_true(load(&tr, text, err, sizeof err));
    char *svg = draw(&tr, NULL);
    /* 48 characters (the e acute is one), then "...". */
    assert_non_null(strstr(svg, ">\xc3\xa9very_long_function_name_that_goes_on_and_on_and...<"));
    free(svg);
    trace_free(&tr);
}

static void expect_refused(const char *text, const char *what)
{
    struct trace tr;
    char err[512] = "";
    if (load(&tr, text, err, sizeof err))
        fail_msg("accepted: %s", text);
    if (!strstr(err, what) || strncmp(err, "t.json:", 7) != 0)
        fail_msg("for %s\n  got:  %s\n  want: ... %s", text, err, what);
    trace_free(&tr);
}

static void refusals(void **state)
{
    (void)state;
    expect_refused("{\"traceEvents\":[}", "t.json:1:17: expected a value, found '}' (invalid JSON)");
    expect_refused("{\"traceEvents\":[],}", "trailing comma");
    expect_refused("{\"traceEvents\":[]} {}", "after the end");
    expect_refused("42", "not a trace");
    expect_refused("{\"other\":1}", "no 'traceEvents'");
    expect_refused("{\"traceEvents\":{}}", "'traceEvents' is not an array");
    expect_refused("[]", "no spans to draw (0 events");
    expect_refused("[{\"ph\":\"i\",\"ts\":1}]", "no spans to draw (1 events");
    expect_refused("[1]", "event 1 is not an object");
    expect_refused("[{\"ts\":1}]", "event 1 has no 'ph'");
    expect_refused("[{\"ph\":\"X\",\"dur\":1}]", "event 1: 'ts' is missing");
    expect_refused("[{\"ph\":\"X\",\"ts\":\"1\"}]", "event 1: 'ts' is not a number");
    expect_refused("[{\"ph\":\"X\",\"ts\":1,\"dur\":-1}]", "event 1: negative 'dur'");
    expect_refused("[{\"ph\":\"X\",\"ts\":1,\"tid\":[]}]", "'pid' and 'tid' must be");
    expect_refused("[{\"ph\":\"X\",\"ts\":1},{\"ph\":\"E\",\"ts\":2,\"tid\":3}]",
                   "event 2: an end ('E') without a begin");
    expect_refused("[{\"ph\":\"B\",\"ts\":5},{\"ph\":\"E\",\"ts\":2}]", "before its begin");
    expect_refused("[{\"ph\":\"M\",\"name\":\"thread_name\",\"args\":{}}]", "thread_name without");
    expect_refused("[{\"ph\":\"X\",\"ts\":1e999}]", "'ts' is not a number");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rows_and_spans),
        cmocka_unit_test(one_bar_per_span),
        cmocka_unit_test(array_form_and_begin_end),
        cmocka_unit_test(several_runs),
        cmocka_unit_test(long_labels_are_cut),
        cmocka_unit_test(refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
