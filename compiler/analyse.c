/*
 * analyse.c - finding async functions, awaits and uses of async functions,
 * and checking the rules of the language (DESIGN.md 1.1 to 1.3).
 *
 * One walk over the main file's top-level declarations (cursors from
 * headers are skipped at once):
 *
 *   - an async function's definition gets a tree of Nodes (a copy of
 *     libclang's cursors with file offsets, the await/spawn/run/defer
 *     patterns of async.h recognised, and `has_await` computed) and a list
 *     of its variables, each either a frame member or a plain C local: a
 *     local stays plain when no await lies in its scope after it;
 *   - an async prototype becomes the entry point's prototype;
 *   - ordinary code is searched for async_run and async_create_task, which
 *     are rewritten in place, and for every other use of an async function
 *     or of await, which is an error.
 *
 * The macros of async.h leave recognisable shapes in the AST:
 *
 *     await(E)              (async__await_marker(), (E))
 *     async_create_task(C)  ((void)(C), async__create_task_marker())
 *     async_run(C)          ((void)(C), async__run_marker())
 *     async_gather(I...)    async__gather_marker(((void)(I1), ..., 0))
 *     async_wait_for(I, s)  async__wait_for_marker(((void)(I), 0), (s))
 *     async_defer(...)      do { if (0) { ... } async__defer_marker(); } while (0)
 */
#include "asyncc.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool is_ident_char(char ch);
static unsigned skip_blank(Ctx *c, unsigned p, unsigned end);
static bool is_space(char ch);

/* ---------------------------------------------------------------------
 * What a function declaration is to us, cached by canonical cursor.
 * ------------------------------------------------------------------- */
enum {
    FK_PLAIN = 1,
    FK_ASYNC,
    FK_AWAIT_MARKER,
    FK_SPAWN_MARKER,
    FK_RUN_MARKER,
    FK_GATHER_MARKER,
    FK_WAIT_FOR_MARKER,
    FK_DEFER_MARKER,
    FK_BLOCKING,
    FK_ALLOCA,
};

typedef struct FnSlot {
    CXCursor cur;
    int kind;
    bool used;
    bool noted;                 /* its entry point's declaration is settled */
} FnSlot;

static FnSlot *fn_table;
static size_t fn_cap, fn_count;

static const char *const blocking[] = {
    "sleep", "usleep", "nanosleep", "clock_nanosleep", "system", "wait",
    "waitpid", "getaddrinfo", "gethostbyname", "select", "poll", "epoll_wait",
    "pthread_join", NULL,
};

static enum CXChildVisitResult find_annotate(CXCursor cur, CXCursor parent, CXClientData data)
{
    (void)parent;
    if (cur.kind == CXCursor_AnnotateAttr) {
        CXString s = clang_getCursorSpelling(cur);
        if (strcmp(clang_getCString(s), "async") == 0)
            *(bool *)data = true;
        clang_disposeString(s);
    }
    return CXChildVisit_Continue;
}

static bool has_async_attr(CXCursor fn)
{
    bool found = false;
    if (clang_Cursor_hasAttrs(fn))
        clang_visitChildren(fn, find_annotate, &found);
    return found;
}

static int classify_fn(CXCursor fn)
{
    char *name = cx_str(clang_getCursorSpelling(fn));
    int k = FK_PLAIN;
    if (strncmp(name, "async__", 7) == 0 && strstr(name, "_marker")) {
        if (strcmp(name, "async__await_marker") == 0) k = FK_AWAIT_MARKER;
        else if (strcmp(name, "async__create_task_marker") == 0) k = FK_SPAWN_MARKER;
        else if (strcmp(name, "async__run_marker") == 0) k = FK_RUN_MARKER;
        else if (strcmp(name, "async__gather_marker") == 0) k = FK_GATHER_MARKER;
        else if (strcmp(name, "async__wait_for_marker") == 0) k = FK_WAIT_FOR_MARKER;
        else if (strcmp(name, "async__defer_marker") == 0) k = FK_DEFER_MARKER;
    } else if (has_async_attr(fn)) {
        k = FK_ASYNC;
    } else {
        CXCursor def = clang_getCursorDefinition(fn);
        if (!clang_Cursor_isNull(def) && has_async_attr(def))
            k = FK_ASYNC;
        else if (strcmp(name, "alloca") == 0 || strcmp(name, "__builtin_alloca") == 0)
            k = FK_ALLOCA;
        else
            for (int i = 0; blocking[i]; i++)
                if (strcmp(name, blocking[i]) == 0)
                    k = FK_BLOCKING;
    }
    free(name);
    return k;
}

static FnSlot *fn_slot(CXCursor fn);

static int fn_kind(CXCursor fn)
{
    FnSlot *slot = fn_slot(fn);
    return slot ? slot->kind : 0;
}

static FnSlot *fn_slot(CXCursor fn)
{
    if (fn.kind != CXCursor_FunctionDecl)
        return NULL;
    CXCursor canon = clang_getCanonicalCursor(fn);
    if (fn_count * 2 >= fn_cap) {
        size_t ncap = fn_cap ? fn_cap * 2 : 1024;
        FnSlot *nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < fn_cap; i++) {
            if (!fn_table[i].used)
                continue;
            size_t h = clang_hashCursor(fn_table[i].cur) & (ncap - 1);
            while (nt[h].used)
                h = (h + 1) & (ncap - 1);
            nt[h] = fn_table[i];
        }
        free(fn_table);
        fn_table = nt;
        fn_cap = ncap;
    }
    size_t h = clang_hashCursor(canon) & (fn_cap - 1);
    while (fn_table[h].used) {
        if (clang_equalCursors(fn_table[h].cur, canon))
            return &fn_table[h];
        h = (h + 1) & (fn_cap - 1);
    }
    fn_table[h].used = true;
    fn_table[h].cur = canon;
    fn_table[h].kind = classify_fn(canon);
    fn_count++;
    return &fn_table[h];
}

bool is_async_fn(Ctx *c, CXCursor fn)
{
    (void)c;
    return fn_kind(fn) == FK_ASYNC;
}

/* The kind of function a CallExpr calls (0 when not a direct call). */
static int call_kind(CXCursor call, CXCursor *callee)
{
    CXCursor r = clang_getCursorReferenced(call);
    if (callee)
        *callee = r;
    if (clang_Cursor_isNull(r))
        return 0;
    return fn_kind(r);
}

/* The names of the async functions declared so far, for a quick look at an
 * ordinary function's text before walking its AST: most functions use no
 * async function at all and need no walk. */
static char **names;
static size_t names_cap, names_count;

static size_t name_hash(const char *s, size_t n)
{
    size_t h = 5381;
    for (size_t i = 0; i < n; i++)
        h = h * 33 + (unsigned char)s[i];
    return h;
}

static bool name_known(const char *s, size_t n)
{
    if (names_cap == 0)
        return false;
    for (size_t h = name_hash(s, n) & (names_cap - 1); names[h]; h = (h + 1) & (names_cap - 1))
        if (strlen(names[h]) == n && memcmp(names[h], s, n) == 0)
            return true;
    return false;
}

static void name_add(const char *s)
{
    if (name_known(s, strlen(s)))
        return;
    if ((names_count + 1) * 2 > names_cap) {
        size_t ncap = names_cap ? names_cap * 2 : 256;
        char **nt = xcalloc(ncap, sizeof *nt);
        for (size_t i = 0; i < names_cap; i++)
            if (names[i]) {
                size_t h = name_hash(names[i], strlen(names[i])) & (ncap - 1);
                while (nt[h])
                    h = (h + 1) & (ncap - 1);
                nt[h] = names[i];
            }
        free(names);
        names = nt;
        names_cap = ncap;
    }
    size_t h = name_hash(s, strlen(s)) & (names_cap - 1);
    while (names[h])
        h = (h + 1) & (names_cap - 1);
    names[h] = xstrdup(s);
    names_count++;
}

static bool is_ident_char(char ch)
{
    return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* Whether [b, e) of the main file names an async function, or anything
 * that starts with async or await (the macros of async.h). */
static bool text_uses_async(Ctx *c, unsigned b, unsigned e)
{
    if (b == UINT32_MAX || e == UINT32_MAX || e > c->len)
        return true;
    for (unsigned p = b; p < e;) {
        if (!is_ident_char(c->src[p]) || (c->src[p] >= '0' && c->src[p] <= '9')) {
            p++;
            continue;
        }
        unsigned s = p;
        while (p < e && is_ident_char(c->src[p]))
            p++;
        if (p - s >= 5 && (memcmp(c->src + s, "async", 5) == 0 || memcmp(c->src + s, "await", 5) == 0))
            return true;
        if (name_known(c->src + s, p - s))
            return true;
    }
    return false;
}

typedef struct Top {
    Ctx *c;
    unsigned decl_begin;        /* start of the current top-level declaration */
} Top;

static void note_use(Ctx *c, CXCursor callee);

/* ---------------------------------------------------------------------
 * Edits of the main file.
 * ------------------------------------------------------------------- */
void add_edit(Ctx *c, unsigned begin, unsigned end, char *text)
{
    Analysis *an = c->an;
    if (an->nedits == an->capedits) {
        an->capedits = an->capedits ? an->capedits * 2 : 64;
        an->edits = xrealloc(an->edits, sizeof *an->edits * (size_t)an->capedits);
    }
    an->edits[an->nedits++] = (Edit){begin, end, text};
}

static unsigned cur_begin(Ctx *c, CXCursor cur)
{
    return file_offset(c, clang_getRangeStart(clang_getCursorExtent(cur)));
}

static unsigned cur_end(Ctx *c, CXCursor cur)
{
    return file_offset(c, clang_getRangeEnd(clang_getCursorExtent(cur)));
}

static unsigned cur_loc(Ctx *c, CXCursor cur)
{
    return file_offset(c, clang_getCursorLocation(cur));
}

/* ---------------------------------------------------------------------
 * Entry points.
 * ------------------------------------------------------------------- */
char *entry_proto(Ctx *c, CXCursor fn, bool with_names, bool is_static)
{
    Buf b = {0};
    char *name = cx_str(clang_getCursorSpelling(fn));
    CXType rt = clang_getCursorResultType(fn);
    /* inline: lets the compiler put a static entry point, with the inline
     * frame allocation of async.h, into the await that calls it. */
    if (is_static)
        buf_puts(&b, "static inline ");
    buf_printf(&b, "async_frame *async__new_%s(unsigned%s", name, with_names ? " async__mode" : "");
    if (rt.kind != CXType_Void) {
        buf_puts(&b, ", ");
        CXType pt = rt;
        Buf tmp = {0};
        type_decl(c, &tmp, pt, with_names ? "*async__ret" : "*", true);
        buf_puts(&b, tmp.s);
        free(tmp.s);
    }
    int n = clang_Cursor_getNumArguments(fn);
    CXType ft = clang_getCursorType(fn);
    for (int i = 0; i < n; i++) {
        CXCursor p = clang_Cursor_getArgument(fn, (unsigned)i);
        char *pn = cx_str(clang_getCursorSpelling(p));
        CXType t = ft.kind == CXType_FunctionProto ? clang_getArgType(ft, (unsigned)i)
                                                   : clang_getCursorType(p);
        buf_puts(&b, ", ");
        param_decl(c, &b, t, with_names ? pn : NULL);
        free(pn);
    }
    buf_puts(&b, ")");
    free(name);
    return buf_take(&b);
}

/* ---------------------------------------------------------------------
 * Ordinary code: async_run, async_create_task, and misuse.
 * ------------------------------------------------------------------- */

/* The walk of an ordinary function. */
typedef struct Walk {
    Ctx *c;
    bool file_scope;
    CXCursor *stack;            /* the ancestors of the cursor visited */
    int depth, cap;
} Walk;

static char *lower_ordinary_spawn_with(Ctx *c, CXCursor call, CXCursor lhs, bool has_lhs,
                                       const char *mode, bool statement, char **temps);

typedef struct Kids {
    CXCursor *v;
    int n, cap;
} Kids;

static enum CXChildVisitResult collect_kid(CXCursor cur, CXCursor parent, CXClientData data)
{
    Kids *k = data;
    (void)parent;
    if (k->n == k->cap) {
        k->cap = k->cap ? k->cap * 2 : 8;
        k->v = xrealloc(k->v, sizeof *k->v * (size_t)k->cap);
    }
    k->v[k->n++] = cur;
    return CXChildVisit_Continue;
}

static Kids kids_of(CXCursor cur)
{
    Kids k = {0};
    clang_visitChildren(cur, collect_kid, &k);
    return k;
}

/* Skips parentheses and implicit conversions. */
static CXCursor strip_cur(CXCursor cur)
{
    while (cur.kind == CXCursor_ParenExpr || cur.kind == CXCursor_UnexposedExpr) {
        Kids k = kids_of(cur);
        if (k.n != 1) {
            free(k.v);
            break;
        }
        cur = k.v[0];
        free(k.v);
    }
    return cur;
}

/* Whether the text at `off` is the identifier `id`. */
static bool text_is(Ctx *c, unsigned off, const char *id)
{
    size_t n = strlen(id);
    if (off == UINT32_MAX || off + n > c->len || memcmp(c->src + off, id, n) != 0)
        return false;
    char ch = off + n < c->len ? c->src[off + n] : ' ';
    return !(ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'));
}

int call_args(Ctx *c, unsigned begin, unsigned end, int n, unsigned *ab, unsigned *ae)
{
    if (begin == UINT32_MAX || end == UINT32_MAX || end > c->len)
        return -1;
    unsigned p = begin;
    while (p < end && is_ident_char(c->src[p]))
        p++;
    p = skip_blank(c, p, end);
    if (p >= end || c->src[p] != '(')
        return -1;
    p++;
    int k = 0, depth = 0;
    unsigned start = p;
    for (; p < end; p++) {
        char ch = c->src[p];
        if (ch == '"' || ch == '\'') {
            for (p++; p < end && c->src[p] != ch; p++)
                if (c->src[p] == '\\')
                    p++;
        } else if (ch == '/' && p + 1 < end && (c->src[p + 1] == '*' || c->src[p + 1] == '/')) {
            p = skip_blank(c, p, end) - 1;
        } else if (ch == '(' || ch == '[' || ch == '{') {
            depth++;
        } else if ((ch == ',' && depth == 0) || ((ch == ')' || ch == ']' || ch == '}') && depth-- == 0)) {
            if (ch != ',' && ch != ')')
                return -1;
            unsigned b = skip_blank(c, start, p), e = p;
            while (e > b && is_space(c->src[e - 1]))
                e--;
            if (b < e || k > 0 || ch == ',') {
                if (k >= n)
                    return -1;
                ab[k] = b;
                ae[k] = e;
                k++;
            }
            start = p + 1;
            if (ch == ')')
                return k == n ? 0 : -1;
        }
    }
    return -1;
}

/* The lvalue `r` of `async_create_task(r = f(x))` may be neither a bit-field
 * nor a register variable: its address is taken. */
static void check_result_lvalue(Ctx *c, CXCursor lhs)
{
    CXCursor s = strip_cur(lhs);
    CXCursor ref = clang_getCursorReferenced(s);
    if (clang_Cursor_isNull(ref))
        return;
    if (ref.kind == CXCursor_FieldDecl && clang_Cursor_isBitField(ref))
        diag_error(c, cur_begin(c, lhs), "cannot store a task's result in a bit-field");
    else if ((ref.kind == CXCursor_VarDecl || ref.kind == CXCursor_ParmDecl) &&
             clang_Cursor_getStorageClass(ref) == CX_SC_Register)
        diag_error(c, cur_begin(c, lhs), "cannot store a task's result in a register variable");
}

/* Splits the operand of async_create_task / async_run into the call and
 * the optional `r =`.  False (after an error) when it is neither. */
static bool split_call(Ctx *c, CXCursor x, CXCursor *call, CXCursor *lhs, bool *has_lhs,
                       const char *what)
{
    x = strip_cur(x);
    *has_lhs = false;
    if (x.kind == CXCursor_BinaryOperator) {
        Kids k = kids_of(x);
        if (k.n == 2) {
            unsigned e0 = cur_end(c, k.v[0]), b1 = cur_begin(c, k.v[1]);
            const char *p = c->src + e0;
            while (p < c->src + b1 && (*p == ' ' || *p == '\t' || *p == '\n'))
                p++;
            if (p < c->src + b1 && *p == '=' && p[1] != '=') {
                *lhs = k.v[0];
                *has_lhs = true;
                x = strip_cur(k.v[1]);
            }
        }
        free(k.v);
    }
    CXCursor callee;
    if (x.kind != CXCursor_CallExpr || call_kind(x, &callee) != FK_ASYNC) {
        diag_error(c, cur_begin(c, x), "%s needs a call of an async function%s", what,
                   *has_lhs ? "" : " (CALL or lvalue = CALL)");
        return false;
    }
    if (*has_lhs) {
        if (clang_getCursorResultType(callee).kind == CXType_Void) {
            char *n = cx_str(clang_getCursorSpelling(callee));
            diag_error(c, cur_begin(c, *lhs), "async function '%s' returns void; there is no result to store", n);
            free(n);
            return false;
        }
        check_result_lvalue(c, *lhs);
    }
    *call = x;
    note_use(c, callee);
    return true;
}

char *lower_ordinary_spawn(Ctx *c, CXCursor call, CXCursor lhs, bool has_lhs,
                           const char *mode, bool statement)
{
    return lower_ordinary_spawn_with(c, call, lhs, has_lhs, mode, statement, NULL);
}

static char *lower_ordinary_spawn_with(Ctx *c, CXCursor call, CXCursor lhs, bool has_lhs,
                                       const char *mode, bool statement, char **temps)
{
    Buf b = {0};
    CXCursor callee = clang_getCursorReferenced(call);
    char *name = cx_str(clang_getCursorSpelling(callee));
    bool is_run = strcmp(mode, "ASYNC__MAIN") == 0;
    if (is_run)
        buf_puts(&b, "async__run(");
    else if (statement)
        buf_puts(&b, "async_task_release(async__spawn(");
    else
        buf_puts(&b, "async__spawn(");
    buf_printf(&b, "async__new_%s(%s", name, mode);
    if (clang_getCursorResultType(callee).kind != CXType_Void) {
        if (has_lhs) {
            unsigned lb = cur_begin(c, lhs), le = cur_end(c, lhs);
            buf_printf(&b, ", &(%.*s)", (int)(le - lb), c->src + lb);
        } else {
            buf_puts(&b, ", NULL");
        }
    }
    int n = clang_Cursor_getNumArguments(call);
    unsigned *ab = xcalloc((size_t)n + 1, sizeof *ab), *ae = xcalloc((size_t)n + 1, sizeof *ae);
    bool from_text = call_args(c, cur_begin(c, call), cur_end(c, call), n, ab, ae) == 0;
    for (int i = 0; i < n; i++) {
        CXCursor a = clang_Cursor_getArgument(call, (unsigned)i);
        unsigned b0 = from_text ? ab[i] : cur_begin(c, a), e0 = from_text ? ae[i] : cur_end(c, a);
        if (temps && temps[i])
            buf_printf(&b, ", %s", temps[i]);
        else
            buf_printf(&b, ", %.*s", (int)(e0 - b0), c->src + b0);
    }
    free(ab);
    free(ae);
    buf_puts(&b, is_run || !statement ? "))" : ")))");
    free(name);
    return buf_take(&b);
}

/* Whether an argument is a name or a constant: nothing it does can be seen. */
static bool simple_arg(CXCursor a)
{
    a = strip_cur(a);
    return a.kind == CXCursor_DeclRefExpr || a.kind == CXCursor_IntegerLiteral ||
           a.kind == CXCursor_FloatingLiteral || a.kind == CXCursor_StringLiteral ||
           a.kind == CXCursor_CharacterLiteral;
}

/* The operator token of a binary operator written in the file. */
static void cursor_op(Ctx *c, CXCursor bin, char op[4])
{
    op[0] = '\0';
    Kids k = kids_of(bin);
    if (k.n == 2) {
        unsigned p = cur_end(c, k.v[0]), e = cur_begin(c, k.v[1]);
        if (p != UINT32_MAX && e != UINT32_MAX && p <= e && e <= c->len) {
            p = skip_blank(c, p, e);
            int i = 0;
            while (p < e && i < 3 && strchr("+-*/%<>=!&|^,~", c->src[p]))
                op[i++] = c->src[p++];
            op[i] = '\0';
        }
    }
    free(k.v);
}

/* DESIGN.md 1.4: for `async_create_task(r = f(args))` the arguments are
 * evaluated before `&r`.  In ordinary code, where that order could be seen
 * (an argument that is more than a name or a constant, and `r` more than a
 * name), the arguments go to declarations just before the statement:
 *
 *     t = async_create_task(a[i] = f(i++));
 *  => int async__a1 = (i++); t = async__spawn(async__new_f(ASYNC__TASK, &(a[i]), async__a1));
 *
 * possible where the statement stands in a block.  Where something between
 * the statement and the spawn evaluates conditionally (`&&`, `||`, `?:`,
 * `,`), the declarations only name the temporaries, and `assign` gets their
 * assignments, which the spawn is wrapped in:
 *
 *     ok && async_run(r[i] = f(i++));
 *  => int async__a1; ok && (async__a1 = (i++), async__run(... &(r[i]), async__a1));
 *
 * Returns the names to use for the arguments, or NULL. */
static bool is_statement_parent(CXCursor parent, CXCursor cur);

static char **hoist_spawn_args(Ctx *c, Walk *w, CXCursor call, CXCursor lhs, Buf *assign)
{
    static int counter;
    if (strip_cur(lhs).kind == CXCursor_DeclRefExpr)
        return NULL;
    int n = clang_Cursor_getNumArguments(call);
    bool any = false;
    for (int i = 0; i < n; i++)
        if (!simple_arg(clang_Cursor_getArgument(call, (unsigned)i)))
            any = true;
    if (!any)
        return NULL;
    /* The statement: the nearest ancestor that stands in a block, or the
     * body of an if, a loop or a label, which then gets braces. */
    int at = -1;
    bool braces = false, conditional = false;
    for (int i = w->depth - 1; i >= 1; i--) { /* stack[depth - 1] is the spawn itself */
        CXCursor a = w->stack[i], up = w->stack[i - 1];
        if (a.kind == CXCursor_ConditionalOperator)
            conditional = true;
        if (a.kind == CXCursor_BinaryOperator) {
            char op[4];
            cursor_op(c, a, op);
            if (op[0] == 0)
                return NULL;
            if (strcmp(op, "&&") == 0 || strcmp(op, "||") == 0 || strcmp(op, ",") == 0)
                conditional = true;
        }
        if (up.kind == CXCursor_CompoundStmt) {
            if (clang_isExpression(a.kind) || a.kind == CXCursor_DeclStmt || a.kind == CXCursor_ReturnStmt)
                at = i;
            break;
        }
        if ((up.kind == CXCursor_IfStmt || up.kind == CXCursor_WhileStmt || up.kind == CXCursor_DoStmt ||
             up.kind == CXCursor_ForStmt || up.kind == CXCursor_LabelStmt || up.kind == CXCursor_CaseStmt ||
             up.kind == CXCursor_DefaultStmt) && (clang_isExpression(a.kind) || a.kind == CXCursor_ReturnStmt)) {
            if (is_statement_parent(up, a)) {
                at = i;
                braces = true;
            }
            break;
        }
        if (!clang_isExpression(a.kind) && a.kind != CXCursor_VarDecl)
            return NULL;
    }
    if (at < 0)
        return NULL;
    unsigned where = cur_begin(c, w->stack[at]);
    unsigned semi = UINT32_MAX;
    if (braces) {
        /* `if (x) r[i] = ...;` => `if (x) { int async__a1 = ...; r[i] = ...; }` */
        unsigned e = cur_end(c, w->stack[at]);
        semi = e == UINT32_MAX || e >= c->len ? UINT32_MAX : skip_blank(c, e, c->len);
        if (semi == UINT32_MAX || semi >= c->len || c->src[semi] != ';')
            return NULL;
    }
    unsigned *ab = xcalloc((size_t)n + 1, sizeof *ab), *ae = xcalloc((size_t)n + 1, sizeof *ae);
    bool spawn_first = text_is(c, where, "async_run") || text_is(c, where, "async_create_task");
    if (where == UINT32_MAX || (starts_macro(c, where) && !spawn_first) ||
        call_args(c, cur_begin(c, call), cur_end(c, call), n, ab, ae) != 0) {
        free(ab);
        free(ae);
        return NULL;
    }
    if (conditional) {
        /* A temporary assigned later cannot be const. */
        for (int i = 0; i < n; i++) {
            CXCursor a = clang_Cursor_getArgument(call, (unsigned)i);
            if (!simple_arg(a) && clang_isConstQualifiedType(clang_getCursorType(a))) {
                free(ab);
                free(ae);
                return NULL;
            }
        }
    }
    char **temps = xcalloc((size_t)n + 1, sizeof *temps);
    Buf decl = {0};
    for (int i = 0; i < n; i++) {
        CXCursor a = clang_Cursor_getArgument(call, (unsigned)i);
        if (simple_arg(a))
            continue;
        temps[i] = xasprintf("async__a%d", ++counter);
        type_decl(c, &decl, clang_getCursorType(a), temps[i], true);
        if (conditional) {
            buf_puts(&decl, "; ");
            buf_printf(assign, "%s = (%.*s), ", temps[i], (int)(ae[i] - ab[i]), c->src + ab[i]);
        } else {
            buf_printf(&decl, " = (%.*s); ", (int)(ae[i] - ab[i]), c->src + ab[i]);
        }
    }
    if (braces) {
        Buf open = {0};
        buf_printf(&open, "{ %s", decl.s);
        free(decl.s);
        decl = open;
        add_edit(c, semi + 1, semi + 1, xstrdup(" }"));
    }
    add_edit(c, where, where, buf_take(&decl));
    free(ab);
    free(ae);
    return temps;
}

/* Which marker a `((void)(C), marker())` parenthesis holds: FK_SPAWN_MARKER,
 * FK_RUN_MARKER, FK_AWAIT_MARKER for `(marker(), (E))`, or 0. */
static int paren_pattern(CXCursor paren, CXCursor *operand)
{
    Kids k = kids_of(paren);
    int r = 0;
    if (k.n == 1 && k.v[0].kind == CXCursor_BinaryOperator) {
        Kids b = kids_of(k.v[0]);
        if (b.n == 2) {
            CXCursor l = strip_cur(b.v[0]), rr = strip_cur(b.v[1]);
            int kl = l.kind == CXCursor_CallExpr ? call_kind(l, NULL) : 0;
            int kr = rr.kind == CXCursor_CallExpr ? call_kind(rr, NULL) : 0;
            if (kl == FK_AWAIT_MARKER) {
                r = kl;
                *operand = rr;
            } else if ((kr == FK_SPAWN_MARKER || kr == FK_RUN_MARKER) &&
                       l.kind == CXCursor_CStyleCastExpr) {
                r = kr;
                Kids cc = kids_of(l);
                *operand = cc.n ? cc.v[cc.n - 1] : l;
                free(cc.v);
            }
        }
        free(b.v);
    }
    free(k.v);
    return r;
}


/* Whether the value of an expression whose parent is `parent` is thrown
 * away: an expression statement, or a cast to void. */
static bool is_statement_parent(CXCursor parent, CXCursor cur)
{
    if (parent.kind == CXCursor_IfStmt || parent.kind == CXCursor_WhileStmt ||
        parent.kind == CXCursor_DoStmt || parent.kind == CXCursor_ForStmt) {
        /* The body (or an arm), not the condition. */
        Kids k = kids_of(parent);
        int i = 0;
        /* The same node: the cursors of two visits need not compare equal. */
        while (i < k.n && !clang_equalCursors(k.v[i], cur) &&
               !(k.v[i].kind == cur.kind &&
                 clang_equalLocations(clang_getCursorLocation(k.v[i]), clang_getCursorLocation(cur))))
            i++;
        bool body = i < k.n && (parent.kind == CXCursor_IfStmt ? i >= 1 : parent.kind == CXCursor_DoStmt
                                ? i == 0 : i == k.n - 1 && (parent.kind != CXCursor_WhileStmt || i == 1));
        free(k.v);
        return body;
    }
    if (parent.kind == CXCursor_CStyleCastExpr)
        return clang_getCanonicalType(clang_getCursorType(parent)).kind == CXType_Void;
    return parent.kind == CXCursor_CompoundStmt || parent.kind == CXCursor_LabelStmt ||
           parent.kind == CXCursor_CaseStmt || parent.kind == CXCursor_DefaultStmt;
}

static enum CXChildVisitResult ordinary_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    Walk *w = data;
    Ctx *c = w->c;
    CXCursor callee;
    /* Keep the chain of ancestors: pop to the parent, then push. */
    while (w->depth > 0 && !clang_equalCursors(w->stack[w->depth - 1], parent))
        w->depth--;
    if (w->depth == 0) {
        if (w->cap == 0) {
            w->cap = 64;
            w->stack = xcalloc((size_t)w->cap, sizeof *w->stack);
        }
        w->stack[w->depth++] = parent;
    }
    if (w->depth == w->cap) {
        w->cap *= 2;
        w->stack = xrealloc(w->stack, sizeof *w->stack * (size_t)w->cap);
    }
    w->stack[w->depth++] = cur; /* its children find it on top */
    switch (cur.kind) {
    case CXCursor_ParenExpr: {
        CXCursor op;
        int k = paren_pattern(cur, &op);
        if (k == FK_SPAWN_MARKER || k == FK_RUN_MARKER) {
            const char *what = k == FK_RUN_MARKER ? "async_run" : "async_create_task";
            CXCursor call, lhs = clang_getNullCursor();
            bool has_lhs;
            if (w->file_scope) {
                diag_error(c, cur_begin(c, cur), "%s outside a function", what);
                return CXChildVisit_Continue;
            }
            if (!text_is(c, cur_begin(c, cur), what)) {
                diag_error(c, cur_begin(c, cur), "%s in a macro's replacement text; write it where "
                           "the macro is used", what);
                return CXChildVisit_Continue;
            }
            if (split_call(c, op, &call, &lhs, &has_lhs, what)) {
                bool stmt = k == FK_SPAWN_MARKER && is_statement_parent(parent, cur);
                Buf assign = {0};
                char **temps = has_lhs ? hoist_spawn_args(c, w, call, lhs, &assign) : NULL;
                char *spawn = lower_ordinary_spawn_with(c, call, lhs, has_lhs,
                                                        k == FK_RUN_MARKER ? "ASYNC__MAIN" : "ASYNC__TASK",
                                                        stmt, temps);
                if (assign.s) {
                    /* The arguments' temporaries assigned first, in the same
                     * branch as the spawn (hoist_spawn_args). */
                    Buf wrapped = {0};
                    buf_printf(&wrapped, "(%s%s)", assign.s, spawn);
                    free(spawn);
                    free(assign.s);
                    spawn = buf_take(&wrapped);
                }
                add_edit(c, cur_begin(c, cur), cur_end(c, cur), spawn);
                free(temps);
                /* The arguments may use async functions wrongly too. */
                int n = clang_Cursor_getNumArguments(call);
                for (int i = 0; i < n; i++) {
                    Walk inner = {c, w->file_scope, NULL, 0, 0};
                    clang_visitChildren(clang_Cursor_getArgument(call, (unsigned)i), ordinary_visit, &inner);
                    free(inner.stack);
                }
            }
            return CXChildVisit_Continue;
        }
        if (k == FK_AWAIT_MARKER) {
            diag_error(c, cur_begin(c, cur), "'await' outside async function");
            return CXChildVisit_Continue;
        }
        return CXChildVisit_Recurse;
    }
    case CXCursor_CallExpr:
        switch (call_kind(cur, &callee)) {
        case FK_ASYNC: {
            char *n = cx_str(clang_getCursorSpelling(callee));
            diag_error(c, cur_begin(c, cur), "coroutine '%s' is never awaited", n);
            free(n);
            return CXChildVisit_Continue;
        }
        case FK_AWAIT_MARKER:
            diag_error(c, cur_begin(c, cur), "'await' outside async function");
            return CXChildVisit_Continue;
        case FK_GATHER_MARKER:
            diag_error(c, cur_begin(c, cur), "async_gather outside await");
            return CXChildVisit_Continue;
        case FK_WAIT_FOR_MARKER:
            diag_error(c, cur_begin(c, cur), "async_wait_for outside await");
            return CXChildVisit_Continue;
        case FK_DEFER_MARKER:
            diag_error(c, cur_begin(c, cur), "async_defer outside async function");
            return CXChildVisit_Continue;
        default:
            return CXChildVisit_Recurse;
        }
    case CXCursor_DeclRefExpr: {
        CXCursor r = clang_getCursorReferenced(cur);
        if (fn_kind(r) == FK_ASYNC)
            diag_error(c, cur_begin(c, cur), "async function pointers are not supported");
        return CXChildVisit_Continue;
    }
    default:
        return CXChildVisit_Recurse;
    }
}

/* ---------------------------------------------------------------------
 * The tree of an async function's body.
 * ------------------------------------------------------------------- */

Node *strip(Node *n)
{
    while (n && (n->ck == CXCursor_ParenExpr || n->ck == CXCursor_UnexposedExpr) &&
           n->nkid == 1 && n->kind == N_OTHER)
        n = n->kid[0];
    return n;
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' || ch == '\f' || ch == '\v';
}

/* Skips white space, comments and line continuations from `p`. */
static unsigned skip_blank(Ctx *c, unsigned p, unsigned end)
{
    while (p < end) {
        if (is_space(c->src[p])) {
            p++;
        } else if (c->src[p] == '\\' && p + 1 < end && c->src[p + 1] == '\n') {
            p += 2;
        } else if (c->src[p] == '/' && p + 1 < end && c->src[p + 1] == '*') {
            char *q = strstr(c->src + p + 2, "*/");
            p = q ? (unsigned)(q - c->src) + 2 : end;
        } else if (c->src[p] == '/' && p + 1 < end && c->src[p + 1] == '/') {
            while (p < end && c->src[p] != '\n')
                p++;
        } else {
            break;
        }
    }
    return p;
}

static void read_op(Ctx *c, Node *n)
{
    unsigned p, end;
    if (!n->clean)
        return;
    if (n->ck == CXCursor_BinaryOperator || n->ck == CXCursor_CompoundAssignOperator) {
        if (n->nkid != 2)
            return;
        p = n->kid[0]->end;
        end = n->kid[1]->begin;
    } else if (n->ck == CXCursor_UnaryOperator && n->nkid == 1) {
        if (n->kid[0]->begin > n->begin) {
            p = n->begin;
            end = n->kid[0]->begin;
        } else {
            p = n->kid[0]->end;
            end = n->end;
        }
    } else {
        return;
    }
    if (p == UINT32_MAX || end == UINT32_MAX || end > c->len)
        return;
    p = skip_blank(c, p, end);
    int i = 0;
    while (p < end && i < 3 && strchr("+-*/%<>=!&|^,~", c->src[p]))
        n->op[i++] = c->src[p++];
    n->op[i] = '\0';
}

/* The tree is copied in one recursive visit (one clang_visitChildren per
 * function, not per node, which costs more than the rest): a stack of open
 * nodes follows the visit's depth through each cursor's parent. */
typedef struct Build {
    Node **stack;
    int depth, cap;
} Build;

/* Nodes come from large blocks that are reused from one async function to
 * the next: a function is lowered as soon as it has been analysed and its
 * tree then dropped (drop_tree), so that the memory a large file touches is
 * that of its largest function, not of all of them. */
enum { NODE_BLOCK = 2048 };
typedef struct NodeBlock {
    struct NodeBlock *next;
    int used;
    Node v[NODE_BLOCK];
} NodeBlock;
static NodeBlock *first_block, *cur_block;

static Node *new_node(void)
{
    if (cur_block == NULL || cur_block->used == NODE_BLOCK) {
        NodeBlock *nb = cur_block ? cur_block->next : first_block;
        if (nb == NULL) {
            nb = xcalloc(1, sizeof *nb);
            if (cur_block)
                cur_block->next = nb;
            else
                first_block = nb;
        }
        nb->used = 0;
        cur_block = nb;
    }
    Node *n = &cur_block->v[cur_block->used++];
    memset(n, 0, sizeof *n);
    return n;
}

/* The kid arrays come from chunks reused the same way: an array that
 * grows is copied into a fresh one twice its size (the old one stays
 * unused until the tree is dropped), where one malloc and one free per
 * node cost more than building the rest of the tree. */
enum { KID_CHUNK = 16384 };
typedef struct KidChunk {
    struct KidChunk *next;
    size_t used, cap;
    Node *v[];
} KidChunk;
static KidChunk *first_kids, *cur_kids;

static Node **new_kids(size_t n)
{
    KidChunk *k = cur_kids;
    while (k == NULL || k->used + n > k->cap) {
        KidChunk *nk = k ? k->next : first_kids;
        if (nk == NULL) {
            size_t cap = n > KID_CHUNK ? n : KID_CHUNK;
            nk = xcalloc(1, sizeof *nk + sizeof(Node *) * cap);
            nk->cap = cap;
            if (k)
                k->next = nk;
            else
                first_kids = nk;
        }
        nk->used = 0;
        k = nk;
    }
    cur_kids = k;
    Node **v = k->v + k->used;
    k->used += n;
    return v;
}

/* Every node of every tree built so far becomes free again. */
static void drop_tree(Node *root)
{
    (void)root;
    for (NodeBlock *nb = cur_block ? first_block : NULL; nb != NULL;
         nb = nb == cur_block ? NULL : nb->next)
        for (int i = 0; i < nb->used; i++) {
            free(nb->v[i].items);
            nb->v[i].items = NULL;
        }
    cur_block = NULL;
    cur_kids = NULL;
}

static void add_kid(Node *p, Node *k)
{
    if ((p->nkid & (p->nkid - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
        Node **v = new_kids(p->nkid ? (size_t)p->nkid * 2 : 1);
        if (p->nkid)
            memcpy(v, p->kid, sizeof *v * (size_t)p->nkid);
        p->kid = v;
    }
    p->kid[p->nkid++] = k;
    k->parent = p;
}

/* clang_equalCursors, without the call where the answer is plain: cursors
 * of different kinds differ, and a cursor equals its own copy.  Most of
 * the questions the tree's building asks are one or the other. */
static bool same_cursor(CXCursor x, CXCursor y)
{
    if (x.kind != y.kind)
        return false;
    if (x.xdata == y.xdata && x.data[0] == y.data[0] && x.data[1] == y.data[1] &&
        x.data[2] == y.data[2])
        return true;
    return clang_equalCursors(x, y) != 0;
}

static enum CXChildVisitResult build_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    Build *b = data;
    while (b->depth > 1 && !same_cursor(b->stack[b->depth - 1]->cur, parent))
        b->depth--;
    Node *n = new_node();
    n->cur = cur;
    add_kid(b->stack[b->depth - 1], n);
    if (b->depth == b->cap) {
        b->cap *= 2;
        b->stack = xrealloc(b->stack, sizeof *b->stack * (size_t)b->cap);
    }
    b->stack[b->depth++] = n;
    return CXChildVisit_Recurse;
}

static void flatten_items(Node *n, Node ***v, int *cnt)
{
    n = strip(n);
    if (n == NULL)
        return;
    if (n->ck == CXCursor_CStyleCastExpr && n->nkid >= 1) {
        *v = xrealloc(*v, sizeof **v * (size_t)(*cnt + 1));
        (*v)[(*cnt)++] = strip(n->kid[n->nkid - 1]);
    } else if (n->ck == CXCursor_BinaryOperator && n->nkid == 2) {
        flatten_items(n->kid[0], v, cnt);
        flatten_items(n->kid[1], v, cnt);
    }
}

/* Recognises the shapes that async.h's macros leave (see the top). */
static void recognise(Ctx *c, Node *n)
{
    if (n->ck == CXCursor_ParenExpr && n->nkid == 1 && n->kid[0]->ck == CXCursor_BinaryOperator &&
        n->kid[0]->nkid == 2) {
        Node *l = strip(n->kid[0]->kid[0]), *r = strip(n->kid[0]->kid[1]);
        int kl = l->ck == CXCursor_CallExpr ? call_kind(l->cur, NULL) : 0;
        int kr = r->ck == CXCursor_CallExpr ? call_kind(r->cur, NULL) : 0;
        if (kl == FK_AWAIT_MARKER) {
            n->kind = N_AWAIT;
            n->call = r;
        } else if ((kr == FK_SPAWN_MARKER || kr == FK_RUN_MARKER) &&
                   l->ck == CXCursor_CStyleCastExpr && l->nkid >= 1) {
            n->kind = kr == FK_SPAWN_MARKER ? N_SPAWN : N_RUN;
            n->call = strip(l->kid[l->nkid - 1]);
        }
        if (n->kind == N_SPAWN || n->kind == N_RUN) {
            Node *x = n->call;
            if (x->ck == CXCursor_BinaryOperator && x->nkid == 2 && strcmp(x->op, "=") == 0) {
                n->lhs = x->kid[0];
                n->call = strip(x->kid[1]);
            }
        }
        if (n->kind == N_AWAIT || n->kind == N_SPAWN || n->kind == N_RUN) {
            Node *x = n->call;
            if (x->ck == CXCursor_CallExpr && call_kind(x->cur, &n->callee) != FK_ASYNC)
                n->callee = clang_getNullCursor();
        }
        return;
    }
    if (n->ck == CXCursor_CallExpr) {
        CXCursor callee;
        int k = call_kind(n->cur, &callee);
        n->callee = k == FK_ASYNC ? callee : clang_getNullCursor();
        if (k == FK_ASYNC)
            note_use(c, callee);
        if (k == FK_GATHER_MARKER && n->nkid >= 2) {
            n->kind = N_GATHER;
            flatten_items(n->kid[1], &n->items, &n->nitems);
            /* The last flattened operand is `0`, not a cast: nothing added. */
        } else if (k == FK_WAIT_FOR_MARKER && n->nkid >= 3) {
            n->kind = N_WAIT_FOR;
            flatten_items(n->kid[1], &n->items, &n->nitems);
            n->items = xrealloc(n->items, sizeof *n->items * (size_t)(n->nitems + 1));
            n->items[n->nitems++] = strip(n->kid[2]);
        }
        return;
    }
    if (n->ck == CXCursor_DoStmt && n->nkid >= 1 && n->kid[0]->ck == CXCursor_CompoundStmt) {
        Node *body = n->kid[0];
        for (int i = 0; i < body->nkid; i++) {
            Node *k = strip(body->kid[i]);
            if (k->ck == CXCursor_CallExpr && call_kind(k->cur, NULL) == FK_DEFER_MARKER) {
                n->kind = N_DEFER;
                /* The argument's text: `async_defer(` ... `)`. */
                unsigned p = n->begin;
                while (p < n->end && c->src[p] != '(')
                    p++;
                unsigned q = n->end;
                while (q > p && c->src[q - 1] != ')')
                    q--;
                n->arg_begin = p + 1;
                n->arg_end = q ? q - 1 : p + 1;
                if (n->arg_end < n->arg_begin)
                    n->arg_end = n->arg_begin;
            }
        }
    }
}

/* The end of a macro invocation `NAME(...)` written at `p`: just past its
 * closing parenthesis (strings, characters and comments skipped). */
static unsigned invocation_end(Ctx *c, unsigned p)
{
    while (p < c->len && (c->src[p] == '_' || (c->src[p] >= 'a' && c->src[p] <= 'z') ||
                          (c->src[p] >= 'A' && c->src[p] <= 'Z') || (c->src[p] >= '0' && c->src[p] <= '9')))
        p++;
    p = skip_blank(c, p, c->len);
    if (p >= c->len || c->src[p] != '(')
        return UINT32_MAX;
    int depth = 0;
    for (; p < c->len; p++) {
        char ch = c->src[p];
        if (ch == '"' || ch == '\'') {
            for (p++; p < c->len && c->src[p] != ch; p++)
                if (c->src[p] == '\\')
                    p++;
        } else if (ch == '/' && p + 1 < c->len && (c->src[p + 1] == '*' || c->src[p + 1] == '/')) {
            p = skip_blank(c, p, c->len) - 1;
        } else if (ch == '(') {
            depth++;
        } else if (ch == ')' && --depth == 0) {
            return p + 1;
        }
    }
    return UINT32_MAX;
}

static bool all_blank(Ctx *c, unsigned a, unsigned b)
{
    return a <= b && skip_blank(c, a, b) == b;
}

/* The extent of a binary operator, a parenthesis or a call whose parts are
 * all written in the file, from its children and its location (the operator,
 * the `(`, the callee), checked against the text: much cheaper than asking
 * libclang, which relexes the last token.  False where anything comes from
 * a macro; then libclang is asked. */
static bool quick_extent(Ctx *c, Node *n)
{
    for (int i = 0; i < n->nkid; i++)
        if (!n->kid[i]->clean)
            return false;
    Node *k0 = n->nkid ? n->kid[0] : NULL, *kl = n->nkid ? n->kid[n->nkid - 1] : NULL;
    if (n->ck == CXCursor_BinaryOperator || n->ck == CXCursor_CompoundAssignOperator) {
        if (n->nkid != 2)
            return false;
        /* libclang 14 puts a binary operator at its first operand, not at
         * the operator: the text between the operands must be blanks and
         * operator characters only, or a macro may have written it. */
        unsigned loc = file_offset(c, clang_getCursorLocation(n->cur));
        if (loc == UINT32_MAX || loc != k0->begin || k0->end > kl->begin)
            return false;
        unsigned p = skip_blank(c, k0->end, kl->begin);
        unsigned q = p;
        while (q < kl->begin && strchr("+-*/%<>=!&|^,", c->src[q]) != NULL)
            q++;
        if (q == p || q - p > 3 || !all_blank(c, q, kl->begin))
            return false;
        n->begin = k0->begin;
        n->end = kl->end;
    } else if (n->ck == CXCursor_ParenExpr) {
        if (n->nkid != 1)
            return false;
        unsigned loc = file_offset(c, clang_getCursorLocation(n->cur));
        if (loc == UINT32_MAX || starts_macro(c, loc) || c->src[loc] != '(' ||
            !all_blank(c, loc + 1, k0->begin))
            return false;
        unsigned q = skip_blank(c, k0->end, c->len);
        if (q >= c->len || c->src[q] != ')' || ends_macro(c, q + 1))
            return false;
        n->begin = loc;
        n->end = q + 1;
    } else if (n->ck == CXCursor_CallExpr) {
        if (n->nkid == 0)
            return false;
        unsigned loc = file_offset(c, clang_getCursorLocation(n->cur));
        if (loc == UINT32_MAX || loc != k0->begin || starts_macro(c, loc))
            return false;
        unsigned q = skip_blank(c, kl->end, c->len);
        if (n->nkid == 1) {
            if (q >= c->len || c->src[q] != '(')
                return false;
            q = skip_blank(c, q + 1, c->len);
        }
        if (q >= c->len || c->src[q] != ')' || ends_macro(c, q + 1))
            return false;
        n->begin = k0->begin;
        n->end = q + 1;
    } else {
        return false;
    }
    n->clean = true;
    read_op(c, n);
    recognise(c, n);    /* a call of an async function: its callee */
    return true;
}

/* The extent of a statement written in the file, from its location (its
 * first token) and its last child, checked against the text: as libclang
 * would give it, without relexing.  False where anything else could be
 * there (a macro, a preprocessor line); then libclang is asked. */
static bool quick_stmt_extent(Ctx *c, Node *n)
{
    static const struct { enum CXCursorKind ck; const char *word; } kw[] = {
        {CXCursor_IfStmt, "if"}, {CXCursor_WhileStmt, "while"}, {CXCursor_ForStmt, "for"},
        {CXCursor_SwitchStmt, "switch"}, {CXCursor_CaseStmt, "case"},
        {CXCursor_DefaultStmt, "default"}, {CXCursor_ReturnStmt, "return"},
        {CXCursor_BreakStmt, "break"}, {CXCursor_ContinueStmt, "continue"},
        {CXCursor_DoStmt, "do"}, {CXCursor_CompoundStmt, "{"}, {CXCursor_NullStmt, ";"},
        {CXCursor_DeclStmt, NULL},
    };
    const char *word = "";
    for (size_t i = 0; i < sizeof kw / sizeof kw[0]; i++)
        if (kw[i].ck == n->ck)
            word = kw[i].word;
    if (word != NULL && *word == '\0')
        return false;
    Node *last = n->nkid ? n->kid[n->nkid - 1] : NULL;
    if (last && (!last->clean || last->begin == UINT32_MAX || last->end == UINT32_MAX ||
                 last->end > c->len))
        return false;
    unsigned loc = file_offset(c, clang_getCursorLocation(n->cur));
    if (loc == UINT32_MAX || loc >= c->len || starts_macro(c, loc))
        return false;
    if (word) {
        /* The statement's first token is its keyword or punctuator. */
        size_t wl = strlen(word);
        if (loc + wl > c->len || memcmp(c->src + loc, word, wl) != 0 ||
            (is_ident_char(word[0]) && loc + wl < c->len && is_ident_char(c->src[loc + wl])))
            return false;
        if (last && last->begin < loc + wl)
            return false;
    } else if (last == NULL || last->begin != loc) {
        return false;   /* a declaration: its first declarator starts it */
    }
    unsigned end, p;
    switch (n->ck) {
    case CXCursor_BreakStmt:
    case CXCursor_ContinueStmt:
    case CXCursor_NullStmt:
        if (last)
            return false;
        end = loc + (unsigned)strlen(word);
        break;
    case CXCursor_ReturnStmt:
        if (last == NULL)
            end = loc + 6;
        else
            goto by_last;
        break;
    case CXCursor_CompoundStmt:
        /* The last statement, the `;` that ends it when it is an
         * expression, and the closing brace. */
        p = skip_blank(c, last ? last->end : loc + 1, c->len);
        if (last && p < c->len && c->src[p] == ';')
            p = skip_blank(c, p + 1, c->len);
        if (p >= c->len || c->src[p] != '}')
            return false;
        end = p + 1;
        break;
    case CXCursor_DeclStmt:
    case CXCursor_DoStmt:
        /* `;` after the last declarator; `)` after do's condition. */
        p = skip_blank(c, last->end, c->len);
        if (p >= c->len || c->src[p] != (n->ck == CXCursor_DeclStmt ? ';' : ')'))
            return false;
        end = p + 1;
        break;
    default:
    by_last:
        /* Its last child's end, which may be an await's closing
         * parenthesis: finish looks at that as for libclang's extent. */
        if (last == NULL)
            return false;
        n->begin = loc;
        n->end = last->end;
        return true;
    }
    if (ends_macro(c, end))
        return false;
    n->begin = loc;
    n->end = end;
    return true;
}

/* An await (a task, async_run) written as NAME(...) in the file: the
 * location of async.h's parenthesis is where NAME is written, and its text
 * ends with the invocation's closing parenthesis. */
static bool quick_invocation_extent(Ctx *c, Node *n)
{
    if (n->ck != CXCursor_ParenExpr)
        return false;
    recognise(c, n);
    if (n->kind != N_AWAIT && n->kind != N_SPAWN && n->kind != N_RUN)
        return false;
    unsigned b = file_offset(c, clang_getCursorLocation(n->cur));
    if (b == UINT32_MAX || !starts_macro(c, b))
        return false;
    unsigned e = invocation_end(c, b);
    if (e == UINT32_MAX)
        return false;
    n->begin = b;
    n->end = e;
    return true;
}

/* async.h's await, async_create_task and async_run expand to a parenthesis
 * around a comma and a marker call.  Every node of that scaffolding is the
 * macro's own text, located where the invocation starts, and its extent (as
 * libclang would give it) is the whole invocation: known here before its
 * children are finished, without asking libclang.  The argument's nodes are
 * located elsewhere and are left alone. */
static void preset_nodes(Ctx *c, Node *n, unsigned b, unsigned e)
{
    if (file_offset(c, clang_getCursorLocation(n->cur)) != b)
        return;
    n->preset = true;
    n->begin = b;
    n->end = e;
    for (int i = 0; i < n->nkid; i++)
        preset_nodes(c, n->kid[i], b, e);
}

static bool is_marker_call(Node *n)
{
    if (n->cur.kind != CXCursor_CallExpr)
        return false;
    int k = call_kind(n->cur, NULL);
    return k == FK_AWAIT_MARKER || k == FK_SPAWN_MARKER || k == FK_RUN_MARKER;
}

static void preset_scaffold(Ctx *c, Node *n)
{
    if (n->nkid != 1 || n->kid[0]->cur.kind != CXCursor_BinaryOperator || n->kid[0]->nkid != 2 ||
        !(is_marker_call(n->kid[0]->kid[0]) || is_marker_call(n->kid[0]->kid[1])))
        return;
    unsigned b = file_offset(c, clang_getCursorLocation(n->cur));
    if (b == UINT32_MAX || !starts_macro(c, b))
        return;
    unsigned e = invocation_end(c, b);
    if (e != UINT32_MAX)
        preset_nodes(c, n->kid[0], b, e);
}

/* Fills in a node whose children have been copied: offsets, the shapes of
 * async.h's macros, whether its text is written out in order. */
static void finish(Ctx *c, Node *n)
{
    n->ck = n->cur.kind;
    if (n->ck == CXCursor_ParenExpr)
        preset_scaffold(c, n);
    for (int i = 0; i < n->nkid; i++) {
        finish(c, n->kid[i]);
        if (n->kid[i]->has_await)
            n->has_await = true;
    }
    /* An implicit conversion has its operand's text; an extent costs a
     * relexing of its last token, so it is taken only where the node's
     * location says it differs (va_arg, a statement expression). */
    if (n->ck == CXCursor_UnexposedExpr && n->nkid == 1 && clang_isExpression(n->kid[0]->ck) &&
        clang_equalLocations(clang_getCursorLocation(n->cur), clang_getCursorLocation(n->kid[0]->cur))) {
        n->begin = n->kid[0]->begin;
        n->end = n->kid[0]->end;
        n->clean = n->kid[0]->clean;
        n->op[0] = '\0';
        return;
    }
    /* A name or a number is one token at its location. */
    if ((n->ck == CXCursor_DeclRefExpr || n->ck == CXCursor_IntegerLiteral) && n->nkid == 0) {
        unsigned off = file_offset(c, clang_getCursorLocation(n->cur));
        if (off != UINT32_MAX && !starts_macro(c, off)) {
            unsigned e = off;
            while (e < c->len && (is_ident_char(c->src[e]) ||
                                  (n->ck == CXCursor_IntegerLiteral && c->src[e] == '\'')))
                e++;
            if (e > off && !ends_macro(c, e)) {
                n->begin = off;
                n->end = e;
                n->clean = true;
                return;
            }
        }
    }
    if (quick_extent(c, n))
        return;
    if (!n->preset && !quick_stmt_extent(c, n) && !quick_invocation_extent(c, n)) {
        CXSourceRange r = clang_getCursorExtent(n->cur);
        n->begin = file_offset(c, clang_getRangeStart(r));
        n->end = file_offset(c, clang_getRangeEnd(r));
    }
    bool mb = starts_macro(c, n->begin), me = ends_macro(c, n->end);
    if (n->kind == N_OTHER)
        recognise(c, n);
    if (n->kind == N_AWAIT || n->kind == N_SPAWN || n->kind == N_RUN || n->kind == N_DEFER) {
        /* Written as NAME(...) in the file: its text is exactly that. */
        unsigned end = invocation_end(c, n->begin);
        n->clean = end != UINT32_MAX;
        if (n->clean)
            n->end = end;
        if (n->clean) {
            unsigned p = n->begin;
            while (p < end && c->src[p] != '(')
                p++;
            n->arg_begin = p + 1;
            n->arg_end = end - 1;
        }
    } else {
        /* A node whose first or last token comes from a macro's replacement
         * text is still written out in order when that token belongs to a
         * child that does not cover the whole node (`await(f()) + 1`,
         * `p ? q : NULL`); a node that a macro made entirely is opaque. */
        Node *first = n->nkid ? n->kid[0] : NULL, *last = n->nkid ? n->kid[n->nkid - 1] : NULL;
        bool ok = n->begin != UINT32_MAX && n->end != UINT32_MAX && n->begin <= n->end;
        /* A wrapper (an implicit conversion, say) of a child with the same
         * text is as clean as the child. */
        if (ok && (mb || me) && n->nkid == 1 && first->clean && first->begin == n->begin &&
            first->end == n->end)
            mb = me = false;
        if (ok && mb)
            ok = first && first->begin == n->begin && first->end < n->end &&
                 (first->clean || !first->has_await);
        if (ok && me)
            ok = last && last->end == n->end && last->begin > n->begin &&
                 (last->clean || !last->has_await);
        n->clean = ok;
    }
    read_op(c, n);
    if (n->kind == N_AWAIT)
        n->has_await = true;
    /* A spawn whose arguments must go first needs statements before it,
     * as an await does. */
    if ((n->kind == N_SPAWN || n->kind == N_RUN) && n->lhs && n->call->ck == CXCursor_CallExpr &&
        spawn_order_matters(n->lhs, n->call))
        n->has_await = true;
}

static Node *build(Ctx *c, CXCursor cur)
{
    Node *root = new_node();
    root->cur = cur;
    Build b = {xcalloc(64, sizeof(Node *)), 1, 64};
    b.stack[0] = root;
    clang_visitChildren(cur, build_visit, &b);
    free(b.stack);
    finish(c, root);
    return root;
}

bool node_has_own_effect(Node *n)
{
    if (!n->clean || n->ck == CXCursor_CallExpr || n->kind != N_OTHER ||
        n->ck == CXCursor_CompoundAssignOperator || n->ck == CXCursor_StmtExpr)
        return true;
    if (n->ck == CXCursor_BinaryOperator && strchr(n->op, '=') && strcmp(n->op, "==") != 0 &&
        strcmp(n->op, "!=") != 0 && strcmp(n->op, "<=") != 0 && strcmp(n->op, ">=") != 0)
        return true;
    if (n->ck == CXCursor_UnaryOperator && (strcmp(n->op, "++") == 0 || strcmp(n->op, "--") == 0))
        return true;
    return false;
}

bool node_pure(Node *n)
{
    if (node_has_own_effect(n))
        return false;
    for (int i = 0; i < n->nkid; i++)
        if (!node_pure(n->kid[i]))
            return false;
    return true;
}

bool spawn_order_matters(Node *lhs, Node *call)
{
    if (strip(lhs)->ck == CXCursor_DeclRefExpr)
        return false;
    for (int i = 1; i < call->nkid; i++)
        if (!node_pure(call->kid[i]))
            return true;
    return false;
}

/* ---------------------------------------------------------------------
 * Variables, checks.
 * ------------------------------------------------------------------- */
typedef struct FnWalk {
    Ctx *c;
    AsyncFn *f;
    Node **awaits;
    int nawaits, capawaits;
    Node **declrefs;
    int ndeclrefs, capdeclrefs;
} FnWalk;

static void push(Node ***v, int *n, int *cap, Node *x)
{
    if (*n == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        *v = xrealloc(*v, sizeof **v * (size_t)*cap);
    }
    (*v)[(*n)++] = x;
}

static Var *new_var(AsyncFn *f, CXCursor cur, Node *decl, bool is_param)
{
    Var *v = xcalloc(1, sizeof *v);
    v->cur = cur;
    v->name = cx_str(clang_getCursorSpelling(cur));
    v->type = clang_getCursorType(cur);
    v->decl = decl;
    v->is_param = is_param;
    f->vars = xrealloc(f->vars, sizeof *f->vars * (size_t)(f->nvars + 1));
    f->vars[f->nvars++] = v;
    return v;
}

static Var *find_var(AsyncFn *f, CXCursor ref)
{
    for (int i = f->nvars - 1; i >= 0; i--)
        if (clang_equalCursors(f->vars[i]->cur, ref))
            return f->vars[i];
    return NULL;
}

static bool inside(Node *n, Node *anc)
{
    for (; n; n = n->parent)
        if (n == anc)
            return true;
    return false;
}

static bool is_loop(Node *n)
{
    return n->ck == CXCursor_WhileStmt || n->ck == CXCursor_DoStmt || n->ck == CXCursor_ForStmt;
}

/* Walks the tree: collects awaits, variables and references; checks what
 * can be checked on one node. */
static void walk(FnWalk *w, Node *n, Node *loop, Node *brk, Node *defer, bool unevaluated,
                 bool static_init)
{
    Ctx *c = w->c;
    AsyncFn *f = w->f;
    CXCursor callee;
    switch (n->kind) {
    case N_AWAIT:
        push(&w->awaits, &w->nawaits, &w->capawaits, n);
        n->unevaluated = unevaluated;
        if (unevaluated)
            ; /* reported in check_await_tokens, unless a macro also uses it evaluated */
        else if (static_init)
            diag_error(c, n->begin, "'await' in a static initializer");
        else if (defer)
            diag_error(c, n->begin, "'await' inside async_defer");
        else if (!text_is(c, n->begin, "await") && !text_is(c, n->begin, "async_await"))
            diag_error(c, n->begin, "'await' in the replacement text of a macro; "
                       "write await where the macro is used");
        break;
    case N_SPAWN:
    case N_RUN:
        if (!text_is(c, n->begin, n->kind == N_RUN ? "async_run" : "async_create_task"))
            diag_error(c, n->begin, "%s in a macro's replacement text; write it where the macro is used",
                       n->kind == N_RUN ? "async_run" : "async_create_task");
        else if (n->lhs)
            check_result_lvalue(c, n->lhs->cur);
        break;
    case N_DEFER:
        if (!text_is(c, n->begin, "async_defer"))
            diag_error(c, n->begin, "async_defer in a macro's replacement text; write it where "
                       "the macro is used");
        else if (n->parent != f->body)
            diag_error(c, n->begin, "async_defer may stand only in the outermost block of an async function");
        f->defers = xrealloc(f->defers, sizeof *f->defers * (size_t)(f->ndefers + 1));
        n->defer_bit = f->ndefers;
        f->defers[f->ndefers++] = n;
        if (f->ndefers > 32)
            diag_error(c, n->begin, "more than 32 async_defer in one function");
        defer = n;
        break;
    default:
        break;
    }

    switch (n->ck) {
    case CXCursor_CallExpr:
        if (n->kind != N_OTHER)
            break;
        switch (call_kind(n->cur, &callee)) {
        case FK_ASYNC: {
            bool ok = false;
            for (Node *p = n->parent; p && !clang_isStatement(p->ck); p = p->parent)
                if (p->kind == N_AWAIT || p->kind == N_SPAWN || p->kind == N_RUN) {
                    ok = p->call == n;
                    break;
                }
            /* gather and wait_for items */
            for (Node *g = n->parent; g && !ok; g = g->parent)
                if (g->kind == N_GATHER || g->kind == N_WAIT_FOR) {
                    for (int i = 0; i < g->nitems; i++) {
                        Node *it = g->items[i];
                        if (it == n || (it->ck == CXCursor_BinaryOperator && it->nkid == 2 && strip(it->kid[1]) == n))
                            ok = true;
                    }
                    break;
                }
            if (!ok) {
                char *nm = cx_str(clang_getCursorSpelling(callee));
                diag_error(c, n->begin, "coroutine '%s' is never awaited", nm);
                free(nm);
            }
            break;
        }
        case FK_GATHER_MARKER:
        case FK_WAIT_FOR_MARKER:
            break;
        case FK_ALLOCA:
            diag_error(c, n->begin, "alloca in an async function: its memory would not survive an await");
            break;
        case FK_BLOCKING: {
            /* ASYNC_BLOCKING(call) silences the warning. */
            Node *p = n->parent;
            bool marked = false;
            while (p && (p->ck == CXCursor_ParenExpr || p->ck == CXCursor_UnexposedExpr)) {
                if (p->ck == CXCursor_ParenExpr && text_is(c, p->begin, "ASYNC_BLOCKING"))
                    marked = true;
                p = p->parent;
            }
            if (!marked) {
                char *nm = cx_str(clang_getCursorSpelling(callee));
                char *fnm = f->name;
                diag_warning(c, n->begin, "blocking call '%s' in async function '%s' blocks the event loop", nm, fnm);
                free(nm);
            }
            break;
        }
        default:
            break;
        }
        break;
    case CXCursor_DeclRefExpr: {
        CXCursor r = clang_getCursorReferenced(n->cur);
        if (fn_kind(r) == FK_ASYNC) {
            Node *p = n->parent;
            while (p && p->ck == CXCursor_UnexposedExpr)
                p = p->parent;
            if (!(p && p->ck == CXCursor_CallExpr && p->nkid > 0 && strip(p->kid[0]) == n))
                diag_error(c, n->begin, "async function pointers are not supported");
        } else if (r.kind == CXCursor_VarDecl || r.kind == CXCursor_ParmDecl) {
            n->var = find_var(f, r);
            if (n->var)
                push(&w->declrefs, &w->ndeclrefs, &w->capdeclrefs, n);
            if (n->var && defer && n->var->decl) {
                /* Read at exit: must live in the frame. */
                n->var->member = (char *)1;
            }
        }
        break;
    }
    case CXCursor_VarDecl: {
        enum CX_StorageClass sc = clang_Cursor_getStorageClass(n->cur);
        CXType t = clang_getCursorType(n->cur);
        if (t.kind == CXType_VariableArray)
            diag_error(c, n->begin, "variable-length array in an async function");
        if (sc == CX_SC_Static || sc == CX_SC_Extern) {
            for (int i = 0; i < n->nkid; i++)
                walk(w, n->kid[i], loop, brk, defer, unevaluated, sc == CX_SC_Static);
            return;
        }
        n->var = new_var(f, n->cur, n, false);
        break;
    }
    case CXCursor_UnaryExpr:
        /* sizeof, _Alignof: operands not evaluated (VLAs are refused). */
        for (int i = 0; i < n->nkid; i++)
            walk(w, n->kid[i], loop, brk, defer, true, static_init);
        return;
    case CXCursor_GenericSelectionExpr:
        for (int i = 0; i < n->nkid; i++)
            walk(w, n->kid[i], loop, brk, defer, unevaluated || i == 0, static_init);
        return;
    case CXCursor_ReturnStmt:
        if (defer)
            diag_error(c, n->begin, "'return' inside async_defer");
        break;
    case CXCursor_GotoStmt:
    case CXCursor_IndirectGotoStmt:
        if (defer)
            diag_error(c, n->begin, "'goto' inside async_defer");
        break;
    case CXCursor_BreakStmt:
        n->target = brk;
        if (defer && (brk == NULL || !inside(brk, defer)))
            diag_error(c, n->begin, "'break' out of async_defer");
        break;
    case CXCursor_ContinueStmt:
        n->target = loop;
        if (defer && (loop == NULL || !inside(loop, defer)))
            diag_error(c, n->begin, "'continue' out of async_defer");
        break;
    default:
        break;
    }
    if (n->kind == N_DEFER) {
        /* Only the argument counts: the macro's own do-while is ours. */
        for (int i = 0; i < n->nkid; i++)
            walk(w, n->kid[i], NULL, NULL, defer, unevaluated, static_init);
        return;
    }
    Node *nloop = is_loop(n) ? n : loop;
    Node *nbrk = is_loop(n) || n->ck == CXCursor_SwitchStmt ? n : brk;
    for (int i = 0; i < n->nkid; i++) {
        /* A loop's condition is not inside the loop for break/continue. */
        walk(w, n->kid[i], nloop, nbrk, defer, unevaluated, static_init);
    }
}

static void set_needs_lower(Node *n)
{
    n->needs_lower = n->has_await || (n->ck == CXCursor_VarDecl && n->var && n->var->member) || n->hoisted;
    for (int i = 0; i < n->nkid; i++) {
        set_needs_lower(n->kid[i]);
        if (n->kid[i]->needs_lower)
            n->needs_lower = true;
    }
    if (n->kind == N_DEFER)
        n->needs_lower = false; /* an event: it only sets its bit */
}

/* Finds `await` written in the body that no await node accounts for (an
 * argument a macro drops) and awaits that a macro expands twice. */
static void check_await_tokens(Ctx *c, AsyncFn *f, Node **aw, int naw)
{
    /* A macro argument may also stand in an unevaluated operand, as in
     * glibc's assert: `sizeof ((expr) ? 1 : 0)`; only the evaluated uses
     * count. */
    for (int i = 0; i < naw; i++) {
        if (!aw[i]->unevaluated)
            continue;
        bool twin = false;
        for (int j = 0; j < naw; j++)
            if (j != i && !aw[j]->unevaluated && aw[j]->begin == aw[i]->begin)
                twin = true;
        if (!twin)
            diag_error(c, aw[i]->begin, "'await' in an operand that is not evaluated");
    }
    for (int i = 0; i < naw; i++)
        for (int j = i + 1; j < naw; j++)
            if (aw[i]->begin == aw[j]->begin && !aw[i]->unevaluated && !aw[j]->unevaluated) {
                diag_error(c, aw[j]->begin, "'await' in a macro argument that is expanded more than once");
                aw[j]->begin = UINT32_MAX - 1; /* reported once */
            }
    unsigned p = f->body->begin, end = f->body->end;
    while (p < end) {
        char ch = c->src[p];
        if (ch == '/' && p + 1 < end && (c->src[p + 1] == '*' || c->src[p + 1] == '/')) {
            p = skip_blank(c, p, end);
            continue;
        }
        if (ch == '"' || ch == '\'') {
            p++;
            while (p < end && c->src[p] != ch) {
                if (c->src[p] == '\\')
                    p++;
                p++;
            }
            p++;
            continue;
        }
        if (ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')) {
            unsigned s = p;
            while (p < end && (c->src[p] == '_' || (c->src[p] >= 'a' && c->src[p] <= 'z') ||
                               (c->src[p] >= 'A' && c->src[p] <= 'Z') || (c->src[p] >= '0' && c->src[p] <= '9')))
                p++;
            if ((p - s == 5 && memcmp(c->src + s, "await", 5) == 0 && c->await_macro) ||
                (p - s == 11 && memcmp(c->src + s, "async_await", 11) == 0)) {
                bool found = false;
                for (int i = 0; i < naw && !found; i++)
                    if (aw[i]->begin == s)
                        found = true;
                bool skipped = false;
                for (unsigned k = 0; c->skipped && k < c->skipped->count; k++) {
                    unsigned a = file_offset(c, clang_getRangeStart(c->skipped->ranges[k]));
                    unsigned b = file_offset(c, clang_getRangeEnd(c->skipped->ranges[k]));
                    if (s >= a && s < b)
                        skipped = true;
                }
                /* On a directive line (#define) it is not code. */
                unsigned ls = s;
                while (ls > 0 && c->src[ls - 1] != '\n')
                    ls--;
                while (ls < s && (c->src[ls] == ' ' || c->src[ls] == '\t'))
                    ls++;
                if (c->src[ls] == '#')
                    skipped = true;
                if (!found && !skipped)
                    diag_error(c, s, "'await' in a macro argument that is not expanded exactly once");
            }
            continue;
        }
        p++;
    }
}

/* The local types of `f` move to file scope, renamed async__F_NAME, when a
 * frame member needs one (the frame struct is at file scope).  Every
 * variable declared together with such a type joins the frame, so that its
 * declaration becomes an assignment and the type is written only once. */
static void hoist_types(Ctx *c, AsyncFn *f, Node *n)
{
    bool is_type = n->ck == CXCursor_StructDecl || n->ck == CXCursor_UnionDecl ||
                   n->ck == CXCursor_EnumDecl || n->ck == CXCursor_TypedefDecl;
    if (is_type && n->parent && n->parent->ck == CXCursor_DeclStmt) {
        LocalType lt = {0};
        lt.cur = clang_getCanonicalCursor(n->cur);
        lt.node = n;
        n->hoisted = true;
        lt.name = cx_str(clang_getCursorSpelling(n->cur));
        if (strstr(lt.name, "(unnamed") || strstr(lt.name, "(anonymous"))
            lt.name[0] = '\0';
        int dup = 0;
        for (int i = 0; i < f->ntypes; i++)
            if (strcmp(f->types[i].name, lt.name) == 0)
                dup++;
        lt.renamed = xasprintf("async__%s_%s%s", f->name, *lt.name ? lt.name : "anon",
                               dup || !*lt.name ? xasprintf("_%d", dup + 1) : "");
        f->types = xrealloc(f->types, sizeof *f->types * (size_t)(f->ntypes + 1));
        f->types[f->ntypes++] = lt;
        for (int i = 0; i < n->nkid; i++)
            if (n->kid[i]->ck == CXCursor_EnumConstantDecl) {
                LocalType k = {0};
                k.cur = clang_getCanonicalCursor(n->kid[i]->cur);
                k.node = n->kid[i];
                k.name = cx_str(clang_getCursorSpelling(n->kid[i]->cur));
                k.renamed = xasprintf("async__%s_%s", f->name, k.name);
                f->types = xrealloc(f->types, sizeof *f->types * (size_t)(f->ntypes + 1));
                f->types[f->ntypes++] = k;
            }
        for (int i = 0; i < n->parent->nkid; i++) {
            Node *v = n->parent->kid[i];
            if (v->ck == CXCursor_VarDecl && v->var && !v->var->member)
                v->var->member = (char *)1;
        }
        (void)c;
        return;
    }
    for (int i = 0; i < n->nkid; i++)
        hoist_types(c, f, n->kid[i]);
}

/* Whether a declaration's awaits read one of the variables it declares
 * (`int x = await(f(x));`): hoisted above the declaration, they could not. */
static bool reads_own_vars(Node *n, Node *ds)
{
    if (n->ck == CXCursor_DeclRefExpr && n->var && n->var->decl && n->var->decl->parent == ds)
        return true;
    for (int i = 0; i < n->nkid; i++)
        if (reads_own_vars(n->kid[i], ds))
            return true;
    return false;
}

static void plan_vars(Ctx *c, AsyncFn *f, FnWalk *w)
{
    /* Await offsets, sorted, for "is there an await in this scope". */
    unsigned *off = xcalloc((size_t)w->nawaits + 1, sizeof *off);
    for (int i = 0; i < w->nawaits; i++)
        off[i] = w->awaits[i]->begin;
    for (int i = 1; i < w->nawaits; i++)
        for (int j = i; j > 0 && off[j - 1] > off[j]; j--) {
            unsigned t = off[j];
            off[j] = off[j - 1];
            off[j - 1] = t;
        }
    int used = 0;
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        bool frame = v->is_param || v->member != NULL;
        if (!frame && v->decl) {
            Node *ds = v->decl->parent;           /* DeclStmt */
            Node *scope = ds ? ds->parent : NULL; /* block or for */
            unsigned from = ds ? ds->end : v->decl->begin, to = scope ? scope->end : f->body->end;
            /* An await in a later declarator of the same declaration would
             * be hoisted above this one: then all of them join the frame. */
            if (ds && ds->has_await) {
                for (int k = 1; k < ds->nkid; k++)
                    if (ds->kid[k]->has_await)
                        frame = true;
                if (reads_own_vars(ds, ds))
                    frame = true;
            }
            unsigned lo = 0, hi = (unsigned)w->nawaits;
            while (lo < hi) {
                unsigned mid = (lo + hi) / 2;
                if (off[mid] < from)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            if (lo < (unsigned)w->nawaits && off[lo] < to)
                frame = true;
        }
        if (!frame) {
            v->member = NULL;
            continue;
        }
        v->member = (char *)1;
        const char *why;
        int sp = v->is_param || v->type.kind == CXType_VariableArray ? 1 : type_spellable(v->type, &why);
        if (sp == 0)
            diag_error(c, v->decl ? v->decl->begin : 0,
                       "variable '%s' lives across an await, and its type is %s, which the frame cannot name",
                       v->name, why);
        else if (sp < 0)
            f->hoist = true;
    }
    if (f->hoist)
        hoist_types(c, f, f->body);
    /* A unique member name: the user's own where it is free. */
    for (int i = 0; i < f->nvars; i++) {
        Var *v = f->vars[i];
        if (!v->member)
            continue;
        bool clash = false;
        for (int j = 0; j < i; j++)
            if (f->vars[j]->member && strcmp(f->vars[j]->name, v->name) == 0)
                clash = true;
        v->member = clash ? xasprintf("async__%s_%d", v->name, ++used) : xstrdup(v->name);
    }
    free(off);
}

static void dump(Ctx *c, Node *n, int depth)
{
    char *k = cx_str(clang_getCursorKindSpelling(n->ck));
    fprintf(stderr, "%*s%s kind=%d [%u,%u) %s%s op=%s '%.*s'\n", depth * 2, "", k, n->kind, n->begin,
            n->end, n->clean ? "clean" : "macro", n->has_await ? " await" : "", n->op,
            n->end > n->begin && n->end - n->begin < 40 ? (int)(n->end - n->begin) : 0, c->src + n->begin);
    free(k);
    for (int i = 0; i < n->nkid; i++)
        dump(c, n->kid[i], depth + 1);
}

static void analyse_fn(Ctx *c, AsyncFn *f, CXCursor body)
{
    f->body = build(c, body);
    if (getenv("ASYNCC_DUMP"))
        dump(c, f->body, 0);

    int n = clang_Cursor_getNumArguments(f->cur);
    CXType ft = clang_getCursorType(f->cur);
    for (int i = 0; i < n; i++) {
        Var *v = new_var(f, clang_Cursor_getArgument(f->cur, (unsigned)i), NULL, true);
        /* The adjusted type: an array parameter is a pointer (6.7.6.3). */
        if (ft.kind == CXType_FunctionProto)
            v->type = clang_getArgType(ft, (unsigned)i);
    }

    FnWalk w = {c, f, NULL, 0, 0, NULL, 0, 0};
    walk(&w, f->body, NULL, NULL, NULL, false, false);
    plan_vars(c, f, &w);
    set_needs_lower(f->body);
    check_await_tokens(c, f, w.awaits, w.nawaits);
    free(w.awaits);
    free(w.declrefs);
}

/* ---------------------------------------------------------------------
 * The top level.
 * ------------------------------------------------------------------- */
static bool in_main_file(Ctx *c, CXCursor cur)
{
    return file_offset(c, clang_getCursorLocation(cur)) != UINT32_MAX;
}

/* The entry point of an async function declared only in a header goes
 * before the top-level declaration that first uses it. */
static void note_use(Ctx *c, CXCursor callee)
{
    Top *t = c->top;
    if (t == NULL || clang_Cursor_isNull(callee))
        return;
    FnSlot *slot = fn_slot(callee);
    if (slot == NULL || slot->noted)
        return;
    slot->noted = true;
    CXCursor canon = slot->cur;
    /* First declared in the main file: its prototype becomes the entry
     * point's.  First declared in a header: the entry point is declared
     * here, even when the main file defines it later. */
    if (in_main_file(c, canon))
        return;
    /* async.h declares the runtime's own entry points. */
    CXFile hf;
    clang_getFileLocation(clang_getCursorLocation(canon), &hf, NULL, NULL, NULL);
    char *hn = hf ? cx_str(clang_getFileName(hf)) : xstrdup("");
    const char *base = strrchr(hn, '/');
    base = base ? base + 1 : hn;
    bool runtime = strcmp(base, "async.h") == 0;
    free(hn);
    if (runtime)
        return;
    unsigned at = t->decl_begin;
    while (at > 0 && c->src[at - 1] != '\n')
        at--;
    char *proto = entry_proto(c, canon, false, false);
    Buf b = {0};
    buf_printf(&b, "%s;\n", proto);
    if (!c->no_line)
        emit_line_directive(c, &b, line_of(c, at));
    add_edit(c, at, at, buf_take(&b));
    free(proto);
}

static enum CXChildVisitResult top_visit(CXCursor cur, CXCursor parent, CXClientData data)
{
    Top *t = data;
    Ctx *c = t->c;
    (void)parent;
    if (cur.kind == CXCursor_MacroDefinition && !c->await_macro) {
        /* With ASYNC_NO_KEYWORDS, `await` is the user's own identifier. */
        CXString sp = clang_getCursorSpelling(cur);
        if (strcmp(clang_getCString(sp), "await") == 0)
            c->await_macro = true;
        clang_disposeString(sp);
    }
    if (cur.kind == CXCursor_MacroDefinition) {
        /* A macro of the main file that mentions async or await: a function
         * that uses it must be walked (`#define START() async_run(amain())`). */
        if (!in_main_file(c, cur))
            return CXChildVisit_Continue;
        unsigned b = cur_begin(c, cur), e = cur_end(c, cur);
        if (b != UINT32_MAX && e != UINT32_MAX && b < e && e <= c->len) {
            for (unsigned p = b; p + 5 <= e; p++)
                if (memcmp(c->src + p, "async", 5) == 0 || memcmp(c->src + p, "await", 5) == 0) {
                    char *n = cx_str(clang_getCursorSpelling(cur));
                    name_add(n);
                    free(n);
                    break;
                }
        }
        return CXChildVisit_Continue;
    }
    if (cur.kind == CXCursor_MacroExpansion || cur.kind == CXCursor_InclusionDirective)
        return CXChildVisit_Continue;
    if (!in_main_file(c, cur)) {
        if (cur.kind == CXCursor_FunctionDecl && clang_Cursor_hasAttrs(cur) && has_async_attr(cur)) {
            char *n = cx_str(clang_getCursorSpelling(cur));
            name_add(n);
            free(n);
        }
        return CXChildVisit_Continue;
    }
    t->decl_begin = cur_begin(c, cur);
    if (t->decl_begin == UINT32_MAX)
        return CXChildVisit_Continue;

    if (cur.kind == CXCursor_FunctionDecl) {
        bool async = has_async_attr(cur);
        char *name = cx_str(clang_getCursorSpelling(cur));
        if (async)
            name_add(name);
        if (async) {
            bool is_static = clang_Cursor_getStorageClass(cur) == CX_SC_Static;
            if (strcmp(name, "main") == 0)
                diag_error(c, cur_loc(c, cur), "'main' cannot be async; run an async function from it "
                           "with async_run(f(...))");
            else if (clang_isFunctionTypeVariadic(clang_getCursorType(cur)))
                diag_error(c, cur_loc(c, cur), "async function '%s' cannot be variadic", name);
            if (clang_isCursorDefinition(cur)) {
                Kids k = kids_of(cur);
                CXCursor body = clang_getNullCursor();
                for (int i = 0; i < k.n; i++)
                    if (k.v[i].kind == CXCursor_CompoundStmt)
                        body = k.v[i];
                free(k.v);
                AsyncFn *f = xcalloc(1, sizeof *f);
                f->cur = cur;
                f->name = name;
                f->is_static = is_static;
                f->begin = cur_begin(c, cur);
                f->end = cur_end(c, cur);
                Analysis *an = c->an;
                an->fns = xrealloc(an->fns, sizeof *an->fns * (size_t)(an->nfns + 1));
                an->fns[an->nfns++] = f;
                if (!clang_Cursor_isNull(body)) {
                    analyse_fn(c, f, body);
                    /* Lowered at once, while its tree is in the cache; after
                     * an error nothing is lowered (nothing will be written). */
                    if (c->nerrors == 0)
                        add_edit(c, f->begin, f->end, lower_fn(c, f));
                    drop_tree(f->body);
                    f->body = NULL;
                }
                return CXChildVisit_Continue;
            }
            /* A prototype: becomes the entry point's.  Keep the line count. */
            unsigned b = cur_begin(c, cur), e = cur_end(c, cur);
            Buf nb = {0};
            char *p = entry_proto(c, cur, true, is_static);
            buf_puts(&nb, p);
            free(p);
            for (unsigned i = b; i < e; i++)
                if (c->src[i] == '\n')
                    buf_puts(&nb, "\n");
            add_edit(c, b, e, buf_take(&nb));
            free(name);
            return CXChildVisit_Continue;
        }
        free(name);
        if (text_uses_async(c, t->decl_begin, cur_end(c, cur))) {
            Walk w = {c, false, NULL, 0, 0};
            clang_visitChildren(cur, ordinary_visit, &w);
            free(w.stack);
        }
        return CXChildVisit_Continue;
    }
    if (text_uses_async(c, t->decl_begin, cur_end(c, cur))) {
        Walk w = {c, true, NULL, 0, 0};
        clang_visitChildren(cur, ordinary_visit, &w);
        free(w.stack);
    }
    return CXChildVisit_Continue;
}

void analyse(Ctx *c)
{
    c->an = xcalloc(1, sizeof *c->an);
    Top t = {c, 0};
    c->top = &t;
    clang_visitChildren(clang_getTranslationUnitCursor(c->tu), top_visit, &t);
    c->top = NULL;
}
