/*
 * parse.c - libclang: arguments, parsing, and locations in the main file.
 *
 * The arguments come from the command line (everything after `--`) or, with
 * -p, from INPUT's entry in the build directory's compile_commands.json, as
 * clang-tidy takes them.  After them comes one fallback -I: the directory of
 * <async.h> in the source tree this asyncc was built from, or ../include
 * beside an installed asyncc, so that a plain `asyncc x.async.c -o x.c`
 * finds the header; a user's own -I comes first and wins.  An installed
 * asyncc prefers its own installed header to the source tree's.
 *
 * Locations: a cursor's range may start inside a macro expansion (every
 * await is one).  clang_getFileLocation maps such a location to where it
 * is written in the main file (for a macro argument, where the argument is
 * written; for replacement text, where the macro is invoked), and comparing
 * it with the spelling location tells the two apart.
 */
#include "asyncc.h"

#include <clang-c/CXCompilationDatabase.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MACRO_BIT 0x80000000u   /* clang's SourceLocation: a macro location */

char *cx_str(CXString s)
{
    const char *p = clang_getCString(s);
    char *r = xstrdup(p ? p : "");
    clang_disposeString(s);
    return r;
}

unsigned line_of(const Ctx *c, unsigned off)
{
    unsigned lo = 0, hi = c->nlines;
    while (hi - lo > 1) {
        unsigned mid = lo + (hi - lo) / 2;
        if (c->lines[mid] <= off)
            lo = mid;
        else
            hi = mid;
    }
    return lo + 1;
}

unsigned col_of(const Ctx *c, unsigned off)
{
    return off - c->lines[line_of(c, off) - 1] + 1;
}

unsigned file_offset(Ctx *c, CXSourceLocation loc)
{
    /* The fast path (see main_file_base): a location written in the main
     * file, outside any macro, is the file's base plus the offset. */
    if (c->loc_base_ok && loc.ptr_data[0] != NULL && !(loc.int_data & MACRO_BIT) &&
        loc.int_data - c->loc_base <= c->len)
        return loc.int_data - c->loc_base;
    /* A location in a macro expansion: the nodes of one invocation share a
     * few, so the answers are remembered (by clang's raw location). */
    LocCache *lc = NULL;
    if (c->loc_base_ok && loc.ptr_data[0] != NULL && (loc.int_data & MACRO_BIT)) {
        lc = &c->loc_cache[(loc.int_data * 2654435761u) >> (32 - LOC_CACHE_BITS)];
        if (lc->raw == loc.int_data)
            return lc->off;
    }
    CXFile f;
    unsigned off;
    clang_getFileLocation(loc, &f, NULL, NULL, &off);
    /* One file has one CXFile in a translation unit: pointers compare. */
    if (f != c->file && (f == NULL || !clang_File_isEqual(f, c->file)))
        off = UINT32_MAX;
    if (lc) {
        lc->raw = loc.int_data;
        lc->off = off;
    }
    return off;
}

/* clang_getFileLocation costs some hundreds of instructions, and the
 * analysis asks for tens of thousands of locations.  A CXSourceLocation
 * holds clang's raw source location: for a location in a file (not in a
 * macro expansion, which has the top bit set) that is the file's base in
 * clang's location space plus the byte offset.  The base is where the
 * translation unit's cursor starts (libclang gives the main file's start
 * there); the locations at both ends of the file and in the middle are
 * checked with clang_getFileLocation, and if anything does not match,
 * every location goes through clang_getFileLocation as before.  (Not
 * clang_getLocationForOffset: its first call maps out every macro
 * argument of the file, as many instructions as a tenth of the rest of
 * the translation.) */
static void main_file_base(Ctx *c)
{
    CXSourceRange r = clang_getCursorExtent(clang_getTranslationUnitCursor(c->tu));
    CXSourceLocation l0 = clang_getRangeStart(r);
    c->loc_base = l0.int_data;
    c->loc_base_ok = false;
    if (l0.ptr_data[0] == NULL || (l0.int_data & MACRO_BIT) || c->loc_base + c->len < c->loc_base ||
        ((c->loc_base + c->len) & MACRO_BIT))
        return;
    unsigned probes[] = {0, c->len / 2, c->len};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        CXSourceLocation l = l0;
        l.int_data = c->loc_base + probes[i];
        CXFile f;
        unsigned off;
        clang_getFileLocation(l, &f, NULL, NULL, &off);
        if (off != probes[i] || f == NULL || !clang_File_isEqual(f, c->file))
            return;
    }
    c->loc_cache = xcalloc((size_t)1 << LOC_CACHE_BITS, sizeof *c->loc_cache);
    c->loc_base_ok = true;
}

/* libclang 14's clang_getSpellingLocation answers with the file location,
 * so a token of a macro's replacement text is told by where it maps: to the
 * start of a macro invocation (as a first token) or to the end of one (as a
 * last token). */
bool starts_macro(const Ctx *c, unsigned off)
{
    return off < c->nmacro_at && (c->macro_at[off] & 1);
}

bool ends_macro(const Ctx *c, unsigned off)
{
    return off < c->nmacro_at && (c->macro_at[off] & 2);
}

static enum CXChildVisitResult collect_macro(CXCursor cur, CXCursor parent, CXClientData data)
{
    Ctx *c = data;
    (void)parent;
    if (cur.kind != CXCursor_MacroExpansion ||
        file_offset(c, clang_getCursorLocation(cur)) == UINT32_MAX)
        return CXChildVisit_Continue;
    CXSourceRange r = clang_getCursorExtent(cur);
    CXFile f;
    unsigned b, e;
    clang_getFileLocation(clang_getRangeStart(r), &f, NULL, NULL, &b);
    if (f == NULL || !clang_File_isEqual(f, c->file))
        return CXChildVisit_Continue;
    clang_getFileLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &e);
    if ((c->nmacros & (c->nmacros - 1)) == 0) { /* 0, 1, 2, 4, ...: grow */
        c->macro_starts = xrealloc(c->macro_starts, sizeof(unsigned) * (c->nmacros ? c->nmacros * 2 : 1));
        c->macro_ends = xrealloc(c->macro_ends, sizeof(unsigned) * (c->nmacros ? c->nmacros * 2 : 1));
    }
    c->macro_starts[c->nmacros] = b;
    c->macro_ends[c->nmacros] = e;
    c->nmacros++;
    return CXChildVisit_Continue;
}

/* Asked for at almost every node's ends: one byte per offset answers at
 * once, where a binary search over the invocations cost more than the
 * lowering's own text handling. */
static void collect_macros(Ctx *c)
{
    clang_visitChildren(clang_getTranslationUnitCursor(c->tu), collect_macro, c);
    if (c->nmacros == 0)
        return;
    unsigned top = 0;
    for (unsigned i = 0; i < c->nmacros; i++) {
        if (c->macro_starts[i] >= top)
            top = c->macro_starts[i] + 1;
        if (c->macro_ends[i] >= top)
            top = c->macro_ends[i] + 1;
    }
    c->macro_at = xcalloc(top, 1);
    c->nmacro_at = top;
    for (unsigned i = 0; i < c->nmacros; i++) {
        c->macro_at[c->macro_starts[i]] |= 1;
        c->macro_at[c->macro_ends[i]] |= 2;
    }
}

static void add_arg(Ctx *c, const char *a)
{
    c->args = xrealloc(c->args, sizeof *c->args * (size_t)(c->nargs + 2));
    c->args[c->nargs++] = xstrdup(a);
    c->args[c->nargs] = NULL;
}

static bool file_exists(const char *path)
{
    return access(path, R_OK) == 0;
}

/* The include directory that holds async.h, when the user's flags may not
 * name it: ../include beside an installed asyncc first, else the source
 * tree this asyncc was built from. */
static void add_fallback_include(Ctx *c)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
        exe[n] = '\0';
        char *slash = strrchr(exe, '/');
        if (slash) {
            *slash = '\0';
            char *dir = xasprintf("%s/../include", exe);
            char *h = xasprintf("%s/async.h", dir);
            bool ok = file_exists(h);
            if (ok) {
                char *arg = xasprintf("-I%s", dir);
                add_arg(c, arg);
                free(arg);
            }
            free(h);
            free(dir);
            if (ok)
                return;
        }
    }
#ifdef ASYNCC_SOURCE_INCLUDE_DIR
    char *p = xasprintf("%s/async.h", ASYNCC_SOURCE_INCLUDE_DIR);
    if (file_exists(p))
        add_arg(c, "-I" ASYNCC_SOURCE_INCLUDE_DIR);
    free(p);
#endif
}

static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* INPUT's flags from BUILD_DIR/compile_commands.json. */
static int args_from_database(Ctx *c)
{
    CXCompilationDatabase_Error err;
    CXCompilationDatabase db = clang_CompilationDatabase_fromDirectory(c->build_dir, &err);
    if (err != CXCompilationDatabase_NoError || db == NULL) {
        fprintf(stderr, "asyncc: cannot load %s/compile_commands.json\n", c->build_dir);
        return 2;
    }
    char abs[PATH_MAX];
    const char *in = realpath(c->input, abs) ? abs : c->input;
    CXCompileCommands cmds = clang_CompilationDatabase_getCompileCommands(db, in);
    if (cmds == NULL || clang_CompileCommands_getSize(cmds) == 0) {
        fprintf(stderr, "asyncc: %s has no entry for %s\n", c->build_dir, c->input);
        if (cmds)
            clang_CompileCommands_dispose(cmds);
        clang_CompilationDatabase_dispose(db);
        return 2;
    }
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, 0);
    char *dir = cx_str(clang_CompileCommand_getDirectory(cmd));
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    if (*dir) {
        add_arg(c, "-working-directory");
        add_arg(c, dir);
    }
    for (unsigned i = 1; i < n; i++) {
        char *a = cx_str(clang_CompileCommand_getArg(cmd, i));
        if (strcmp(a, "-o") == 0 && i + 1 < n) {
            i++;
        } else if (strcmp(a, "-c") == 0 || strcmp(a, "--") == 0) {
            /* drop */
        } else if (a[0] != '-' && strcmp(base_name(a), base_name(c->input)) == 0) {
            /* the input itself */
        } else {
            add_arg(c, a);
        }
        free(a);
    }
    free(dir);
    clang_CompileCommands_dispose(cmds);
    clang_CompilationDatabase_dispose(db);
    return 0;
}

int parse_input(Ctx *c, char **user_args, int nuser)
{
    add_arg(c, "-xc");
    if (c->build_dir) {
        int rc = args_from_database(c);
        if (rc)
            return rc;
    }
    for (int i = 0; i < nuser; i++)
        add_arg(c, user_args[i]);
    add_fallback_include(c);

    c->index = clang_createIndex(0, 0);
    unsigned opts = CXTranslationUnit_KeepGoing | CXTranslationUnit_DetailedPreprocessingRecord;
    enum CXErrorCode ec = clang_parseTranslationUnit2(
        c->index, c->input, (const char *const *)c->args, c->nargs, NULL, 0, opts, &c->tu);
    if (ec != CXError_Success || c->tu == NULL) {
        fprintf(stderr, "asyncc: libclang failed to parse %s (%s)\n", c->input,
                ec == CXError_Crashed ? "crashed" : ec == CXError_InvalidArguments
                ? "invalid arguments" : ec == CXError_ASTReadError ? "AST read error"
                : "failure");
        return 2;
    }
    c->file = clang_getFile(c->tu, c->input);
    if (c->file == NULL) {
        fprintf(stderr, "asyncc: libclang lost %s\n", c->input);
        return 2;
    }
    main_file_base(c);
    c->skipped = clang_getSkippedRanges(c->tu, c->file);
    collect_macros(c);
    return 0;
}
