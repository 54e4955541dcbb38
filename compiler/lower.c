/*
 * lower.c - an async function becomes a frame struct and a resume function.
 *
 * The body is re-emitted statement by statement into the resume function.
 * Text that needs no change is copied from the input (comments and macros
 * included) with small in-place edits, the "events": a reference to a
 * variable that lives in the frame becomes `async__self->name`, `return`
 * stores its value and leaves, `async_defer` sets its bit, a `continue`
 * whose loop was restructured becomes a goto.
 *
 * An await becomes a suspension point: its operands are lowered first,
 * then
 *
 *     async__self->async__hdr.state = N;
 *     if (async__await(&async__self->async__hdr, async__new_f(ASYNC__AWAIT, &slot, args)))
 *         return ASYNC__SUSPENDED;
 *   async__resume_N:;
 *
 * and the await expression itself is replaced by `slot`, a frame member.
 * The dispatch at the top of the resume function jumps to the label with
 * goto, which C allows into any block (no VLAs are allowed here), so loops,
 * ifs and switches whose bodies hold awaits keep their shape.  Only awaits
 * in places evaluated more than once or conditionally need new control
 * flow: the right operand of && and ||, the arms of ?:, the right operand
 * of a comma, and the conditions and increments of loops:
 *
 *     while (C) S        for (;;) { <awaits of C>; if (!(C')) break; S }
 *     do S while (C);    for (;;) { S async__cont_K:; <awaits of C>; if (!(C')) break; }
 *     for (I; C; N) S    { I; for (;;) { <C>; if (!(C')) break; S async__cont_K:; <N>; N'; } }
 *     a && await(b())    t = !!(a); if (t) { <await b>; t = !!(slot); }   ... t ...
 *
 * A variable stays a plain C local when no await lies in its scope after
 * its declaration; otherwise it is a frame member, and its declaration
 * becomes an assignment where it stood (aggregates through a compound
 * literal), so initialisers run where they are written.
 */
#include "asyncc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { EV_RENAME, EV_RETURN, EV_DEFER, EV_JUMP, EV_SPAWN };

typedef struct Event {
    unsigned begin, end;
    int kind;
    Node *node;
    const char *text;
} Event;

/* A frame temporary holds an await's value until its full expression has
 * used it; the next full expression may reuse it (same type), which keeps
 * frames small. */
typedef struct Temp {
    char *type;             /* its declaration with the name `@` */
    char *expr;             /* async__self->async__tN */
    bool busy;
} Temp;

typedef struct L {
    Ctx *c;
    AsyncFn *f;
    Buf out;
    unsigned line;          /* the input line the output is on, if line_ok */
    bool line_ok;
    unsigned stmt_line;     /* the input line generated code stands for */
    Event *ev;
    int nev, capev;
    int nstate;
    unsigned *lines;
    Buf members;            /* temporaries of the frame */
    int ntemp;
    struct Temp *temps;     /* the temporaries, for reuse */
    int ntemps;
    bool uses_memcpy;       /* an array initialised in the frame */
    int nloop;
    char *ind;              /* indentation of generated lines */
    CXType rt;              /* the function's return type */
} L;

static char *lx(L *l, Node *e);
static void ls(L *l, Node *s);
static char *lower_await(L *l, Node *e, const char *ret_target, bool unused);
static char *lx_opaque(L *l, Node *e);
static char *lx_opaque_in(L *l, Node *e, unsigned from, unsigned to);

/* --------------------------------------------------------------------
 * Output with line tracking.
 * ------------------------------------------------------------------ */
static bool at_line_start(L *l)
{
    return l->out.len == 0 || l->out.s[l->out.len - 1] == '\n';
}

static void o_sync_line(L *l, unsigned ln)
{
    l->stmt_line = ln;
    if (l->c->no_line)
        return;
    /* Only indentation so far on this line: the directive goes before it. */
    size_t start = l->out.len;
    while (start > 0 && l->out.s[start - 1] != '\n')
        start--;
    for (size_t i = start; i < l->out.len; i++)
        if (l->out.s[i] != ' ' && l->out.s[i] != '\t')
            return;
    if (l->line_ok && l->line == ln)
        return;
    if (start == l->out.len) {
        emit_line_directive(l->c, &l->out, ln);
    } else {
        char *indent = xstrndup(l->out.s + start, l->out.len - start);
        l->out.len = start;
        emit_line_directive(l->c, &l->out, ln);
        buf_puts(&l->out, indent);
        free(indent);
    }
    l->line = ln;
    l->line_ok = true;
}

static void o_sync(L *l, unsigned off)
{
    o_sync_line(l, line_of(l->c, off));
}

static void count_lines(L *l, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] == '\n')
            l->line++;
}

/* Whether a generated line holds code that gdb could stop on (a label's
 * null statement included): not a brace or a comment alone. */
static bool line_has_code(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == n || (n - i >= 4 && s[i] == '/' && s[i + 1] == '*' && s[n - 2] == '*' && s[n - 1] == '/'))
        return false;
    for (; i < n; i++) {
        if (s[i] == '/' && i + 1 < n && s[i + 1] == '*')
            return false; /* braces, then a comment */
        if (!strchr("{}; \t", s[i]))
            return true;
    }
    return false;
}

/* Generated text.  Each whole line of it that holds code stands for the
 * input line of the statement being lowered: a #line goes before it, so
 * that compiler messages and gdb's stepping stay on that line instead of
 * drifting onto the input lines that follow. */
static void o_gen(L *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#include <stdarg.h>
static void o_gen(L *l, const char *fmt, ...)
{
    static Buf t; /* reused: o_gen runs for every generated line */
    t.len = 0;
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&t, fmt, ap);
    va_end(ap);
    if (l->c->no_line || l->stmt_line == 0) {
        buf_add(&l->out, t.s, t.len);
        if (memchr(t.s, '\n', t.len))
            l->line_ok = false;
        return;
    }
    const char *p = t.s, *end = t.s + t.len;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (nl && l->stmt_line && at_line_start(l) && line_has_code(p, n))
            o_sync_line(l, l->stmt_line);
        buf_add(&l->out, p, n + (nl != NULL));
        if (nl)
            l->line_ok = false; /* the next line is one further on */
        p += n + (nl != NULL);
    }
}

/* One generated line of code that stands for input line `ln` (an await's
 * glue): a #line goes first unless the line before already put the output
 * there, so that each line of the glue, and gdb's stepping over it, stays
 * on the line of the await instead of drifting onto the lines after it. */
static void o_gen_at(L *l, unsigned ln, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void o_gen_at(L *l, unsigned ln, const char *fmt, ...)
{
    o_sync_line(l, ln);
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(&l->out, fmt, ap);
    va_end(ap);
    l->line_ok = false; /* the next line is ln + 1 */
}

/* Text that came from the input (possibly with edits inside). */
static void o_text(L *l, const char *s)
{
    size_t n = strlen(s);
    /* After generated lines, back on the line the text stands for. */
    if (!l->line_ok && l->stmt_line && n && s[0] != '\n')
        o_sync_line(l, l->stmt_line);
    buf_add(&l->out, s, n);
    count_lines(l, s, n);
}

/* --------------------------------------------------------------------
 * Events and copying.
 * ------------------------------------------------------------------ */
static void add_event(L *l, unsigned b, unsigned e, int kind, Node *n, const char *text)
{
    if (l->nev == l->capev) {
        l->capev = l->capev ? l->capev * 2 : 64;
        l->ev = xrealloc(l->ev, sizeof *l->ev * (size_t)l->capev);
    }
    l->ev[l->nev++] = (Event){b, e, kind, n, text};
}

static int cmp_event(const void *a, const void *b)
{
    const Event *x = a, *y = b;
    if (x->begin != y->begin)
        return x->begin < y->begin ? -1 : 1;
    if (x->end != y->end)
        return x->end > y->end ? -1 : 1;
    return 0;
}

static void handle_event(L *l, Event *ev, Buf *b);

/* Copies [a, e) of the input into b, applying the events inside. */
static void copy(L *l, Buf *b, unsigned a, unsigned e)
{
    Ctx *c = l->c;
    if (a >= e || e > c->len) {
        return;
    }
    int lo = 0, hi = l->nev;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (l->ev[mid].begin < a)
            lo = mid + 1;
        else
            hi = mid;
    }
    unsigned pos = a;
    for (int i = lo; i < l->nev && l->ev[i].begin < e; i++) {
        Event *ev = &l->ev[i];
        if (ev->begin < pos || ev->end > e)
            continue;
        buf_add(b, c->src + pos, ev->begin - pos);
        handle_event(l, ev, b);
        pos = ev->end;
    }
    buf_add(b, c->src + pos, e - pos);
}

static char *copy_str(L *l, unsigned a, unsigned e)
{
    Buf b = {0};
    copy(l, &b, a, e);
    return buf_take(&b);
}

static void o_src(L *l, unsigned a, unsigned e)
{
    size_t before = l->out.len;
    copy(l, &l->out, a, e);
    count_lines(l, l->out.s ? l->out.s + before : "", l->out.len - before);
}

static unsigned skip_ws(L *l, unsigned p, unsigned end)
{
    Ctx *c = l->c;
    while (p < end) {
        char ch = c->src[p];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v')
            p++;
        else if (ch == '\\' && p + 1 < end && c->src[p + 1] == '\n')
            p += 2;
        else if (ch == '/' && p + 1 < end && c->src[p + 1] == '*') {
            const char *q = strstr(c->src + p + 2, "*/");
            p = q ? (unsigned)(q - c->src) + 2 : end;
        } else if (ch == '/' && p + 1 < end && c->src[p + 1] == '/') {
            while (p < end && c->src[p] != '\n')
                p++;
        } else
            break;
    }
    return p;
}

/* The end of a statement including its `;`, which libclang's extents of
 * expression statements, return, break, continue, goto and do-while leave
 * out. */
static unsigned stmt_end(L *l, Node *s)
{
    Ctx *c = l->c;
    switch (s->ck) {
    case CXCursor_CompoundStmt:
    case CXCursor_DeclStmt:
    case CXCursor_NullStmt:
        return s->end;
    case CXCursor_IfStmt:
    case CXCursor_WhileStmt:
    case CXCursor_ForStmt:
    case CXCursor_SwitchStmt:
    case CXCursor_LabelStmt:
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt: {
        /* Ends with its last sub-statement, `;` included. */
        unsigned e = s->nkid ? stmt_end(l, s->kid[s->nkid - 1]) : s->end;
        return e > s->end ? e : s->end;
    }
    default: {
        unsigned p = skip_ws(l, s->end, c->len);
        if (p < c->len && c->src[p] == ';')
            return p + 1;
        return s->end;
    }
    }
}

/* Text that a rewrite leaves out must hold no preprocessor directive, or a
 * conditional would lose its #if or its #endif: an error, never a silent
 * drop. */
static void check_dropped(L *l, unsigned a, unsigned b)
{
    Ctx *c = l->c;
    if (a >= b || b > c->len)
        return;
    for (unsigned p = a; p < b; p++) {
        if (c->src[p] != '\n')
            continue;
        unsigned q = p + 1;
        while (q < b && (c->src[q] == ' ' || c->src[q] == '\t'))
            q++;
        if (q < b && c->src[q] == '#') {
            diag_error(c, q, "preprocessor directive inside a statement that asyncc rewrites; "
                       "move it outside the statement");
            return;
        }
    }
}

/* The frame member keeps a local's type, not its alignment or attributes:
 * an error rather than a member silently less aligned. */
static void check_attrs(L *l, unsigned a, unsigned b)
{
    static const char *const words[] = {"_Alignas", "alignas", "__attribute__", "__declspec", NULL};
    Ctx *c = l->c;
    for (int i = 0; words[i]; i++) {
        size_t n = strlen(words[i]);
        for (unsigned p = a; p + n <= b; p++)
            if (memcmp(c->src + p, words[i], n) == 0) {
                diag_error(c, p, "'%s' on a variable that lives across an await is not kept in "
                           "the frame; wrap the variable in a struct that carries it", words[i]);
                return;
            }
    }
}

/* The indentation of the line that holds `off`. */
static char *indent_of(L *l, unsigned off)
{
    Ctx *c = l->c;
    unsigned ls0 = c->lines[line_of(c, off) - 1], p = ls0;
    while (p < c->len && (c->src[p] == ' ' || c->src[p] == '\t'))
        p++;
    return xstrndup(c->src + ls0, p - ls0);
}

static bool only_blank_before(L *l, unsigned off)
{
    Ctx *c = l->c;
    unsigned p = off;
    while (p > 0 && (c->src[p - 1] == ' ' || c->src[p - 1] == '\t'))
        p--;
    return p == 0 || c->src[p - 1] == '\n';
}

/* Positions the output at the start of statement `s`: when at the start of a
 * line, a #line and the statement's own indentation. */
static void begin_stmt(L *l, Node *s)
{
    if (!at_line_start(l))
        return;
    /* Not between a fall-through comment and its case label. */
    if (s->ck != CXCursor_CaseStmt && s->ck != CXCursor_DefaultStmt)
        o_sync(l, s->begin);
    if (only_blank_before(l, s->begin)) {
        unsigned p = s->begin;
        while (p > 0 && (l->c->src[p - 1] == ' ' || l->c->src[p - 1] == '\t'))
            p--;
        o_src(l, p, s->begin);
    } else {
        o_gen(l, "%s", l->ind);
    }
}

/* --------------------------------------------------------------------
 * Frame members.
 * ------------------------------------------------------------------ */
static char *member(const char *name)
{
    return xasprintf("async__self->%s", name);
}

static char *new_temp(L *l, CXType t, const char *ctype)
{
    Buf key = {0};
    if (ctype)
        buf_printf(&key, "%s @", ctype);
    else
        type_decl(l->c, &key, t, "@", true);
    for (int i = 0; i < l->ntemps; i++)
        if (!l->temps[i].busy && strcmp(l->temps[i].type, key.s) == 0) {
            l->temps[i].busy = true;
            free(key.s);
            return xstrdup(l->temps[i].expr);
        }
    char *name = xasprintf("async__t%d", ++l->ntemp);
    buf_puts(&l->members, "    ");
    if (ctype)
        buf_printf(&l->members, "%s %s", ctype, name);
    else
        type_decl(l->c, &l->members, t, name, true);
    buf_puts(&l->members, ";\n");
    l->temps = xrealloc(l->temps, sizeof *l->temps * (size_t)(l->ntemps + 1));
    l->temps[l->ntemps++] = (Temp){key.s, member(name), true};
    free(name);
    return xstrdup(l->temps[l->ntemps - 1].expr);
}

/* A new full expression begins: the temporaries of the last are dead. */
static void temps_free(L *l)
{
    for (int i = 0; i < l->ntemps; i++)
        l->temps[i].busy = false;
}

static CXType node_type(Node *n)
{
    return clang_getCursorType(n->cur);
}

static bool same_type(CXType a, CXType b)
{
    return clang_equalTypes(clang_getCanonicalType(a), clang_getCanonicalType(b));
}

/* --------------------------------------------------------------------
 * Events.
 * ------------------------------------------------------------------ */
static const char *exit_stmt(L *l)
{
    return l->f->ndefers ? "goto async__exit;" : "return ASYNC__DONE;";
}

#define pure node_pure

/* `v` or `(v)`: parentheses unless it is a name, a member or a number. */
static char *paren(const char *v)
{
    for (const char *p = v; *p; p++)
        if (!(strchr("_.>", *p) || (*p == '-' && p[1] == '>') || (*p >= '0' && *p <= '9') ||
              (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
            return xasprintf("(%s)", v);
    return xstrdup(v);
}

/* Whether an expression is pure once its awaits are lowered: each await is
 * then the read of its result. */
static bool pure_after_awaits(Node *n)
{
    if (n->kind == N_AWAIT)
        return true;
    if (!n->has_await)
        return pure(n);
    if (node_has_own_effect(n))
        return false;
    for (int i = 0; i < n->nkid; i++)
        if (!pure_after_awaits(n->kid[i]))
            return false;
    return true;
}

/* `return value;`: the value is computed, stored where the awaiter wants it,
 * and the function leaves (through its defers).  A value without side
 * effects (awaits already done) is stored directly, as it need not be
 * computed when no one wants it. */
static void return_text(L *l, Buf *b, Node *e, const char *value)
{
    if (value == NULL) {
        buf_puts(b, exit_stmt(l));
        return;
    }
    char *v = paren(value);
    if (e && pure_after_awaits(e)) {
        buf_printf(b, "{ if (async__self->async__ret) *async__self->async__ret = %s; %s }",
                   v, exit_stmt(l));
    } else {
        buf_puts(b, "{ ");
        type_decl(l->c, b, l->rt, "async__rv", true);
        buf_printf(b, " = %s; if (async__self->async__ret) *async__self->async__ret = async__rv; %s }",
                   v, exit_stmt(l));
    }
    free(v);
}

static void spawn_text(L *l, Node *n, Buf *b, bool can_pre);

static void handle_event(L *l, Event *ev, Buf *b)
{
    Node *n = ev->node;
    switch (ev->kind) {
    case EV_RENAME:
    case EV_JUMP:
        buf_puts(b, ev->text);
        break;
    case EV_RETURN: {
        Node *e = n->nkid ? n->kid[0] : NULL;
        char *v = e && l->rt.kind != CXType_Void ? copy_str(l, e->begin, e->end) : NULL;
        if (e && l->rt.kind == CXType_Void) {
            /* return of a void expression in a void function: evaluate it */
            char *x = copy_str(l, e->begin, e->end);
            buf_printf(b, "{ (void)(%s); %s }", x, exit_stmt(l));
            free(x);
            break;
        }
        return_text(l, b, e, v);
        free(v);
        break;
    }
    case EV_DEFER:
        buf_printf(b, "async__self->async__deferred |= 1u << %d; /* async_defer */", n->defer_bit);
        break;
    case EV_SPAWN:
        spawn_text(l, n, b, false);
        break;
    }
}

static bool is_stmt_context(Node *n)
{
    Node *p = n->parent;
    while (p && p->ck == CXCursor_ParenExpr && p->kind == N_OTHER)
        p = p->parent;
    if (p == NULL)
        return false;
    if (p->ck == CXCursor_CStyleCastExpr)
        return clang_getCanonicalType(clang_getCursorType(p->cur)).kind == CXType_Void;
    Node *k = n;
    while (k->parent != p)
        k = k->parent;
    /* The body (or an arm) of an if or a loop, not its condition. */
    if (p->ck == CXCursor_IfStmt)
        return p->nkid && k != p->kid[0];
    if (p->ck == CXCursor_WhileStmt)
        return p->nkid == 2 && k == p->kid[1];
    if (p->ck == CXCursor_DoStmt)
        return p->nkid && k == p->kid[0];
    if (p->ck == CXCursor_ForStmt)
        return p->nkid && k == p->kid[p->nkid - 1];
    return p->ck == CXCursor_CompoundStmt || p->ck == CXCursor_LabelStmt ||
           p->ck == CXCursor_CaseStmt || p->ck == CXCursor_DefaultStmt;
}

/* The lowered arguments of an async call node, ", a1, a2". */
static void call_arg_texts(L *l, Node *call, Buf *b)
{
    int n = call->nkid - 1;
    if (n <= 0)
        return;
    unsigned *ab = xcalloc((size_t)n, sizeof *ab), *ae = xcalloc((size_t)n, sizeof *ae);
    bool text = call->clean && call_args(l->c, call->begin, call->end, n, ab, ae) == 0;
    for (int i = 0; i < n; i++) {
        Node *a = call->kid[i + 1];
        char *t;
        if (!text || (a->clean && a->begin == ab[i] && a->end == ae[i]))
            t = lx(l, a);
        else if (a->has_await)
            t = lx_opaque_in(l, a, ab[i], ae[i]);
        else
            t = copy_str(l, ab[i], ae[i]);
        buf_printf(b, ", %s", t);
        free(t);
    }
    free(ab);
    free(ae);
}

/* async_create_task(...) and async_run(...) inside an async function.
 * DESIGN.md 1.4: the call's arguments are evaluated first, then the address
 * of `r`.  Where that order could be seen (an argument with a side effect,
 * and `r` more than a name), the arguments go to temporaries first; the
 * analysis gave such a spawn the statements (`order_first`) to do it in. */
static void spawn_text(L *l, Node *n, Buf *b, bool can_pre)
{
    Node *call = n->call;
    bool run = n->kind == N_RUN;
    bool stmt = !run && is_stmt_context(n);
    if (clang_Cursor_isNull(n->callee) || call->ck != CXCursor_CallExpr) {
        diag_error(l->c, n->begin, "%s needs a call of an async function",
                   run ? "async_run" : "async_create_task");
        return;
    }
    char *name = cx_str(clang_getCursorSpelling(n->callee));
    Buf args = {0};
    if (can_pre && n->lhs && spawn_order_matters(n->lhs, call)) {
        for (int i = 1; i < call->nkid; i++) {
            char *t = lx(l, call->kid[i]);
            if (pure(call->kid[i])) {
                buf_printf(&args, ", %s", t);
            } else {
                char *tmp = new_temp(l, node_type(call->kid[i]), NULL);
                o_gen(l, "%s%s = %s;\n", l->ind, tmp, t);
                buf_printf(&args, ", %s", tmp);
                free(tmp);
            }
            free(t);
        }
    } else {
        call_arg_texts(l, call, &args);
    }
    buf_puts(b, run ? "async__run(" : stmt ? "async_task_release(async__spawn(" : "async__spawn(");
    buf_printf(b, "async__new_%s(%s", name, run ? "ASYNC__MAIN" : "ASYNC__TASK");
    if (clang_getCursorResultType(n->callee).kind != CXType_Void) {
        if (n->lhs) {
            char *t = lx(l, n->lhs);
            buf_printf(b, ", &(%s)", t);
            free(t);
        } else {
            buf_puts(b, ", NULL");
        }
    } else if (n->lhs) {
        diag_error(l->c, n->lhs->begin, "async function '%s' returns void; there is no result to store", name);
    }
    buf_puts(b, args.s ? args.s : "");
    free(args.s);
    buf_puts(b, run || !stmt ? "))" : ")))");
    free(name);
}

/* --------------------------------------------------------------------
 * Planning: events and restructured loops.
 * ------------------------------------------------------------------ */

/* The parts of a for statement, found from the positions of its `;`s. */
typedef struct ForParts {
    Node *init, *cond, *inc, *body;
    bool ok;
} ForParts;

static ForParts for_parts(L *l, Node *s)
{
    ForParts fp = {0};
    Ctx *c = l->c;
    if (!s->clean || s->nkid == 0)
        return fp;
    unsigned p = s->begin + 3;
    p = skip_ws(l, p, s->end);
    if (p >= s->end || c->src[p] != '(')
        return fp;
    unsigned semi[2] = {0, 0}, close = 0;
    int depth = 0, ns = 0;
    for (; p < s->end; p++) {
        char ch = c->src[p];
        if (ch == '"' || ch == '\'') {
            p++;
            while (p < s->end && c->src[p] != ch) {
                if (c->src[p] == '\\')
                    p++;
                p++;
            }
            continue;
        }
        if (ch == '/' && (c->src[p + 1] == '*' || c->src[p + 1] == '/')) {
            p = skip_ws(l, p, s->end) - 1;
            continue;
        }
        if (ch == '(' || ch == '[' || ch == '{')
            depth++;
        else if (ch == ')' || ch == ']' || ch == '}') {
            if (--depth == 0) {
                close = p;
                break;
            }
        } else if (ch == ';' && depth == 1 && ns < 2)
            semi[ns++] = p;
    }
    if (ns != 2 || close == 0)
        return fp;
    for (int i = 0; i < s->nkid; i++) {
        Node *k = s->kid[i];
        if (k->begin < semi[0] || (k->ck == CXCursor_DeclStmt && k->begin < semi[0] + 1 && i == 0 && k->begin <= semi[0]))
            fp.init = k;
        else if (k->begin > semi[0] && k->begin < semi[1])
            fp.cond = k;
        else if (k->begin > semi[1] && k->begin < close)
            fp.inc = k;
        else if (k->begin > close)
            fp.body = k;
    }
    fp.ok = fp.body != NULL;
    return fp;
}

static bool loop_restructured(L *l, Node *s)
{
    if (s->ck == CXCursor_WhileStmt)
        return s->nkid == 2 && s->kid[0]->has_await;
    if (s->ck == CXCursor_DoStmt)
        return s->nkid == 2 && s->kid[1]->has_await;
    if (s->ck == CXCursor_ForStmt) {
        ForParts fp = for_parts(l, s);
        if (!fp.ok)
            return false;
        return (fp.init && fp.init->needs_lower) || (fp.cond && fp.cond->has_await) ||
               (fp.inc && fp.inc->has_await);
    }
    return false;
}

static bool loop_needs_cont(L *l, Node *s)
{
    if (!loop_restructured(l, s))
        return false;
    if (s->ck == CXCursor_DoStmt)
        return true;
    if (s->ck == CXCursor_ForStmt)
        return for_parts(l, s).inc != NULL;
    return false;
}

static const LocalType *find_type(AsyncFn *f, CXCursor decl);

/* A reference to (or the declaration of) a local type that moved: the name
 * token becomes the new name. */
static void plan_type_rename(L *l, Node *n, CXCursor decl, unsigned at)
{
    Ctx *c = l->c;
    const LocalType *t = find_type(l->f, decl);
    if (t == NULL || at == UINT32_MAX)
        return;
    size_t len = strlen(t->name);
    if (len == 0) {
        /* An unnamed struct, union or enum: the name goes after the keyword. */
        unsigned p = at;
        while (p < c->len && c->src[p] >= 'a' && c->src[p] <= 'z')
            p++;
        add_event(l, p, p, EV_RENAME, n, xasprintf(" %s", t->renamed));
    } else if (at + len <= c->len && memcmp(c->src + at, t->name, len) == 0) {
        add_event(l, at, at + (unsigned)len, EV_RENAME, n, xstrdup(t->renamed));
    } else {
        diag_error(c, at, "the local type '%s' moves to file scope and cannot be named in a "
                   "macro's replacement text", t->name);
    }
}

static void plan(L *l, Node *n)
{
    Ctx *c = l->c;
    if (l->f->hoist) {
        if (n->ck == CXCursor_TypeRef || (n->ck == CXCursor_DeclRefExpr && n->var == NULL))
            plan_type_rename(l, n, clang_getCursorReferenced(n->cur), n->begin);
        else if (n->hoisted || n->ck == CXCursor_EnumConstantDecl)
            plan_type_rename(l, n, n->cur, file_offset(c, clang_getCursorLocation(n->cur)));
    }
    /* __func__ names the user's function, not the resume function. */
    if (n->clean && n->end - n->begin == 8 && memcmp(c->src + n->begin, "__func__", 8) == 0 &&
        clang_isExpression(n->ck) && (n->parent == NULL || n->parent->begin != n->begin ||
                                      n->parent->end != n->end))
        add_event(l, n->begin, n->end, EV_RENAME, n, xasprintf("\"%s\"", l->f->name));
    switch (n->ck) {
    case CXCursor_DeclRefExpr:
        if (n->var && n->var->member) {
            size_t len = strlen(n->var->name);
            if (n->begin + len <= c->len && memcmp(c->src + n->begin, n->var->name, len) == 0)
                add_event(l, n->begin, n->begin + (unsigned)len, EV_RENAME, n, member(n->var->member));
            else
                diag_error(c, n->begin, "'%s' lives in the frame of async function '%s' and cannot be "
                           "used in a macro's replacement text; pass it as an argument",
                           n->var->name, l->f->name);
        }
        break;
    case CXCursor_ReturnStmt:
        add_event(l, n->begin, stmt_end(l, n), EV_RETURN, n, NULL);
        break;
    case CXCursor_ContinueStmt:
        if (n->target && loop_needs_cont(l, n->target)) {
            if (n->target->loop_id == 0)
                n->target->loop_id = ++l->nloop;
            add_event(l, n->begin, n->end, EV_JUMP, n, xasprintf("goto async__cont_%d", n->target->loop_id));
        }
        break;
    default:
        break;
    }
    if (n->kind == N_DEFER) {
        add_event(l, n->begin, stmt_end(l, n), EV_DEFER, n, NULL);
    } else if ((n->kind == N_SPAWN || n->kind == N_RUN) && !n->has_await) {
        add_event(l, n->begin, n->end, EV_SPAWN, n, NULL);
    }
    for (int i = 0; i < n->nkid; i++)
        plan(l, n->kid[i]);
}

/* --------------------------------------------------------------------
 * Expressions.
 * ------------------------------------------------------------------ */

/* A short, one-line rendering of an await for the comment above it. */
static char *await_comment(L *l, Node *e)
{
    Ctx *c = l->c;
    Buf b = {0};
    unsigned a = e->begin, z = e->end;
    bool sp = false;
    for (unsigned i = a; i < z && b.len < 60; i++) {
        char ch = c->src[i];
        if (ch == '\n' || ch == '\t' || ch == ' ' || ch == '\r') {
            sp = true;
            continue;
        }
        if (sp && b.len)
            buf_add(&b, " ", 1);
        sp = false;
        if (ch == '*' && i + 1 < z && c->src[i + 1] == '/') {
            buf_add(&b, "* ", 2);
            continue;
        }
        if (ch == '/' && i + 1 < z && c->src[i + 1] == '*') {
            buf_add(&b, "/ ", 2);
            continue;
        }
        buf_add(&b, &ch, 1);
    }
    if (a + b.len < z && b.len >= 60)
        buf_puts(&b, "...");
    return buf_take(&b);
}

static void push_ind(L *l, char **save)
{
    *save = l->ind;
    l->ind = xasprintf("%s    ", l->ind);
}

static void pop_ind(L *l, char *save)
{
    free(l->ind);
    l->ind = save;
}

/* The item of gather / wait_for as `async__item` fields. */
static void item_text(L *l, Node *it, const char *slot)
{
    Node *x = strip(it), *lhs = NULL;
    if (x->ck == CXCursor_BinaryOperator && x->nkid == 2 && strcmp(x->op, "=") == 0 &&
        strip(x->kid[1])->ck == CXCursor_CallExpr) {
        lhs = x->kid[0];
        x = strip(x->kid[1]);
    }
    CXCursor callee = clang_getNullCursor();
    if (x->ck == CXCursor_CallExpr)
        callee = clang_getCursorReferenced(x->cur);
    if (x->ck == CXCursor_CallExpr && is_async_fn(l->c, callee)) {
        Node fake = {0};
        fake.kind = N_SPAWN;
        fake.call = x;
        fake.lhs = lhs;
        fake.callee = callee;
        fake.begin = it->begin;
        Buf b = {0};
        spawn_text(l, &fake, &b, true);
        o_gen(l, "%s%s.task = %s;\n%s%s.created = true;\n", l->ind, slot, b.s, l->ind, slot);
        free(b.s);
    } else {
        char *t = lx(l, it);
        o_gen(l, "%s%s.task = %s;\n%s%s.created = false;\n", l->ind, slot, t, l->ind, slot);
        free(t);
    }
}

/* Emits the suspension point of await node `e`, whose operands are lowered
 * first, and returns the expression that stands for its value.  The value
 * goes to `ret_target` when given (a pointer expression), nowhere when
 * `unused`, else to a new frame temporary. */
static char *lower_await(L *l, Node *e, const char *ret_target, bool unused)
{
    Ctx *c = l->c;
    Node *x = e->call;
    Buf call = {0};
    char *value = NULL;
    int state = ++l->nstate;
    l->lines = xrealloc(l->lines, sizeof *l->lines * (size_t)(state + 1));
    l->lines[state] = line_of(c, e->begin);
    bool block = false;
    char *save = NULL;
    char *done_test = NULL, *done_value = NULL, *save_done = NULL;

    if (x->kind == N_GATHER || x->kind == N_WAIT_FOR) {
        bool gather = x->kind == N_GATHER;
        int nit = gather ? x->nitems : 1;
        o_sync_line(l, l->lines[state]);
        o_gen(l, "%s{\n", l->ind);
        push_ind(l, &save);
        block = true;
        char *arr = xasprintf(gather ? "async__items%d" : "async__item%d", state);
        o_gen(l, "%sasync__item %s%s;\n", l->ind, arr, gather ? xasprintf("[%d]", nit) : "");
        for (int i = 0; i < nit; i++) {
            char *slot = gather ? xasprintf("%s[%d]", arr, i) : xstrdup(arr);
            if (i < x->nitems)
                item_text(l, x->items[i], slot);
            free(slot);
        }
        char *ret = NULL;
        if (ret_target)
            ret = xstrdup(ret_target);
        else if (unused)
            ret = xstrdup("NULL");
        else {
            value = new_temp(l, node_type(x), "int");
            ret = xasprintf("&%s", value);
        }
        if (gather) {
            buf_printf(&call, "async__new_async__gather(ASYNC__AWAIT, %s, %d, %s)", ret, nit, arr);
        } else {
            char *secs = x->nitems > 1 ? lx(l, x->items[1]) : xstrdup("0");
            buf_printf(&call, "async__new_async__wait_for(ASYNC__AWAIT, %s, %s, %s)", ret, arr, secs);
            free(secs);
        }
        free(ret);
        free(arr);
    } else if (x->ck == CXCursor_CallExpr && !clang_Cursor_isNull(x->callee) &&
               is_async_fn(c, x->callee)) {
        char *name = cx_str(clang_getCursorSpelling(x->callee));
        CXType rt = clang_getCursorResultType(x->callee);
        Buf args = {0};
        call_arg_texts(l, x, &args);
        buf_printf(&call, "async__new_%s(ASYNC__AWAIT", name);
        if (rt.kind == CXType_Void) {
            value = xstrdup("(void)0");
        } else if (ret_target) {
            buf_printf(&call, ", %s", ret_target);
        } else if (unused) {
            buf_puts(&call, ", NULL");
        } else {
            value = new_temp(l, rt, NULL);
            buf_printf(&call, ", &%s", value);
        }
        buf_puts(&call, args.s ? args.s : "");
        buf_puts(&call, ")");
        free(args.s);
        free(name);
    } else {
        /* A task handle. */
        CXType t = clang_getCanonicalType(node_type(x));
        char *ts = cx_str(clang_getTypeSpelling(clang_getPointeeType(t)));
        bool task = t.kind == CXType_Pointer && (strcmp(ts, "struct async_task") == 0 ||
                                                 strcmp(ts, "async_task") == 0);
        /* await(NULL): a null task, which does nothing and yields NULL. */
        bool null = t.kind == CXType_Pointer && strcmp(ts, "void") == 0;
        free(ts);
        if (!task && !null) {
            diag_error(c, x->begin, "await needs a call of an async function, an async_task *, "
                       "async_gather or async_wait_for");
            return xstrdup("0");
        }
        /* The operand as written between the parentheses when its own
         * extent is unreliable (a macro such as NULL inside the argument). */
        char *tv0 = x->clean && x->end > x->begin && x->begin >= e->arg_begin && x->end <= e->arg_end
                    ? lx(l, x) : x->has_await ? lx_opaque(l, x) : copy_str(l, e->arg_begin, e->arg_end);
        char *tv = null ? xasprintf("(async_task *)(%s)", tv0) : xstrdup(tv0);
        free(tv0);
        char *ret;
        if (ret_target)
            ret = xstrdup(ret_target);
        else if (unused)
            ret = xstrdup("NULL");
        else {
            value = new_temp(l, t, "async_task *");
            ret = xasprintf("&%s", value);
        }
        buf_printf(&call, "async__new_async__task_await(ASYNC__AWAIT, %s, %s)", ret, tv);
        /* A handle that can be read twice is tested first: a done task
         * needs neither the entry point nor async__await (the common case
         * of awaiting tasks one after another). */
        if (task && x->clean && !x->has_await && node_pure(x)) {
            done_test = xasprintf("async_task_done(%s)", tv);
            if (ret[0] == '&')
                done_value = xasprintf("%s = %s", ret + 1, tv);
            else if (strcmp(ret, "NULL") != 0)
                done_value = xasprintf("*(%s) = %s", ret, tv);
        }
        free(ret);
        free(tv);
    }

    char *cm = await_comment(l, e);
    unsigned ln = user_line(c, l->lines[state], NULL);
    o_gen(l, "%s/* %s, line %u */\n", l->ind, cm, ln);
    if (done_test) {
        if (done_value)
            o_gen_at(l, ln, "%sif (%s) {\n%s    %s;\n%s} else {\n", l->ind, done_test, l->ind,
                     done_value, l->ind);
        else
            o_gen_at(l, ln, "%sif (!%s) {\n", l->ind, done_test);
        push_ind(l, &save_done);
    }
    o_gen_at(l, ln, "%sasync__self->async__hdr.state = %d;\n", l->ind, state);
    o_gen_at(l, ln, "%sif (async__await(&async__self->async__hdr, %s)) return ASYNC__SUSPENDED;\n",
             l->ind, call.s);
    if (done_test) {
        pop_ind(l, save_done);
        o_gen_at(l, ln, "%s}\n", l->ind);
        free(done_test);
        free(done_value);
    }
    if (block) {
        pop_ind(l, save);
        o_gen(l, "%s}\n", l->ind);
    }
    o_gen(l, "async__resume_%d:;\n", state);
    /* What follows the await in the same statement is on its line too. */
    o_sync_line(l, ln);
    free(cm);
    free(call.s);
    return value ? value : xstrdup("(void)0");
}

/* An expression written through a macro's replacement text: its awaits
 * (which come from the macro's arguments) are hoisted in order, and the
 * text is copied with each await replaced by its value. */
static void collect_awaits(Node *n, Node ***v, int *cnt)
{
    if (n->kind == N_AWAIT && n->unevaluated)
        return; /* its evaluated twin is the one that runs */
    if (n->kind == N_AWAIT) {
        *v = xrealloc(*v, sizeof **v * (size_t)(*cnt + 1));
        (*v)[(*cnt)++] = n;
        return;
    }
    for (int i = 0; i < n->nkid; i++)
        collect_awaits(n->kid[i], v, cnt);
}

/* Whether the left operand of a comma may run after the right's awaits:
 * when it has no effect (a cast of sizeof, a constant). */
static bool conditional_safe_left(Node *n)
{
    n = strip(n);
    if (n->ck == CXCursor_CStyleCastExpr && n->nkid)
        return conditional_safe_left(n->kid[n->nkid - 1]);
    return n->ck == CXCursor_UnaryExpr || n->ck == CXCursor_IntegerLiteral;
}

/* The operator of a binary operator that a macro's replacement text wrote
 * (its token is not in the file, and libclang 14 has no API for it): only
 * the comma takes a void operand, so that one is known; others are "?". */
static const char *macro_op(Node *p)
{
    if (p->op[0] || p->nkid != 2)
        return p->op;
    if (clang_getCanonicalType(node_type(p->kid[0])).kind == CXType_Void ||
        clang_getCanonicalType(node_type(p->kid[1])).kind == CXType_Void)
        strcpy(p->op, ",");
    else
        strcpy(p->op, "?");
    return p->op;
}

static bool conditional_path(Node *a, Node *top)
{
    for (Node *n = a; n && n != top; n = n->parent) {
        Node *p = n->parent;
        if (!p)
            break;
        if (p->ck == CXCursor_ConditionalOperator && p->nkid == 3 && n != p->kid[0])
            return true;
        if (p->ck == CXCursor_BinaryOperator && p->nkid == 2 && n == p->kid[1]) {
            /* A comma whose left operand is not evaluated code (glibc's
             * assert: `(void) sizeof (...), ...`) does not reorder anything. */
            const char *op = macro_op(p);
            if (strcmp(op, "&&") == 0 || strcmp(op, "||") == 0 || strcmp(op, "?") == 0)
                return true;
            if (strcmp(op, ",") == 0 && !conditional_safe_left(p->kid[0]))
                return true;
        }
        if ((p->ck == CXCursor_IfStmt && n != p->kid[0]) || p->ck == CXCursor_WhileStmt ||
            p->ck == CXCursor_ForStmt || p->ck == CXCursor_SwitchStmt)
            return true;
    }
    return false;
}

static char *lx_opaque(L *l, Node *e)
{
    return lx_opaque_in(l, e, e->begin, e->end);
}

static char *lx_opaque_in(L *l, Node *e, unsigned from, unsigned to)
{
    Node **aw = NULL;
    int n = 0;
    collect_awaits(e, &aw, &n);
    Buf b = {0};
    unsigned pos = from;
    for (int i = 0; i < n; i++) {
        Node *a = aw[i];
        if (conditional_path(a, e)) {
            diag_error(l->c, a->begin, "'await' in a macro argument that the macro evaluates "
                       "conditionally or repeatedly");
            continue;
        }
        if (a->begin < pos || a->end > to) {
            diag_error(l->c, a->begin, "'await' in a macro argument that is expanded out of order");
            continue;
        }
        copy(l, &b, pos, a->begin);
        char *v = lower_await(l, a, NULL, false);
        buf_puts(&b, v);
        free(v);
        pos = a->end;
    }
    copy(l, &b, pos, to);
    free(aw);
    return buf_take(&b);
}

static char *lx(L *l, Node *e)
{
    if (!e->has_await)
        return copy_str(l, e->begin, e->end);
    if (e->kind == N_AWAIT)
        return lower_await(l, e, NULL, false);
    if (e->kind == N_SPAWN || e->kind == N_RUN) {
        Buf b = {0};
        spawn_text(l, e, &b, true);
        return buf_take(&b);
    }
    if (!e->clean)
        return lx_opaque(l, e);
    if (e->ck == CXCursor_StmtExpr || (e->ck == CXCursor_UnexposedExpr && e->nkid == 1 &&
                                       e->kid[0]->ck == CXCursor_CompoundStmt)) {
        diag_error(l->c, e->begin, "'await' inside a statement expression is not supported");
        return copy_str(l, e->begin, e->end);
    }

    if (e->ck == CXCursor_BinaryOperator && e->nkid == 2 && e->kid[1]->has_await) {
        bool and = strcmp(e->op, "&&") == 0, or = strcmp(e->op, "||") == 0;
        if (and || or) {
            char *t = new_temp(l, node_type(e), "int");
            char *lhs = lx(l, e->kid[0]);
            o_gen(l, "%s%s = !!(%s);\n", l->ind, t, lhs);
            o_gen(l, "%sif (%s%s) {\n", l->ind, or ? "!" : "", t);
            char *save;
            push_ind(l, &save);
            char *rhs = lx(l, e->kid[1]);
            o_gen(l, "%s%s = !!(%s);\n", l->ind, t, rhs);
            pop_ind(l, save);
            o_gen(l, "%s}\n", l->ind);
            free(lhs);
            free(rhs);
            return t;
        }
        if (strcmp(e->op, ",") == 0) {
            char *lhs = lx(l, e->kid[0]);
            o_gen(l, "%s(void)(%s);\n", l->ind, lhs);
            free(lhs);
            return lx(l, e->kid[1]);
        }
    }
    if (e->ck == CXCursor_ConditionalOperator && e->nkid == 3 &&
        (e->kid[1]->has_await || e->kid[2]->has_await)) {
        CXType t = node_type(e);
        bool is_void = clang_getCanonicalType(t).kind == CXType_Void;
        char *tmp = is_void ? NULL : new_temp(l, t, NULL);
        char *cond = lx(l, e->kid[0]);
        o_gen(l, "%sif (%s) {\n", l->ind, cond);
        for (int arm = 1; arm <= 2; arm++) {
            char *save;
            push_ind(l, &save);
            char *v = lx(l, e->kid[arm]);
            if (is_void)
                o_gen(l, "%s(void)(%s);\n", l->ind, v);
            else
                o_gen(l, "%s%s = %s;\n", l->ind, tmp, v);
            free(v);
            pop_ind(l, save);
            o_gen(l, "%s}%s\n", l->ind, arm == 1 ? " else {" : "");
        }
        free(cond);
        return tmp ? tmp : xstrdup("(void)0");
    }
    /* Everything else: operands left to right, the text around them kept. */
    for (int i = 0; i < e->nkid; i++) {
        Node *k = e->kid[i];
        if (k->begin < e->begin || k->end > e->end || (i && k->begin < e->kid[i - 1]->end))
            return lx_opaque(l, e);
    }
    Buf b = {0};
    unsigned pos = e->begin;
    for (int i = 0; i < e->nkid; i++) {
        Node *k = e->kid[i];
        if (!k->has_await)
            continue;
        copy(l, &b, pos, k->begin);
        char *t = lx(l, k);
        buf_puts(&b, t);
        free(t);
        pos = k->end;
    }
    copy(l, &b, pos, e->end);
    return buf_take(&b);
}

/* --------------------------------------------------------------------
 * Statements.
 * ------------------------------------------------------------------ */

/* Before a statement's awaits: on a line of their own, and inside braces
 * where the statement is the body of an if, a loop or a label. */
static bool open_pre(L *l, Node *s, char **save)
{
    *save = NULL;
    bool in_block = s->parent && s->parent->ck == CXCursor_CompoundStmt;
    char *ind = indent_of(l, s->begin);
    if (at_line_start(l)) {
        if (in_block) {
            free(l->ind);
            l->ind = ind;
            return false;
        }
        o_gen(l, "%s{\n", ind);
    } else {
        o_gen(l, in_block ? "\n" : "{\n");
        if (in_block) {
            free(l->ind);
            l->ind = ind;
            return false;
        }
    }
    free(l->ind);
    l->ind = ind;
    push_ind(l, save);
    return true;
}

static void drop_newline(L *l)
{
    /* A #line that nothing follows goes too: the input's line break would
     * otherwise end up on the directive. */
    size_t start = l->out.len ? l->out.len - 1 : 0;
    while (start > 0 && l->out.s[start - 1] != '\n')
        start--;
    if (l->out.len - start > 5 && memcmp(l->out.s + start, "#line", 5) == 0) {
        l->out.len = start;
        l->out.s[start] = '\0';
        l->line_ok = false;
    }
    if (l->out.len && l->out.s[l->out.len - 1] == '\n')
        l->out.s[--l->out.len] = '\0';
}

static void close_pre(L *l, bool wrapped, char *save)
{
    if (!wrapped)
        return;
    pop_ind(l, save);
    o_gen(l, "%s%s}", at_line_start(l) ? "" : "\n", l->ind);
}

/* A statement written as indentation + text after its awaits. */
static void put_stmt_text(L *l, Node *s, bool wrapped, const char *text, const char *tail)
{
    if (wrapped) {
        o_gen(l, "%s", l->ind);
    } else {
        begin_stmt(l, s);
    }
    o_text(l, text);
    o_text(l, tail);
}

/* Whether nothing follows statement s in its switch case: gcc's
 * -Wimplicit-fallthrough then takes the resume label that would end the
 * case for a fall through, even under a fall-through comment. */
static bool ends_case(Node *s)
{
    for (Node *p = s->parent; p; s = p, p = p->parent) {
        if (p->ck == CXCursor_CaseStmt || p->ck == CXCursor_DefaultStmt)
            return true;
        if (p->ck != CXCursor_CompoundStmt)
            return false;
        int i = 0;
        while (i < p->nkid && p->kid[i] != s)
            i++;
        if (i + 1 < p->nkid)    /* the next case, or another statement */
            return p->kid[i + 1]->ck == CXCursor_CaseStmt || p->kid[i + 1]->ck == CXCursor_DefaultStmt;
    }
    return false;
}

static void ls_expr(L *l, Node *s)
{
    char *save;
    temps_free(l);
    bool wrapped = open_pre(l, s, &save);
    Node *e = strip(s);
    char *text = NULL;
    if (e->ck == CXCursor_CStyleCastExpr && clang_getCursorType(e->cur).kind == CXType_Void &&
        e->nkid && strip(e->kid[e->nkid - 1])->kind == N_AWAIT)
        e = strip(e->kid[e->nkid - 1]);
    Node *lhs = e->ck == CXCursor_BinaryOperator && e->nkid == 2 && strcmp(e->op, "=") == 0
                    ? strip(e->kid[0]) : NULL;
    Node *rhs = lhs ? strip(e->kid[1]) : NULL;
    if (lhs && lhs->ck == CXCursor_DeclRefExpr && lhs->var && lhs->var->member && !ends_case(s) &&
        rhs->kind == N_AWAIT && node_type(rhs).kind != CXType_Void &&
        same_type(node_type(rhs), lhs->var->type) &&
        clang_getCanonicalType(lhs->var->type).kind != CXType_ConstantArray &&
        !clang_isVolatileQualifiedType(lhs->var->type)) {
        /* `x = await(f(...))` with x in the frame: f stores straight into
         * x when it returns, as `T x = await(...)` does. */
        char *m = member(lhs->var->member);
        char *target = xasprintf("&%s", m);
        free(lower_await(l, rhs, target, false));
        free(target);
        free(m);
    } else if (e->kind == N_AWAIT) {
        free(lower_await(l, e, NULL, true));
        if (!wrapped) {
            /* Keep what followed on the line (comments) in place. */
            text = NULL;
        }
    } else {
        text = lx(l, s);
    }
    if (text) {
        put_stmt_text(l, s, wrapped, text, ";");
        free(text);
    } else if (!wrapped) {
        /* Nothing is left of the statement: the label line ends it, and
         * the input's own line break follows. */
        drop_newline(l);
    }
    close_pre(l, wrapped, save);
}

static void ls_return(L *l, Node *s)
{
    char *save;
    temps_free(l);
    Node *e = s->nkid ? s->kid[0] : NULL;
    if (e)
        check_dropped(l, s->begin, e->begin);
    bool wrapped = open_pre(l, s, &save);
    Buf b = {0};
    Node *se = e ? strip(e) : NULL;
    if (se && se->kind == N_AWAIT && l->rt.kind != CXType_Void && node_type(se).kind != CXType_Void &&
        same_type(node_type(se), l->rt)) {
        /* return await(f(...)): f stores straight through our own ret. */
        free(lower_await(l, se, "async__self->async__ret", false));
        return_text(l, &b, NULL, NULL);
    } else if (e && l->rt.kind == CXType_Void) {
        char *v = lx(l, e);
        buf_printf(&b, "{ (void)(%s); %s }", v, exit_stmt(l));
        free(v);
    } else {
        char *v = e ? lx(l, e) : NULL;
        return_text(l, &b, e, v);
        free(v);
    }
    put_stmt_text(l, s, wrapped, b.s, "");
    free(b.s);
    close_pre(l, wrapped, save);
}

static bool text_is_ident(Ctx *c, unsigned off, const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || off + n > c->len || memcmp(c->src + off, id, n) != 0)
        return false;
    char ch = off + n < c->len ? c->src[off + n] : ' ';
    return !(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'));
}

/* The initialiser of a VarDecl node: the last expression after its `=`. */
static Node *var_init(L *l, Node *v)
{
    Ctx *c = l->c;
    unsigned name = (unsigned)-1;
    CXSourceLocation loc = clang_getCursorLocation(v->cur);
    name = file_offset(c, loc);
    /* An expression of the declaration that maps before its name came from
     * a macro's replacement text (`DECL(x)` for `int x = 5`). */
    bool from_macro = false;
    for (int i = 0; i < v->nkid; i++)
        if (clang_isExpression(v->kid[i]->ck) && v->kid[i]->begin <= name)
            from_macro = true;
    if (name == UINT32_MAX || from_macro || starts_macro(c, name) ||
        !text_is_ident(c, name, v->var ? v->var->name : "")) {
        diag_error(c, v->begin, "a variable that lives across an await is declared by a macro; "
                   "declare it in the function itself");
        return NULL;
    }
    int depth = 0;
    unsigned eq = 0;
    for (unsigned p = name; p < v->end; p++) {
        char ch = c->src[p];
        if (ch == '[' || ch == '(')
            depth++;
        else if (ch == ']' || ch == ')')
            depth--;
        else if (ch == '=' && depth <= 0) {
            /* After the name, only the declarator's closing parentheses
             * (`(*ops[2])(int)`) take the depth below zero. */
            eq = p;
            break;
        }
    }
    if (eq == 0)
        return NULL;
    for (int i = v->nkid - 1; i >= 0; i--)
        if (v->kid[i]->begin > eq && clang_isExpression(v->kid[i]->ck))
            return v->kid[i];
    diag_error(c, eq, "asyncc cannot find this declaration's initialiser; "
               "declare the variable and assign it in a statement of its own");
    return NULL;
}

/* A frame variable's declaration: its initialisation, as statements. */
static void ls_decl(L *l, Node *s, bool for_init)
{
    Ctx *c = l->c;
    char *save = NULL;
    bool any_frame = false;
    for (int i = 0; i < s->nkid; i++)
        if ((s->kid[i]->ck == CXCursor_VarDecl && s->kid[i]->var && s->kid[i]->var->member) ||
            s->kid[i]->hoisted)
            any_frame = true;
    if (!any_frame) {
        /* Plain locals whose initialiser awaits: the awaits first, then
         * the declaration as written, where it stands. */
        if (!for_init && !at_line_start(l))
            o_gen(l, "\n");
        if (!for_init)
            l->ind = (free(l->ind), indent_of(l, s->begin));
        temps_free(l);
        char *t = lx(l, s);
        if (for_init)
            o_gen(l, "%s", l->ind);
        else
            begin_stmt(l, s);
        o_text(l, t);
        free(t);
        return;
    }
    bool wrapped = for_init ? false : open_pre(l, s, &save);
    bool first = true;
    for (int i = 0; i < s->nkid; i++) {
        Node *v = s->kid[i];
        if (v->hoisted)
            continue; /* moved to file scope */
        if (v->ck != CXCursor_VarDecl) {
            diag_error(c, v->begin, "a type declared together with a variable that lives across an await; "
                       "declare the type on its own");
            continue;
        }
        if (v->var == NULL || v->var->member == NULL) {
            /* a static or extern local in the same declaration */
            diag_error(c, v->begin, "declare static or extern locals apart from variables that live across an await");
            continue;
        }
        Node *init = var_init(l, v);
        if (init == NULL) {
            check_dropped(l, v->begin, v->end);
            check_attrs(l, v->begin, v->end);
            continue;
        }
        check_dropped(l, s->begin, init->begin);
        check_dropped(l, init->end, s->end);
        check_attrs(l, s->begin, init->begin);
        char *m = member(v->var->member);
        Node *si = strip(init);
        temps_free(l);
        CXType vt = v->var->type;
        CXType cvt = clang_getCanonicalType(vt);
        Buf b = {0};
        if (si->kind == N_AWAIT && node_type(si).kind != CXType_Void && same_type(node_type(si), vt) &&
            cvt.kind != CXType_ConstantArray) {
            char *target = xasprintf("&%s", m);
            free(lower_await(l, si, target, false));
            free(target);
            free(m);
            continue;
        }
        char *t = lx(l, init);
        if (cvt.kind == CXType_ConstantArray || cvt.kind == CXType_IncompleteArray) {
            l->uses_memcpy = true;
            buf_printf(&b, "memcpy(%s, (", m);
            type_decl(c, &b, vt, NULL, true);
            buf_printf(&b, ")%s%s%s, sizeof %s);", t[0] == '{' ? "" : "{", t, t[0] == '{' ? "" : "}", m);
        } else if (si->ck == CXCursor_InitListExpr) {
            buf_printf(&b, "%s = (", m);
            type_decl(c, &b, vt, NULL, true);
            buf_printf(&b, ")%s;", t);
        } else {
            buf_printf(&b, "%s = %s;", m, t);
        }
        free(t);
        if (first && !wrapped && !for_init) {
            begin_stmt(l, s);
        } else {
            if (!at_line_start(l))
                o_gen(l, "\n");
            o_gen(l, "%s", l->ind);
        }
        o_text(l, b.s);
        first = false;
        free(b.s);
        free(m);
    }
    if (first && !wrapped && at_line_start(l))
        drop_newline(l);
    close_pre(l, wrapped, save);
}

/* The statement with its parts in place: expression parts (evaluated once,
 * first) lowered before it, statement parts recursively. */
/* Whether kid i of statement s is one of its expressions (evaluated once,
 * before the rest) rather than a sub-statement. */
static bool is_expr_part(L *l, Node *s, int i)
{
    switch (s->ck) {
    case CXCursor_IfStmt:
    case CXCursor_SwitchStmt:
    case CXCursor_CaseStmt:
    case CXCursor_WhileStmt:
        return i == 0;
    case CXCursor_DoStmt:
        return i == 1;
    case CXCursor_ForStmt: {
        ForParts fp = for_parts(l, s);
        return s->kid[i] != fp.body;
    }
    case CXCursor_LabelStmt:
    case CXCursor_DefaultStmt:
        return false;
    default:
        return clang_isExpression(s->kid[i]->ck);
    }
}

static void ls_splice(L *l, Node *s)
{
    char *save = NULL;
    bool wrapped = false, pre = false;
    char **texts = xcalloc((size_t)s->nkid + 1, sizeof *texts);
    bool *isx = xcalloc((size_t)s->nkid + 1, sizeof *isx);
    for (int i = 0; i < s->nkid; i++) {
        isx[i] = is_expr_part(l, s, i);
        if (isx[i] && s->kid[i]->has_await)
            pre = true;
    }
    if (pre) {
        wrapped = open_pre(l, s, &save);
        temps_free(l);
        for (int i = 0; i < s->nkid; i++)
            if (isx[i])
                texts[i] = lx(l, s->kid[i]);
        if (wrapped)
            o_gen(l, "%s", l->ind);
    }
    begin_stmt(l, s);
    unsigned pos = s->begin;
    for (int i = 0; i < s->nkid; i++) {
        Node *k = s->kid[i];
        o_src(l, pos, k->begin);
        if (isx[i]) {
            if (texts[i])
                o_text(l, texts[i]);
            else
                o_src(l, k->begin, k->end);
            pos = k->end;
        } else {
            ls(l, k);
            pos = stmt_end(l, k);
        }
    }
    o_src(l, pos, stmt_end(l, s));
    for (int i = 0; i < s->nkid; i++)
        free(texts[i]);
    free(texts);
    free(isx);
    close_pre(l, wrapped, save);
}

static void ls_compound(L *l, Node *s)
{
    begin_stmt(l, s);
    unsigned pos = s->begin;
    for (int i = 0; i < s->nkid; i++) {
        Node *k = s->kid[i];
        /* Statements that need nothing are copied too, one by one, so that
         * each may put the line numbering back after generated code. */
        if (!k->needs_lower && l->line_ok)
            continue;
        unsigned at = k->begin;
        if (at < pos)
            continue;
        if (only_blank_before(l, at))
            while (at > pos && (l->c->src[at - 1] == ' ' || l->c->src[at - 1] == '\t'))
                at--;
        o_src(l, pos, at);
        ls(l, k);
        pos = stmt_end(l, k);
    }
    o_src(l, pos, s->end);
}

static void cond_break(L *l, Node *cond)
{
    temps_free(l);
    char *t = lx(l, cond);
    o_gen(l, "%sif (!(%s))\n%s    break;\n", l->ind, t, l->ind);
    free(t);
}

static void ls_loop(L *l, Node *s)
{
    char *outer = l->ind;
    l->ind = indent_of(l, s->begin);
    char *save;
    begin_stmt(l, s);
    for (int i = 0; i < s->nkid; i++)
        check_dropped(l, i ? s->kid[i - 1]->end : s->begin, s->kid[i]->begin);
    if (s->ck == CXCursor_WhileStmt) {
        o_gen(l, "for (;;) { /* while */\n");
        push_ind(l, &save);
        cond_break(l, s->kid[0]);
        ls(l, s->kid[1]);
        pop_ind(l, save);
        o_gen(l, "\n%s}", l->ind);
    } else if (s->ck == CXCursor_DoStmt) {
        o_gen(l, "for (;;) { /* do-while */\n");
        push_ind(l, &save);
        ls(l, s->kid[0]);
        o_gen(l, "\n");
        if (s->loop_id)
            o_gen(l, "async__cont_%d:;\n", s->loop_id);
        cond_break(l, s->kid[1]);
        pop_ind(l, save);
        o_gen(l, "%s}", l->ind);
    } else {
        ForParts fp = for_parts(l, s);
        o_gen(l, "{ /* for */\n");
        push_ind(l, &save);
        if (fp.init) {
            if (fp.init->ck == CXCursor_DeclStmt && fp.init->needs_lower) {
                ls_decl(l, fp.init, true);
                if (!at_line_start(l))
                    o_gen(l, "\n");
            } else if (fp.init->ck == CXCursor_DeclStmt) {
                o_gen(l, "%s", l->ind);
                o_src(l, fp.init->begin, fp.init->end);
                o_gen(l, "\n");
            } else {
                temps_free(l);
                char *t = lx(l, fp.init);
                o_gen(l, "%s%s;\n", l->ind, t);
                free(t);
            }
        }
        o_gen(l, "%sfor (;;) {\n", l->ind);
        char *save2;
        push_ind(l, &save2);
        if (fp.cond)
            cond_break(l, fp.cond);
        ls(l, fp.body);
        o_gen(l, "\n");
        if (s->loop_id)
            o_gen(l, "async__cont_%d:;\n", s->loop_id);
        if (fp.inc) {
            temps_free(l);
            char *t = lx(l, fp.inc);
            o_gen(l, "%s%s;\n", l->ind, t);
            free(t);
        }
        pop_ind(l, save2);
        o_gen(l, "%s}\n", l->ind);
        pop_ind(l, save);
        o_gen(l, "%s}", l->ind);
    }
    free(l->ind);
    l->ind = outer;
}

static void ls(L *l, Node *s)
{
    if (!s->needs_lower) {
        begin_stmt(l, s);
        o_src(l, s->begin, stmt_end(l, s));
        return;
    }
    if (!s->clean && s->ck != CXCursor_DeclStmt) {
        char *save;
        bool wrapped = open_pre(l, s, &save);
        temps_free(l);
        char *t = lx_opaque(l, s);
        put_stmt_text(l, s, wrapped, t, "");
        free(t);
        o_src(l, s->end, stmt_end(l, s));
        close_pre(l, wrapped, save);
        return;
    }
    switch (s->ck) {
    case CXCursor_CompoundStmt:
        ls_compound(l, s);
        break;
    case CXCursor_DeclStmt:
        ls_decl(l, s, false);
        break;
    case CXCursor_ReturnStmt:
        ls_return(l, s);
        break;
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_ForStmt:
        if (loop_restructured(l, s))
            ls_loop(l, s);
        else
            ls_splice(l, s);
        break;
    case CXCursor_IfStmt:
    case CXCursor_SwitchStmt:
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
    case CXCursor_LabelStmt:
        ls_splice(l, s);
        break;
    default:
        if (clang_isExpression(s->ck))
            ls_expr(l, s);
        else
            ls_splice(l, s);
        break;
    }
}

/* --------------------------------------------------------------------
 * The function.
 * ------------------------------------------------------------------ */
static AsyncFn *current;

/* The scope of a local: the block (or for statement) its declaration is in. */
static Node *scope_of(Var *v)
{
    Node *ds = v->decl ? v->decl->parent : NULL;
    return ds ? ds->parent : NULL;
}

static bool is_scope(Node *n)
{
    return n->ck == CXCursor_CompoundStmt || n->ck == CXCursor_ForStmt;
}

/* How many frame locals are declared in the scopes at and under `n`. */
static int locals_under(L *l, Node *n)
{
    int k = 0;
    for (int i = 0; i < l->f->nvars; i++) {
        Var *v = l->f->vars[i];
        if (!v->member || v->is_param)
            continue;
        for (Node *s = scope_of(v); s; s = s->parent)
            if (s == n) {
                k++;
                break;
            }
    }
    return k;
}

/* The nearest scopes under `n` (not under another scope). */
static void child_scopes(Node *n, Node ***v, int *cnt)
{
    for (int i = 0; i < n->nkid; i++) {
        Node *k = n->kid[i];
        if (is_scope(k)) {
            *v = xrealloc(*v, sizeof **v * (size_t)(*cnt + 1));
            (*v)[(*cnt)++] = k;
        } else {
            child_scopes(k, v, cnt);
        }
    }
}

/* The frame members of the locals of scope `n` and the scopes inside it.
 * Sibling scopes are never alive at once, so their locals share storage:
 * an anonymous union of anonymous structs (C11 6.7.2.1p13), which leaves
 * every member's name as it is. */
static int frame_locals(L *l, Buf *g, Node *n, int depth)
{
    int done = 0;
    for (int i = 0; i < l->f->nvars; i++) {
        Var *v = l->f->vars[i];
        if (v->member && !v->is_param && (n ? scope_of(v) == n : true)) {
            buf_printf(g, "%*s", depth * 4, "");
            type_decl(l->c, g, v->type, v->member, true);
            buf_puts(g, ";\n");
            done++;
        }
    }
    if (n == NULL)
        return done;
    Node **kids = NULL;
    int nk = 0, busy = 0;
    child_scopes(n, &kids, &nk);
    for (int i = 0; i < nk; i++)
        if (locals_under(l, kids[i]))
            busy++;
    if (busy == 1) {
        for (int i = 0; i < nk; i++)
            if (locals_under(l, kids[i]))
                done += frame_locals(l, g, kids[i], depth);
    } else if (busy > 1) {
        buf_printf(g, "%*sunion {\n", depth * 4, "");
        for (int i = 0; i < nk; i++) {
            if (!locals_under(l, kids[i]))
                continue;
            buf_printf(g, "%*sstruct {\n", (depth + 1) * 4, "");
            done += frame_locals(l, g, kids[i], depth + 2);
            buf_printf(g, "%*s};\n", (depth + 1) * 4, "");
        }
        buf_printf(g, "%*s};\n", depth * 4, "");
    }
    free(kids);
    return done;
}

static const LocalType *find_type(AsyncFn *f, CXCursor decl)
{
    if (f == NULL || f->ntypes == 0)
        return NULL;
    CXCursor canon = clang_getCanonicalCursor(decl);
    for (int i = 0; i < f->ntypes; i++)
        if (clang_equalCursors(f->types[i].cur, canon))
            return &f->types[i];
    return NULL;
}

static const char *renamed_type(CXCursor decl)
{
    const LocalType *t = find_type(current, decl);
    return t ? t->renamed : NULL;
}
char *lower_fn(Ctx *c, AsyncFn *f)
{
    L lo = {0}, *l = &lo;
    l->c = c;
    l->f = f;
    l->rt = clang_getCursorResultType(f->cur);
    l->ind = xstrdup("    ");
    l->lines = xcalloc(1, sizeof *l->lines);
    l->lines[0] = line_of(c, file_offset(c, clang_getCursorLocation(f->cur)));
    current = f;
    type_renamed = renamed_type;
    plan(l, f->body);
    if (l->nev)
        qsort(l->ev, (size_t)l->nev, sizeof *l->ev, cmp_event);

    /* The body first: it decides the temporaries and the await points. */
    ls(l, f->body);
    char *body = buf_take(&l->out);

    const char *nm = f->name;
    Buf g = {0};
    /* The scaffolding (frame, facts, entry point, dispatch) is the output's
     * own code: a #line naming the output file keeps gdb and compiler
     * messages from placing it on input lines that follow. */
    if (!c->no_line) {
        /* A directive needs a line of its own: after code that shares the
         * function's first line (`static int n; async int f(...)`), a
         * newline first. */
        if (f->begin > 0 && c->src[f->begin - 1] != '\n')
            buf_puts(&g, "\n");
        buf_puts(&g, OUTPUT_LINE_MARK "\n");
    }
    /* C11 7.1.4p2 lets a program declare a library function itself; an
     * #include <string.h> at the top would come before the user's feature
     * macros (_POSIX_C_SOURCE...). */
    if (l->uses_memcpy && !c->memcpy_declared) {
        buf_puts(&g, "void *memcpy(void *restrict, const void *restrict, size_t);\n\n");
        c->memcpy_declared = true;
    }
    /* Local types that frame members need, at file scope. */
    for (int i = 0; i < f->ntypes; i++) {
        Node *tn = f->types[i].node;
        if (!tn->hoisted)
            continue;
        copy(l, &g, tn->begin, tn->end);
        buf_puts(&g, ";\n");
    }
    if (f->ntypes)
        buf_puts(&g, "\n");
    /* The frame. */
    /* The head (header, ret, arguments, the defer mask: what the entry
     * point stores) comes first; a task's block holds only the head until
     * the task starts (async__fninfo.head_size). */
    const char *head_end = "async__hdr";
    buf_printf(&g, "struct async__frame_%s {\n    async_frame async__hdr;\n", nm);
    if (l->rt.kind != CXType_Void) {
        buf_puts(&g, "    ");
        type_decl(c, &g, l->rt, "*async__ret", true);
        buf_puts(&g, ";\n");
        head_end = "async__ret";
    }
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (!v->member || !v->is_param)
            continue;
        /* drop a top-level const: the entry point assigns it */
        Buf pb = {0};
        param_decl(c, &pb, v->type, v->member);
        char *ps = pb.s;
        if (strncmp(ps, "const ", 6) == 0 && clang_isConstQualifiedType(v->type) &&
            clang_getCanonicalType(v->type).kind != CXType_Pointer)
            ps += 6;
        buf_printf(&g, "    %s;\n", ps);
        free(pb.s);
        head_end = v->member;
    }
    if (f->ndefers) {
        buf_puts(&g, "    unsigned async__deferred;\n");
        head_end = "async__deferred";
    }
    size_t head_len = g.len;
    {
        /* Every local must have found its place; else one flat list. */
        size_t mark = g.len;
        int total = 0;
        for (int i = 0; i < f->nvars; i++)
            if (f->vars[i]->member && !f->vars[i]->is_param)
                total++;
        if (frame_locals(l, &g, f->body, 1) != total) {
            g.len = mark;
            g.s[mark] = '\0';
            frame_locals(l, &g, NULL, 1);
        }
    }
    if (l->members.s)
        buf_puts(&g, l->members.s);
    bool split = g.len > head_len;
    buf_puts(&g, "};\n\n");

    /* The static facts. */
    buf_printf(&g, "static int async__resume_%s(async_frame *async__frame);\n", nm);
    buf_printf(&g, "static const unsigned async__lines_%s[] = {", nm);
    /* Lines and file as the user knows them: the input's own #line
     * directives, if any, decide them. */
    char *file;
    for (int i = 0; i <= l->nstate; i++)
        buf_printf(&g, "%s%u", i ? ", " : "", user_line(c, l->lines[i], NULL));
    buf_puts(&g, "};\n");
    buf_printf(&g, "static const async__fninfo async__info_%s = {\n"
                   "    async__resume_%s, \"%s\",\n    \"", nm, nm, nm);
    user_line(c, l->lines[0], &file);
    for (const char *p = file; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_add(&g, "\\", 1);
        buf_add(&g, p, 1);
    }
    free(file);
    buf_printf(&g, "\",\n    async__lines_%s, %d,\n    sizeof(struct async__frame_%s), ", nm,
               l->nstate + 1, nm);
    if (split)
        buf_printf(&g, "ASYNC__HEAD_SIZE(struct async__frame_%s, %s),\n    ", nm, head_end);
    else
        buf_puts(&g, "0, ");
    buf_printf(&g, "_Alignof(struct async__frame_%s)\n};\n\n", nm);

    /* The entry point. */
    char *proto = entry_proto(c, f->cur, true, f->is_static);
    buf_printf(&g, "%s\n{\n", proto);
    free(proto);
    buf_printf(&g, "    struct async__frame_%s *async__self = (struct async__frame_%s *)\n"
                   "        async__frame_new(sizeof *async__self, &async__info_%s, async__mode);\n"
                   "    if (async__self == NULL)\n        return NULL;\n", nm, nm, nm);
    if (l->rt.kind != CXType_Void)
        buf_puts(&g, "    async__self->async__ret = async__ret;\n");
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (v->is_param && v->member && *v->name)
            buf_printf(&g, "    async__self->%s = %s;\n", v->member, v->name);
    }
    if (f->ndefers)
        buf_puts(&g, "    async__self->async__deferred = 0;\n");
    buf_puts(&g, "    return &async__self->async__hdr;\n}\n\n");

    /* The resume function. */
    buf_printf(&g, "static int async__resume_%s(async_frame *async__frame)\n{\n", nm);
    buf_printf(&g, "    struct async__frame_%s *async__self = (struct async__frame_%s *)async__frame;\n\n",
               nm, nm);
    buf_puts(&g, "    switch (async__self->async__hdr.state) {\n    case 0: break;\n");
    for (int i = 1; i <= l->nstate; i++)
        buf_printf(&g, "    case %d: goto async__resume_%d;\n", i, i);
    buf_printf(&g, "    default: %s /* ASYNC__UNWIND */\n    }\n", f->ndefers ? "goto async__exit;" : "return ASYNC__DONE;");
    buf_puts(&g, body);
    buf_puts(&g, "\n");
    /* The function's exit, like its dispatch, is the output's own code. */
    if (!c->no_line)
        buf_puts(&g, OUTPUT_LINE_MARK "\n");
    if (f->ndefers) {
        buf_puts(&g, "async__exit:\n");
        for (int i = f->ndefers - 1; i >= 0; i--) {
            Node *d = f->defers[i];
            buf_printf(&g, "    if (async__self->async__deferred & (1u << %d)) {\n"
                           "        async__self->async__deferred &= ~(1u << %d);\n", i, i);
            if (!c->no_line)
                emit_line_directive(c, &g, line_of(c, d->arg_begin));
            char *t = copy_str(l, d->arg_begin, d->arg_end);
            buf_printf(&g, "        %s;\n    }\n", t);
            free(t);
        }
        if (!c->no_line)
            buf_puts(&g, OUTPUT_LINE_MARK "\n");
    }
    buf_puts(&g, "    return ASYNC__DONE;\n}");
    if (!c->no_line) {
        /* The input goes on after the `}`, on the line of the `}`: the
         * directive names that line, and what follows the `}` on it keeps
         * its column (blanks in place of what came before, tabs kept). */
        unsigned end = f->end ? f->end : 1, last = line_of(c, end - 1);
        buf_puts(&g, "\n");
        if (end < c->len && c->src[end] != '\n' && c->src[end] != '\r') {
            emit_line_directive(c, &g, last);
            unsigned bol = end;
            while (bol > 0 && c->src[bol - 1] != '\n')
                bol--;
            for (unsigned i = bol; i < end; i++)
                buf_add(&g, c->src[i] == '\t' ? "\t" : " ", 1);
        } else {
            /* Nothing follows on that line: the input's own newline ends
             * the directive, which names the line after. */
            emit_line_directive(c, &g, last + 1);
            g.s[--g.len] = '\0';
        }
    }
    type_renamed = NULL;
    current = NULL;
    free(body);
    free(l->members.s);
    free(l->lines);
    free(l->ev);
    free(l->ind);
    return buf_take(&g);
}
