#!/bin/sh
# The translator's speed against clang's own parse (DESIGN.md section 4:
# at most 1.5 times `clang -fsyntax-only`).  Not a test: it prints, for
# three generated files, the median over eleven alternating pairs of the CPU
# time (user + system) of asyncc divided by that of clang -fsyntax-only.
#
#   tests/compiler/translate_ratio.sh ASYNCC [RUNTIME_INCLUDE_DIR]
#
#   plain   40,000 lines of ordinary C that includes <async.h> (parsed,
#           nothing rewritten)
#   mixed   about 54,000 lines, one function in ten async
#   async   about 54,000 lines, half of the 6,000 functions async, each with
#           two awaits (one under &&)
set -eu
asyncc=${1:?usage: translate_ratio.sh ASYNCC [RUNTIME_INCLUDE_DIR]}
inc=${2:-$(dirname "$0")/../../runtime/include}
clang=${CLANG:-clang}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

gen() { # gen FILE N EVERY: N plain functions, an async one every EVERY
    awk -v n="$2" -v every="$3" 'BEGIN {
        print "#include <stdio.h>\n#include <string.h>\n#include <async.h>\n";
        for (i = 0; i < n; i++) {
            printf "static int f%d(int x, const char *s)\n{\n    int y = x * %d;\n", i, i;
            print "    if (y > 10 && s != NULL)\n        y -= (int)strlen(s);";
            print "    for (int k = 0; k < 3; k++)\n        y += k;\n    return y;\n}\n";
            if (every && i % every == 0) {
                printf "static async int g%d(int x)\n{\n", i;
                printf "    int a = f%d(x, \"s\") + await(g0(1));\n", i;
                printf "    if (a > 3 && await(g%d(a)) > 0)\n", (i > 0 ? i - every : 0);
                print "        printf(\"%d\\n\", a);\n    return a;\n}\n";
            }
        }
    }' > "$1"
}
gen "$dir/plain.c" 4000 0
gen "$dir/mixed.async.c" 5000 10
gen "$dir/async.async.c" 3000 1

cpu() { # cpu COMMAND...: user + system seconds
    /usr/bin/time -f "%U %S" "$@" 2>&1 >/dev/null | tail -1 | awk '{ print $1 + $2 }'
}
for f in plain.c mixed.async.c async.async.c; do
    ratios=""
    for i in 1 2 3 4 5 6 7 8 9 10 11; do
        a=$(cpu "$asyncc" "$dir/$f" -o "$dir/out.c" -- -I"$inc")
        b=$(cpu "$clang" -fsyntax-only -I"$inc" "$dir/$f")
        ratios="$ratios $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
    done
    median=$(echo $ratios | tr ' ' '\n' | sort -n | sed -n 6p)
    printf '%-14s %6d lines  asyncc/clang median %s  (%s)\n' "$f" "$(wc -l < "$dir/$f")" "$median" "$ratios"
done
