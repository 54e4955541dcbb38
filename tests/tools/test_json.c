/*
 * test_json.c - the JSON reader of asyncc-trace-svg (tools/trace-svg/json.c).
 *
 * Strictness is the point: what Python's json module or Perfetto refuses,
 * the reader refuses, and the message says where.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "trace_svg.h"

static struct json *parse(const char *text, char *err, size_t errsize)
{
    struct json_reader r;
    json_init(&r, "t.json", text, strlen(text));
    struct json *v = json_read(&r);
    if (v && !json_end(&r)) {
        json_free(v);
        v = NULL;
    }
    if (!v)
        json_error(&r, err, errsize);
    return v;
}

static void values(void **state)
{
    (void)state;
    char err[256];
    struct json *v = parse(" {\"a\": [1, -2.5e3, true, false, null], \"b\": \"x\\ty\", \"a\": 7} ",
                           err, sizeof err);
    assert_non_null(v);
    assert_int_equal(v->kind, JSON_OBJECT);
    /* The last of duplicate members wins. */
    const struct json *a = json_get(v, "a");
    assert_non_null(a);
    assert_int_equal(a->kind, JSON_NUMBER);
    assert_true(a->num == 7);
    const struct json *arr = v->child;
    assert_string_equal(arr->key, "a");
    assert_int_equal(arr->kind, JSON_ARRAY);
    const struct json *e = arr->child;
    assert_true(e->num == 1);
    e = e->next;
    assert_true(e->num == -2500);
    assert_int_equal(e->next->kind, JSON_TRUE);
    assert_int_equal(e->next->next->kind, JSON_FALSE);
    assert_int_equal(e->next->next->next->kind, JSON_NULL);
    assert_null(e->next->next->next->next);
    assert_string_equal(json_get(v, "b")->str, "x\ty");
    assert_null(json_get(v, "c"));
    json_free(v);
}

static void string_escapes(void **state)
{
    (void)state;
    char err[256];
    /* \u00e9 is e acute, \ud83c\udf55 is a pizza (U+1F355), raw UTF-8 passes. */
    struct json *v = parse("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83c\\udf55 caf\xc3\xa9\\u0000z\"",
                           err, sizeof err);
    assert_non_null(v);
    static const char want[] = "\"\\/\b\f\n\r\t\xc3\xa9\xf0\x9f\x8d\x95 caf\xc3\xa9\0z";
    assert_int_equal(v->len, sizeof want - 1);
    assert_memory_equal(v->str, want, sizeof want - 1);
    json_free(v);
}

static void expect_error(const char *text, const char *where, const char *what)
{
    char err[256];
    struct json *v = parse(text, err, sizeof err);
    if (v)
        fail_msg("accepted: %s", text);
    if (strncmp(err, where, strlen(where)) != 0 || !strstr(err, what))
        fail_msg("for %s\n  got:  %s\n  want: %s ... %s", text, err, where, what);
}

static void errors_name_the_place(void **state)
{
    (void)state;
    expect_error("[1, 2,]", "t.json:1:7:", "trailing comma");
    expect_error("{\"a\" 1}", "t.json:1:6:", "expected ':'");
    expect_error("[1 2]", "t.json:1:4:", "expected ',' or ']'");
    expect_error("{\n  \"a\": 1,\n  b: 2}", "t.json:3:3:", "member name");
    expect_error("[01]", "t.json:1:3:", "leading zero");
    expect_error("[1.]", "t.json:1:4:", "digit after '.'");
    expect_error("[1e]", "t.json:1:4:", "exponent");
    expect_error("[-]", "t.json:1:3:", "expected a digit");
    expect_error("[0x10]", "t.json:1:3:", "expected ',' or ']'");
    expect_error("[Infinity]", "t.json:1:2:", "expected a value");
    expect_error("[tru]", "t.json:1:2:", "expected a value");
    expect_error("\"abc", "t.json:1:5:", "unterminated string");
    expect_error("\"a\tb\"", "t.json:1:3:", "control character");
    expect_error("\"\\x\"", "t.json:1:3:", "invalid escape");
    expect_error("\"\\u12g4\"", "t.json:1:3:", "four hex digits");
    expect_error("\"\\ud83c\"", "t.json:1:8:", "high surrogate");
    expect_error("\"\\udf55\"", "t.json:1:8:", "low surrogate");
    expect_error("\"\xc3\"", "t.json:1:2:", "invalid UTF-8");
    expect_error("\"\xed\xa0\x80\"", "t.json:1:2:", "invalid UTF-8");
    expect_error("\"\xc0\xaf\"", "t.json:1:2:", "invalid UTF-8");
    expect_error("[1] x", "t.json:1:5:", "after the end");
    expect_error("", "t.json:1:1:", "the end of the input");
    expect_error("[1, /* no */ 2]", "t.json:1:5:", "expected a value");
    /* Columns count characters: the e acute is one column. */
    expect_error("[\"\xc3\xa9\", ]", "t.json:1:7:", "trailing comma");
}

static void deep_nesting_is_refused(void **state)
{
    (void)state;
    size_t n = 100000;
    char *text = malloc(n + 1);
    assert_non_null(text);
    memset(text, '[', n);
    text[n] = '\0';
    expect_error(text, "t.json:1:", "nested deeper");
    free(text);
}

static void streaming(void **state)
{
    (void)state;
    const char *text = "{\"x\": 1, \"traceEvents\": [ {\"a\":1}, [], 3 ] }";
    struct json_reader r;
    json_init(&r, "t.json", text, strlen(text));
    assert_int_equal(json_open(&r), '{');
    bool first = true;
    char *key = NULL;
    assert_true(json_next(&r, '{', &first, &key));
    assert_string_equal(key, "x");
    free(key);
    json_free(json_read(&r));
    assert_true(json_next(&r, '{', &first, &key));
    assert_string_equal(key, "traceEvents");
    free(key);
    assert_int_equal(json_open(&r), '[');
    bool f2 = true;
    int kinds[3], n = 0;
    while (json_next(&r, '[', &f2, NULL)) {
        struct json *v = json_read(&r);
        assert_non_null(v);
        kinds[n++] = (int)v->kind;
        json_free(v);
    }
    assert_false(r.failed);
    assert_int_equal(n, 3);
    assert_int_equal(kinds[0], JSON_OBJECT);
    assert_int_equal(kinds[1], JSON_ARRAY);
    assert_int_equal(kinds[2], JSON_NUMBER);
    assert_false(json_next(&r, '{', &first, &key));
    assert_false(r.failed);
    assert_true(json_end(&r));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(values),
        cmocka_unit_test(string_escapes),
        cmocka_unit_test(errors_name_the_place),
        cmocka_unit_test(deep_nesting_is_refused),
        cmocka_unit_test(streaming),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
