# A large C file without annotations (tens of thousands of lines, including
# <async.h> so that it is parsed) comes through byte for byte.
file(MAKE_DIRECTORY "${WORK}")
set(f "${WORK}/large.c")
set(body "#include <async.h>\n#include <stdio.h>\n/* generated for the identity test */\n")
foreach(i RANGE 0 3999)
  string(APPEND body
    "static int f${i}(int x, const char *s)\n{\n    int y = x * ${i};\n"
    "    if (y > 10 && s != NULL) /* a comment */\n        y -= (int)sizeof(s);\n"
    "    for (int k = 0; k < 3; k++)\n        y += k;\n    return y;\n}\n\n")
endforeach()
string(APPEND body "int main(void)\n{\n    return f1(2, \"x\") == 0;\n}\n")
file(WRITE "${f}" "${body}")
execute_process(COMMAND "${ASYNCC}" "${f}" -o "${WORK}/large.out.c" -- -I${RUNTIME_INC}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "asyncc failed (${rc}): ${err}")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${f}" "${WORK}/large.out.c" RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  message(FATAL_ERROR "the large file did not come through byte for byte")
endif()
