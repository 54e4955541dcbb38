/*
 * emit.c - splicing the edits into the original text.
 *
 * The output is the input with a list of replacements applied, in order of
 * position; every byte outside them is copied as it was.  Where anything
 * was replaced, a first line names the source and says not to edit (no
 * timestamp, so that outputs are reproducible), and a #line directive
 * puts the lines that follow back on the input's numbering.
 */
#include "asyncc.h"

#include <stdlib.h>
#include <string.h>

static void quote(Buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_add(b, "\\", 1);
        buf_add(b, p, 1);
    }
}

/* Whether the input has line directives of its own (`#line N "file"` or a
 * `# N "file"` line marker): then the generated code's #line follows them. */
static bool has_line_directives(Ctx *c)
{
    for (unsigned i = 0; i < c->nlines; i++) {
        unsigned p = c->lines[i];
        while (p < c->len && (c->src[p] == ' ' || c->src[p] == '\t'))
            p++;
        if (p >= c->len || c->src[p] != '#')
            continue;
        p++;
        while (p < c->len && (c->src[p] == ' ' || c->src[p] == '\t'))
            p++;
        if (p < c->len && ((c->src[p] >= '0' && c->src[p] <= '9') ||
                           (c->len - p >= 5 && memcmp(c->src + p, "line", 4) == 0 &&
                            (c->src[p + 4] == ' ' || c->src[p + 4] == '\t'))))
            return true;
    }
    return false;
}

/* Whether the input's own line directives decide its lines: cached per
 * input (a large file asks thousands of times). */
static bool uses_presumed(Ctx *c)
{
    static const char *for_input;
    static bool presumed;
    if (for_input != c->input) {
        for_input = c->input;
        presumed = c->tu && has_line_directives(c);
    }
    return presumed;
}

unsigned user_line(Ctx *c, unsigned line, char **file)
{
    if (!uses_presumed(c)) {
        if (file)
            *file = xstrdup(c->input);
        return line;
    }
    CXString name;
    unsigned pline;
    clang_getPresumedLocation(clang_getLocation(c->tu, c->file, line, 1), &name, &pline, NULL);
    if (file)
        *file = xstrdup(clang_getCString(name));
    clang_disposeString(name);
    return pline;
}

void emit_line_directive(Ctx *c, Buf *b, unsigned line)
{
    /* The input's name, quoted once: a large file has thousands of these. */
    static const char *quoted_for;
    static Buf quoted;
    if (quoted_for != c->input) {
        quoted.len = 0;
        buf_add(&quoted, "", 0);
        quote(&quoted, c->input);
        quoted_for = c->input;
    }
    if (uses_presumed(c)) {
        /* Where the input's own directives put this line. */
        CXString name;
        unsigned pline;
        clang_getPresumedLocation(clang_getLocation(c->tu, c->file, line, 1), &name, &pline, NULL);
        buf_printf(b, "#line %u \"", pline);
        quote(b, clang_getCString(name));
        buf_puts(b, "\"\n");
        clang_disposeString(name);
        return;
    }
    buf_printf(b, "#line %u \"%s\"\n", line, quoted.s);
}

static unsigned count_lines(const char *s, size_t n)
{
    unsigned k = 0;
    for (const char *e = s + n; (s = memchr(s, '\n', (size_t)(e - s))) != NULL; s++)
        k++;
    return k;
}

/* `text` with each OUTPUT_LINE_MARK replaced by a #line that names the
 * output file; `*line` is the output line `text` starts on, and is
 * advanced past it.  NULL when `text` has no mark. */
static char *resolve_marks(Ctx *c, const char *text, unsigned *line)
{
    static const size_t mark_len = sizeof OUTPUT_LINE_MARK - 1;
    const char *m = strstr(text, OUTPUT_LINE_MARK);
    if (m == NULL) {
        *line += count_lines(text, strlen(text));
        return NULL;
    }
    Buf b = {0};
    const char *p = text;
    for (; m; m = strstr(p, OUTPUT_LINE_MARK)) {
        *line += count_lines(p, (size_t)(m - p));
        buf_add(&b, p, (size_t)(m - p));
        /* The directive sits on *line; it names the line after it. */
        buf_printf(&b, "#line %u \"", *line + 1);
        quote(&b, c->output);
        buf_puts(&b, "\"");
        p = m + mark_len;
    }
    *line += count_lines(p, strlen(p));
    buf_puts(&b, p);
    return buf_take(&b);
}

static int cmp_edit(const void *a, const void *b)
{
    const Edit *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    /* Insertions before replacements at the same place. */
    unsigned lx = x->end - x->begin, ly = y->end - y->begin;
    if (lx != ly)
        return lx < ly ? -1 : 1;
    return x < y ? -1 : 1;
}

/* The pieces are the input's own bytes between edits and the edits' texts,
 * in order: written one after the other, never copied into one string (the
 * output of a large file is several times its size). */
Piece *emit_output(Ctx *c, int *npieces)
{
    Analysis *an = c->an;
    qsort(an->edits, (size_t)an->nedits, sizeof *an->edits, cmp_edit);
    Piece *v = xcalloc((size_t)an->nedits * 2 + 2, sizeof *v);
    int n = 0;
    Buf head = {0};
    buf_printf(&head, "/* Generated by asyncc from %s; do not edit. */\n", c->input);
    if (!c->no_line)
        emit_line_directive(c, &head, 1);
    v[n++] = (Piece){head.s, head.len};
    unsigned pos = 0;
    unsigned line = 1 + count_lines(head.s, head.len); /* the output's */
    for (int i = 0; i < an->nedits; i++) {
        Edit *e = &an->edits[i];
        if (e->begin < pos || e->end > c->len)
            continue; /* overlapping: the outer edit already covers it */
        v[n++] = (Piece){c->src + pos, e->begin - pos};
        line += count_lines(c->src + pos, e->begin - pos);
        char *resolved = c->no_line ? NULL : resolve_marks(c, e->text, &line);
        if (resolved) {
            free(e->text);
            e->text = resolved;
        }
        v[n++] = (Piece){e->text, strlen(e->text)};
        pos = e->end;
    }
    v[n++] = (Piece){c->src + pos, c->len - pos};
    *npieces = n;
    return v;
}
