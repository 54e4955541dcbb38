/*
 * json.c - a strict JSON reader (RFC 8259), by recursive descent.
 *
 * Strict, because a trace that Perfetto or Python would refuse should be
 * refused here too, with the line and column of the first problem: no
 * trailing commas, no comments, no bare control characters or invalid
 * UTF-8 in strings, no leading zeros.  Strings are decoded (escapes and
 * surrogate pairs to UTF-8).  Nesting is limited, so that hostile input
 * cannot exhaust the stack.
 */
#include "trace_svg.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { MAX_DEPTH = 200 };

void json_init(struct json_reader *r, const char *name, const char *text, size_t len)
{
    memset(r, 0, sizeof *r);
    r->text = text;
    r->len = len;
    r->name = name;
}

bool json_fail(struct json_reader *r, const char *fmt, ...)
{
    if (r->failed)
        return false;
    r->failed = true;
    r->err_pos = r->pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof r->err, fmt, ap);
    va_end(ap);
    return false;
}

void json_error(const struct json_reader *r, char *buf, size_t size)
{
    size_t line = 1, col = 1;
    for (size_t i = 0; i < r->err_pos && i < r->len; i++) {
        if (r->text[i] == '\n') {
            line++;
            col = 1;
        } else if (((unsigned char)r->text[i] & 0xc0) != 0x80) {
            col++;          /* columns count characters, not UTF-8 bytes */
        }
    }
    snprintf(buf, size, "%s:%zu:%zu: %s", r->name, line, col, r->err);
}

static int peek(const struct json_reader *r)
{
    return r->pos < r->len ? (unsigned char)r->text[r->pos] : -1;
}

static void skip_ws(struct json_reader *r)
{
    while (r->pos < r->len) {
        char c = r->text[r->pos];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        r->pos++;
    }
}

/* What stands at the current position, for messages. */
static const char *found(const struct json_reader *r)
{
    static char buf[16];
    int c = peek(r);
    if (c < 0)
        return "the end of the input";
    if (c < 0x20 || c >= 0x7f)
        snprintf(buf, sizeof buf, "byte 0x%02x", (unsigned)c);
    else
        snprintf(buf, sizeof buf, "'%c'", c);
    return buf;
}

static struct json *new_value(struct json_reader *r, enum json_kind kind)
{
    struct json *v = calloc(1, sizeof *v);
    if (!v)
        json_fail(r, "out of memory");
    else
        v->kind = kind;
    return v;
}

void json_free(struct json *v)
{
    while (v) {
        struct json *next = v->next;
        json_free(v->child);
        free(v->str);
        free(v->key);
        free(v);
        v = next;
    }
}

/* ------------------------------------------------------------------------
 * Strings.
 * ---------------------------------------------------------------------- */

struct buf {
    char *p;
    size_t len, cap;
};

static bool put(struct json_reader *r, struct buf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 32;
        while (b->len + n + 1 > cap)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p)
            return json_fail(r, "out of memory");
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return true;
}

static int hex4(const struct json_reader *r, size_t at)
{
    if (at + 4 > r->len)
        return -1;
    int v = 0;
    for (size_t i = at; i < at + 4; i++) {
        char c = r->text[i];
        int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
              : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

static size_t utf8_encode(unsigned long cp, char *out)
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xc0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3f));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xe0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
        out[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    out[0] = (char)(0xf0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
    out[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* The length of the valid UTF-8 sequence at text[at], or 0. */
static size_t utf8_valid(const struct json_reader *r, size_t at)
{
    const unsigned char *p = (const unsigned char *)r->text + at;
    size_t left = r->len - at;
    unsigned c = p[0];
    size_t n = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3
             : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (n == 0 || n > left)
        return 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xc0) != 0x80)
            return 0;
    if (n == 3 && ((c == 0xe0 && p[1] < 0xa0) || (c == 0xed && p[1] >= 0xa0)))
        return 0;       /* overlong, or a surrogate */
    if (n == 4 && ((c == 0xf0 && p[1] < 0x90) || (c == 0xf4 && p[1] >= 0x90)))
        return 0;       /* overlong, or past U+10FFFF */
    return n;
}

/* Reads a string at the current '"' into *out (malloc'd). */
static bool read_string(struct json_reader *r, char **out, size_t *outlen)
{
    struct buf b = { 0 };
    r->pos++;                               /* the opening quote */
    if (!put(r, &b, "", 0))
        return false;
    for (;;) {
        if (r->pos >= r->len) {
            json_fail(r, "unterminated string");
            goto fail;
        }
        unsigned char c = (unsigned char)r->text[r->pos];
        if (c == '"') {
            r->pos++;
            break;
        }
        if (c < 0x20) {
            json_fail(r, "control character 0x%02x in a string (escape it)", c);
            goto fail;
        }
        if (c >= 0x80) {
            size_t n = utf8_valid(r, r->pos);
            if (n == 0) {
                json_fail(r, "invalid UTF-8 in a string");
                goto fail;
            }
            if (!put(r, &b, r->text + r->pos, n))
                goto fail;
            r->pos += n;
            continue;
        }
        if (c != '\\') {
            size_t start = r->pos;
            while (r->pos < r->len) {
                unsigned char d = (unsigned char)r->text[r->pos];
                if (d == '"' || d == '\\' || d < 0x20 || d >= 0x80)
                    break;
                r->pos++;
            }
            if (!put(r, &b, r->text + start, r->pos - start))
                goto fail;
            continue;
        }
        /* An escape. */
        r->pos++;
        int e = peek(r);
        const char *simple = NULL;
        switch (e) {
        case '"': simple = "\""; break;
        case '\\': simple = "\\"; break;
        case '/': simple = "/"; break;
        case 'b': simple = "\b"; break;
        case 'f': simple = "\f"; break;
        case 'n': simple = "\n"; break;
        case 'r': simple = "\r"; break;
        case 't': simple = "\t"; break;
        case 'u': break;
        default:
            json_fail(r, "invalid escape '\\%c' in a string", e < 0x20 || e >= 0x7f ? '?' : e);
            goto fail;
        }
        if (simple) {
            r->pos++;
            if (!put(r, &b, simple, 1))
                goto fail;
            continue;
        }
        int u = hex4(r, r->pos + 1);
        if (u < 0) {
            json_fail(r, "'\\u' must be followed by four hex digits");
            goto fail;
        }
        r->pos += 5;
        unsigned long cp = (unsigned long)u;
        if (u >= 0xd800 && u <= 0xdbff) {
            int lo = r->pos + 1 < r->len && r->text[r->pos] == '\\' && r->text[r->pos + 1] == 'u'
                   ? hex4(r, r->pos + 2) : -1;
            if (lo < 0xdc00 || lo > 0xdfff) {
                json_fail(r, "a high surrogate '\\u%04x' without its low half", (unsigned)u);
                goto fail;
            }
            r->pos += 6;
            cp = 0x10000 + (((unsigned long)u - 0xd800) << 10) + ((unsigned long)lo - 0xdc00);
        } else if (u >= 0xdc00 && u <= 0xdfff) {
            json_fail(r, "a low surrogate '\\u%04x' without its high half", (unsigned)u);
            goto fail;
        }
        char enc[4];
        if (!put(r, &b, enc, utf8_encode(cp, enc)))
            goto fail;
    }
    *out = b.p;
    if (outlen)
        *outlen = b.len;
    return true;
fail:
    free(b.p);
    return false;
}

/* ------------------------------------------------------------------------
 * Numbers: -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?
 * ---------------------------------------------------------------------- */

static bool is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool read_number(struct json_reader *r, double *out)
{
    size_t start = r->pos;
    if (peek(r) == '-')
        r->pos++;
    if (peek(r) == '0') {
        r->pos++;
        if (is_digit(peek(r)))
            return json_fail(r, "a number cannot have a leading zero");
    } else if (is_digit(peek(r))) {
        while (is_digit(peek(r)))
            r->pos++;
    } else {
        return json_fail(r, "expected a digit, found %s", found(r));
    }
    if (peek(r) == '.') {
        r->pos++;
        if (!is_digit(peek(r)))
            return json_fail(r, "expected a digit after '.', found %s", found(r));
        while (is_digit(peek(r)))
            r->pos++;
    }
    if (peek(r) == 'e' || peek(r) == 'E') {
        r->pos++;
        if (peek(r) == '+' || peek(r) == '-')
            r->pos++;
        if (!is_digit(peek(r)))
            return json_fail(r, "expected a digit in the exponent, found %s", found(r));
        while (is_digit(peek(r)))
            r->pos++;
    }
    /* strtod reads more than JSON allows (hex, "inf"), so it gets exactly
     * the span checked above, copied out. */
    char small[64];
    size_t n = r->pos - start;
    char *s = n < sizeof small ? small : malloc(n + 1);
    if (!s)
        return json_fail(r, "out of memory");
    memcpy(s, r->text + start, n);
    s[n] = '\0';
    *out = strtod(s, NULL);
    if (s != small)
        free(s);
    return true;
}

/* ------------------------------------------------------------------------
 * Values and containers.
 * ---------------------------------------------------------------------- */

static bool literal(struct json_reader *r, const char *word)
{
    size_t n = strlen(word);
    if (r->len - r->pos < n || memcmp(r->text + r->pos, word, n) != 0)
        return json_fail(r, "expected a value, found %s", found(r));
    r->pos += n;
    return true;
}

int json_open(struct json_reader *r)
{
    skip_ws(r);
    int c = peek(r);
    if (c != '[' && c != '{')
        return 0;
    r->pos++;
    return c;
}

bool json_next(struct json_reader *r, int open, bool *first, char **key)
{
    int close = open == '[' ? ']' : '}';
    const char *what = open == '[' ? "an array element" : "an object member";
    if (r->failed)
        return false;
    skip_ws(r);
    if (peek(r) == close && *first) {
        r->pos++;
        return false;
    }
    if (!*first) {
        if (peek(r) == close) {
            r->pos++;
            return false;
        }
        if (peek(r) != ',')
            return json_fail(r, "expected ',' or '%c' after %s, found %s", close, what, found(r));
        r->pos++;
        skip_ws(r);
        if (peek(r) == close)
            return json_fail(r, "a trailing comma before '%c'", close);
    }
    *first = false;
    if (open == '{') {
        if (peek(r) != '"')
            return json_fail(r, "expected a member name in quotes, found %s", found(r));
        char *k = NULL;
        if (!read_string(r, &k, NULL))
            return false;
        skip_ws(r);
        if (peek(r) != ':') {
            free(k);
            return json_fail(r, "expected ':' after a member name, found %s", found(r));
        }
        r->pos++;
        *key = k;
    }
    return true;
}

static struct json *read_value(struct json_reader *r, int depth)
{
    if (depth > MAX_DEPTH) {
        json_fail(r, "nested deeper than %d levels", MAX_DEPTH);
        return NULL;
    }
    skip_ws(r);
    int c = peek(r);
    struct json *v = NULL;
    switch (c) {
    case '{':
    case '[': {
        v = new_value(r, c == '{' ? JSON_OBJECT : JSON_ARRAY);
        if (!v)
            return NULL;
        r->pos++;
        struct json **tail = &v->child;
        bool first = true;
        char *key = NULL;
        while (json_next(r, c, &first, &key)) {
            struct json *item = read_value(r, depth + 1);
            if (!item) {
                free(key);
                break;
            }
            item->key = key;
            key = NULL;
            *tail = item;
            tail = &item->next;
        }
        break;
    }
    case '"':
        v = new_value(r, JSON_STRING);
        if (v)
            read_string(r, &v->str, &v->len);
        break;
    case 't':
        if ((v = new_value(r, JSON_TRUE)))
            literal(r, "true");
        break;
    case 'f':
        if ((v = new_value(r, JSON_FALSE)))
            literal(r, "false");
        break;
    case 'n':
        if ((v = new_value(r, JSON_NULL)))
            literal(r, "null");
        break;
    default:
        if (c == '-' || is_digit(c)) {
            if ((v = new_value(r, JSON_NUMBER)))
                read_number(r, &v->num);
        } else {
            json_fail(r, "expected a value, found %s", found(r));
        }
    }
    if (r->failed) {
        json_free(v);
        return NULL;
    }
    return v;
}

struct json *json_read(struct json_reader *r)
{
    if (r->failed)
        return NULL;
    return read_value(r, 0);
}

bool json_end(struct json_reader *r)
{
    if (r->failed)
        return false;
    skip_ws(r);
    if (r->pos < r->len)
        return json_fail(r, "unexpected %s after the end of the JSON value", found(r));
    return true;
}

const struct json *json_get(const struct json *obj, const char *key)
{
    if (!obj || obj->kind != JSON_OBJECT)
        return NULL;
    const struct json *found = NULL;
    for (const struct json *m = obj->child; m; m = m->next)
        if (strcmp(m->key, key) == 0)
            found = m;      /* the last of duplicates, as most readers do */
    return found;
}
