/*
 * type.c - C declarators from libclang types.
 *
 * clang_getTypeSpelling gives `int [3]` and `int (*)(int)` but no way to
 * wrap a name inside them, which a frame member (`int name[3]`, `int
 * (*name)(int)`) needs.  So the declarator is built inside out, as the C
 * grammar reads it (6.7.6): start from the name, wrap a pointer's `*` around
 * it (in parentheses when an array or function suffix follows), append
 * array and parameter suffixes, and end at the innermost type, whose
 * spelling (a builtin, a typedef name, a tag) clang gives as is.
 */
#include "asyncc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* The spelling of a leaf type without a leading `const`, for frame members
 * that are assigned to. */
const char *(*type_renamed)(CXCursor decl);

/* clang_getTypeSpelling prints the type anew each time; the same few types
 * come back again and again, so their spellings are kept, keyed by the
 * type's own bytes (kind and clang's pointers, which identify it). */
typedef struct Spelled {
    CXType t;
    char *s;
} Spelled;

static Spelled spelled[1024];

static char *spelling(CXType t)
{
    size_t h = (size_t)t.kind;
    for (int i = 0; i < 2; i++)
        h = h * 31 + (size_t)(uintptr_t)t.data[i] / 8;
    Spelled *e = &spelled[h % (sizeof spelled / sizeof spelled[0])];
    if (e->s && memcmp(&e->t, &t, sizeof t) == 0)
        return xstrdup(e->s);
    free(e->s);
    e->t = t;
    e->s = cx_str(clang_getTypeSpelling(t));
    return xstrdup(e->s);
}

static char *leaf_spelling(CXType t, bool drop_const)
{
    if (type_renamed) {
        CXCursor d = clang_getTypeDeclaration(t);
        const char *r = clang_Cursor_isNull(d) ? NULL : type_renamed(d);
        if (r) {
            const char *kw = d.kind == CXCursor_StructDecl ? "struct " : d.kind == CXCursor_UnionDecl
                             ? "union " : d.kind == CXCursor_EnumDecl ? "enum " : "";
            bool cq = !drop_const && clang_isConstQualifiedType(t);
            bool vq = clang_isVolatileQualifiedType(t);
            return xasprintf("%s%s%s%s", cq ? "const " : "", vq ? "volatile " : "", kw, r);
        }
    }
    char *s = spelling(t);
    if (drop_const) {
        /* clang writes qualifiers first: "const volatile int". */
        char *p = s;
        for (;;) {
            if (strncmp(p, "const ", 6) == 0) {
                memmove(p, p + 6, strlen(p + 6) + 1);
            } else if (strncmp(p, "volatile ", 9) == 0) {
                p += 9;
            } else {
                break;
            }
        }
    }
    return s;
}

static void decl(Ctx *c, Buf *out, CXType t, char *inner, bool drop_const)
{
    Buf d = {0};
    CXType k;
    switch (t.kind) {
    case CXType_Pointer:
    case CXType_BlockPointer: {
        CXType pt = clang_getPointeeType(t);
        CXType cp = clang_getCanonicalType(pt);
        bool wrap = cp.kind == CXType_ConstantArray || cp.kind == CXType_IncompleteArray ||
                    cp.kind == CXType_VariableArray || cp.kind == CXType_FunctionProto ||
                    cp.kind == CXType_FunctionNoProto;
        /* Keep the typedef name of the pointee where there is one: only
         * arrays and functions need the structure. */
        if (pt.kind == CXType_Typedef || pt.kind == CXType_Elaborated)
            wrap = false;
        buf_puts(&d, wrap ? "(*" : "*");
        if (!drop_const && clang_isConstQualifiedType(t))
            buf_puts(&d, "const ");
        if (clang_isVolatileQualifiedType(t))
            buf_puts(&d, "volatile ");
        if (clang_isRestrictQualifiedType(t))
            buf_puts(&d, "restrict ");
        buf_puts(&d, inner);
        if (wrap)
            buf_puts(&d, ")");
        if (pt.kind == CXType_Typedef || pt.kind == CXType_Elaborated) {
            char *s = leaf_spelling(pt, false);
            buf_printf(out, "%s %s", s, d.s);
            free(s);
        } else {
            decl(c, out, pt, d.s, false);
        }
        break;
    }
    case CXType_ConstantArray:
        buf_printf(&d, "%s[%lld]", inner, clang_getArraySize(t));
        decl(c, out, clang_getArrayElementType(t), d.s, drop_const);
        break;
    case CXType_IncompleteArray:
    case CXType_VariableArray:
    case CXType_DependentSizedArray:
        buf_printf(&d, "%s[]", inner);
        decl(c, out, clang_getArrayElementType(t), d.s, drop_const);
        break;
    case CXType_FunctionProto:
    case CXType_FunctionNoProto: {
        int n = clang_getNumArgTypes(t);
        buf_printf(&d, "%s(", inner);
        if (t.kind == CXType_FunctionProto && n == 0 && !clang_isFunctionTypeVariadic(t))
            buf_puts(&d, "void");
        for (int i = 0; i < n; i++) {
            if (i)
                buf_puts(&d, ", ");
            type_decl(c, &d, clang_getArgType(t, (unsigned)i), NULL, false);
        }
        if (clang_isFunctionTypeVariadic(t))
            buf_puts(&d, n ? ", ..." : "...");
        buf_puts(&d, ")");
        decl(c, out, clang_getResultType(t), d.s, false);
        break;
    }
    case CXType_Unexposed:
    case CXType_Attributed:
        k = clang_getCanonicalType(t);
        if (k.kind != CXType_Unexposed && k.kind != t.kind) {
            decl(c, out, k, inner, drop_const);
            break;
        }
        /* fall through */
    default: {
        char *s = leaf_spelling(t, drop_const);
        if (*inner)
            buf_printf(out, "%s %s", s, inner);
        else
            buf_puts(out, s);
        free(s);
        break;
    }
    }
    free(d.s);
}

void param_decl(Ctx *c, Buf *b, CXType t, const char *name)
{
    /* 6.7.6.3p7: an array parameter is a pointer to its element. */
    CXType k = clang_getCanonicalType(t);
    if (k.kind == CXType_ConstantArray || k.kind == CXType_IncompleteArray ||
        k.kind == CXType_VariableArray) {
        CXType el = clang_getArrayElementType(t.kind == k.kind ? t : k);
        CXType ek = clang_getCanonicalType(el);
        bool wrap = ek.kind == CXType_ConstantArray || ek.kind == CXType_IncompleteArray;
        char *inner = xasprintf(wrap ? "(*%s)" : "*%s", name ? name : "");
        type_decl(c, b, el, inner, false);
        free(inner);
        return;
    }
    type_decl(c, b, t, name, false);
}

void type_decl(Ctx *c, Buf *b, CXType t, const char *name, bool drop_const)
{
    char *inner = xstrdup(name ? name : "");
    Buf tmp = {0};
    decl(c, &tmp, t, inner, drop_const);
    /* "int *" not "int * ": an abstract pointer declarator ends bare. */
    if (tmp.len && tmp.s[tmp.len - 1] == ' ')
        tmp.s[--tmp.len] = '\0';
    buf_puts(b, tmp.s ? tmp.s : "");
    free(tmp.s);
    free(inner);
}

int type_spellable(CXType t, const char **why)
{
    for (;;) {
        switch (t.kind) {
        case CXType_Pointer:
            t = clang_getPointeeType(t);
            continue;
        case CXType_ConstantArray:
        case CXType_IncompleteArray:
            t = clang_getArrayElementType(t);
            continue;
        case CXType_VariableArray:
            *why = "a variable-length array";
            return 0;
        default:
            break;
        }
        break;
    }
    CXCursor d = clang_getTypeDeclaration(t);
    if (!clang_Cursor_isNull(d) && d.kind != CXCursor_NoDeclFound) {
        CXCursor p = clang_getCursorSemanticParent(d);
        if (p.kind == CXCursor_FunctionDecl)
            return -1;
    }
    char *s = spelling(t);
    bool ok = strstr(s, "(unnamed") == NULL && strstr(s, "(anonymous") == NULL;
    free(s);
    if (!ok) {
        *why = "an unnamed type declared outside the function";
        return 0;
    }
    return 1;
}
