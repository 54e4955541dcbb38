/*
 * asyncc.h - the translator's one internal header.
 *
 * The translator is a pipeline of stages, one file each, in the manner of
 * chibicc: main.c reads the command line, parse.c drives libclang,
 * analyse.c finds async functions, awaits and uses of async functions and
 * checks the language's rules, lower.c turns each async function into a
 * frame struct and a resume function, emit.c splices the results into the
 * original text, diag.c prints diagnostics, depfile.c writes the depfile,
 * type.c prints C declarators from libclang types, buf.c holds strings.
 * The sections below follow those files.
 *
 * Debugging: ASYNCC_DUMP=1 prints each async function's tree, ASYNCC_TIME=1
 * the time spent parsing and translating.
 *
 * Offsets are byte offsets into the main file as it is on disk; every edit
 * is a replacement of a range of that text, so every byte outside the
 * rewritten ranges comes out as it went in.
 */
#ifndef ASYNCC_H
#define ASYNCC_H

#include <clang-c/Index.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

#define ASYNCC_VERSION "0.1.0"

/* ------------------------------------------------------------------ buf.c */

/* A growable byte string, always NUL-terminated. */
typedef struct Buf {
    char *s;
    size_t len, cap;
} Buf;

void buf_add(Buf *b, const char *s, size_t n);
void buf_puts(Buf *b, const char *s);
void buf_printf(Buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(Buf *b, const char *fmt, va_list ap);
char *buf_take(Buf *b);          /* the string; the Buf is left empty */
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* ----------------------------------------------------------------- diag.c */

typedef struct Ctx Ctx;

/* Prints `file:line:col: error: msg`, the source line and a caret, at
 * `off` in the main file (presumed location, following #line).  Errors
 * count toward the exit status; warnings do not. */
void diag_error(Ctx *c, unsigned off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void diag_warning(Ctx *c, unsigned off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* libclang's own diagnostics (errors only), in the same format; returns
 * how many errors it printed. */
int diag_clang(Ctx *c);

/* ---------------------------------------------------------------- parse.c */

/* parse.c: file offsets of macro locations already asked for.  raw is
 * clang's location (top bit set, so 0 is never a key). */
#define LOC_CACHE_BITS 12
typedef struct LocCache {
    unsigned raw, off;
} LocCache;

/* Everything the stages share about one translation. */
struct Ctx {
    const char *input;          /* INPUT as given */
    const char *output;         /* OUTPUT as given */
    const char *depfile;
    const char *build_dir;      /* -p */
    bool no_line;
    char **args;                /* arguments for libclang */
    int nargs;
    const char *argv0;

    char *src;                  /* the main file's bytes */
    unsigned len;
    unsigned *lines;            /* offsets where each line starts */
    unsigned nlines;

    CXIndex index;
    CXTranslationUnit tu;
    CXFile file;
    CXSourceRangeList *skipped; /* #if-ed out ranges of the main file */
    unsigned loc_base;          /* parse.c: the main file in clang's */
    bool loc_base_ok;           /* location space (file_offset) */
    LocCache *loc_cache;

    unsigned *macro_starts;     /* where macro invocations begin and end */
    unsigned *macro_ends;       /* in the main file, as collected */
    unsigned nmacros;
    unsigned char *macro_at;    /* per offset: 1 a start there, 2 an end */
    unsigned nmacro_at;         /* offsets macro_at covers */

    int nerrors;
    int nwarnings;

    struct Analysis *an;        /* analyse.c */
    bool memcpy_declared;       /* generated code declared memcpy */
    bool await_macro;           /* `await` is a macro (no ASYNC_NO_KEYWORDS) */
    struct Top *top;            /* analyse.c: the current top-level walk */
};

/* Builds ctx->args from `--` arguments or -p's compilation database, plus
 * the fallback include directory of async.h; parses.  0, or 2 when
 * libclang fails (a message has been printed). */
int parse_input(Ctx *c, char **user_args, int nuser);
unsigned line_of(const Ctx *c, unsigned off);       /* 1-based */
unsigned col_of(const Ctx *c, unsigned off);        /* 1-based, in bytes */
/* The main-file offset of a location, or UINT32_MAX when not in it. */
unsigned file_offset(Ctx *c, CXSourceLocation loc);
/* Whether a main-file offset is where a macro invocation starts or ends: a
 * node's first or last token there came from the macro's replacement text
 * (as opposed to being written in the file or in a macro's argument). */
bool starts_macro(const Ctx *c, unsigned off);
bool ends_macro(const Ctx *c, unsigned off);
char *cx_str(CXString s);      /* copies and disposes */

/* -------------------------------------------------------------- depfile.c */

/* Writes the Make-style depfile naming every file that INPUT included.
 * 0, or -errno. */
int depfile_write(Ctx *c, const char *path, const char *target);

/* ----------------------------------------------------------------- type.c */

/* Appends the declaration of `name` (NULL or "" for an abstract
 * declarator, as in a cast) with type `t`, as C would spell it:
 * `int (*name)(int)`, `char name[16]`.  With `drop_const`, a top-level
 * const is left out, so that the result can be assigned to. */
void type_decl(Ctx *c, Buf *b, CXType t, const char *name, bool drop_const);
/* A parameter, adjusted: an array parameter is a pointer. */
void param_decl(Ctx *c, Buf *b, CXType t, const char *name);
/* Whether `t` can be written by type_decl at file scope: 1 yes, 0 no
 * (`why` says why), -1 only once the function's local types move to file
 * scope. */
int type_spellable(CXType t, const char **why);
/* The file-scope name of a local type that moved, or NULL. */
extern const char *(*type_renamed)(CXCursor decl);

/* -------------------------------------------------------------- analyse.c */

/* One node of the tree that analyse.c builds for the bodies of async
 * functions (and only those): a copy of libclang's cursor tree with file
 * offsets and the facts the lowering needs. */
typedef enum NodeKind {
    N_OTHER,
    N_AWAIT,        /* await(E): kid[0] is E (stripped) */
    N_SPAWN,        /* async_create_task(CALL or r = CALL) */
    N_RUN,          /* async_run(...) */
    N_DEFER,        /* async_defer(...) */
    N_GATHER,       /* async_gather(...), only as E of an await */
    N_WAIT_FOR,     /* async_wait_for(...), only as E of an await */
} NodeKind;

typedef struct Var Var;

typedef struct Node {
    enum CXCursorKind ck;
    NodeKind kind;
    CXCursor cur;
    unsigned begin, end;        /* file offsets, [begin, end) */
    bool clean;                 /* its text is written out in the file,
                                   in order (no macro replacement text) */
    bool has_await;             /* an await in this subtree */
    bool needs_lower;           /* has_await, or declares a frame variable */
    struct Node *parent;
    struct Node **kid;
    int nkid;
    /* N_AWAIT, N_SPAWN, N_RUN: the call (stripped) or the task expression;
     * `lhs` for `r = CALL`. */
    struct Node *call, *lhs;
    CXCursor callee;            /* the async function called, or null */
    struct Node **items;        /* N_GATHER items, N_WAIT_FOR item + secs */
    int nitems;
    char op[4];                 /* binary and unary operators: the token */
    int loop_id;                /* loops whose continue is rewritten */
    struct Node *target;        /* break/continue: the statement it leaves */
    int defer_bit;              /* N_DEFER */
    unsigned arg_begin, arg_end;/* N_AWAIT, N_DEFER...: the argument's text */
    Var *var;                   /* VarDecl */
    bool hoisted;               /* a local type moved to file scope */
    bool unevaluated;           /* N_AWAIT in sizeof, _Alignof, _Generic's control */
    bool preset;                /* begin, end known before finishing it */
} Node;

struct Var {
    CXCursor cur;
    char *name;                 /* user's name */
    char *member;               /* frame member, NULL for a plain local */
    CXType type;
    Node *decl;                 /* the VarDecl node, NULL for parameters */
    bool is_param;
};

/* An edit of the main file: replace [begin, end) with text. */
typedef struct Edit {
    unsigned begin, end;
    char *text;
} Edit;

/* One async function definition in the main file. */
/* A type declared inside an async function that a frame member needs: it
 * moves to file scope under a name of its own. */
typedef struct LocalType {
    CXCursor cur;               /* the declaration (canonical) */
    Node *node;
    char *name;                 /* as written ("" when unnamed) */
    char *renamed;              /* async__F_name */
} LocalType;

typedef struct AsyncFn {
    CXCursor cur;
    char *name;
    unsigned begin, end;        /* the whole definition */
    Node *body;
    Var **vars;
    int nvars;
    Node **defers;
    int ndefers;
    bool is_static;
    LocalType *types;           /* moved to file scope (hoist) */
    int ntypes;
    bool hoist;
} AsyncFn;

typedef struct Analysis {
    AsyncFn **fns;
    int nfns;
    Edit *edits;
    int nedits, capedits;
} Analysis;

/* Walks the translation unit: finds the async functions defined in the main
 * file and builds their trees, rewrites the uses of async functions in
 * ordinary code, replaces async prototypes, and checks the rules.  Errors go
 * through diag_error. */
void analyse(Ctx *c);
bool is_async_fn(Ctx *c, CXCursor fn);
void add_edit(Ctx *c, unsigned begin, unsigned end, char *text);
/* The entry point's declaration for an async function: `async_frame
 * *async__new_f(unsigned async__mode, T *async__ret, P a)`, no `;`. */
char *entry_proto(Ctx *c, CXCursor fn, bool with_names, bool is_static);
/* The replacement of async_create_task / async_run in ordinary code:
 * `async__spawn(async__new_f(ASYNC__TASK, &(r) or NULL, args))` and the
 * like, the argument text copied as written. */
char *lower_ordinary_spawn(Ctx *c, CXCursor call, CXCursor lhs, bool has_lhs,
                           const char *mode, bool statement);
Node *strip(Node *n);
/* Whether `n` itself, its operands aside, may have a side effect (a call,
 * an assignment, ++, --, a statement expression, or a node not understood). */
bool node_has_own_effect(Node *n);
/* Whether evaluating `n` has no side effect (no call, assignment, ++, --). */
bool node_pure(Node *n);
/* For `r = f(args)` items: whether evaluating `&r` before the arguments
 * could be seen (an argument has a side effect and r is not a name). */
bool spawn_order_matters(Node *lhs, Node *call);
/* The text of each of a call's `n` arguments, from the parentheses and
 * commas written in the file (extents of macro-made arguments are not
 * reliable): 0, or -1 when the call is not written out as NAME(...). */
int call_args(Ctx *c, unsigned begin, unsigned end, int n, unsigned *ab, unsigned *ae);

/* ---------------------------------------------------------------- lower.c */

/* The generated C that replaces one async function's definition. */
char *lower_fn(Ctx *c, AsyncFn *f);

/* ----------------------------------------------------------------- emit.c */

/* The output file's text, the input with every edit applied, as pieces to
 * be written in order. */
typedef struct Piece {
    const char *s;
    size_t len;
} Piece;
Piece *emit_output(Ctx *c, int *npieces);
/* In generated text, stands for `#line N "OUTPUT"` with N the line after it
 * in the output; emit_output fills in N once the lines before are known. */
#define OUTPUT_LINE_MARK "\001#line-of-output\001"
/* Appends `#line N "input"\n`. */
void emit_line_directive(Ctx *c, Buf *b, unsigned line);
/* The line (and, if `file`, a malloc'd file name) that the input's own
 * #line directives give physical `line`; itself and the input without. */
unsigned user_line(Ctx *c, unsigned line, char **file);

#endif
