# The command line of asyncc-trace-svg: exit status 0 for a picture, 1 for
# input that is not a drawable trace, 2 for usage and I/O errors, each with
# a message that names the problem; the output file is written whole or not
# at all.
#   cmake -DTOOL=... -DDATA=dir -DOUT=dir -P cli.cmake
file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")

set(failures 0)
function(check name want_rc want_err)
  execute_process(COMMAND "${TOOL}" ${ARGN}
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err
    INPUT_FILE "${DATA}/lesson.json")
  set(ok TRUE)
  if(NOT rc STREQUAL "${want_rc}")
    set(ok FALSE)
  endif()
  if(want_err AND NOT err MATCHES "${want_err}")
    set(ok FALSE)
  endif()
  if(NOT want_err AND NOT err STREQUAL "")
    set(ok FALSE)
  endif()
  if(ok)
    message(STATUS "ok: ${name}")
  else()
    message(SEND_ERROR "FAILED: ${name}: exit ${rc} (want ${want_rc})\n"
      "stderr: ${err}\nwanted stderr matching: ${want_err}")
  endif()
  set(last_out "${out}" PARENT_SCOPE)
endfunction()

check("--help" 0 "" --help)
if(NOT last_out MATCHES "^usage: asyncc-trace-svg")
  message(SEND_ERROR "FAILED: --help prints the usage")
endif()
check("--version" 0 "" --version)
if(NOT last_out MATCHES "^asyncc-trace-svg [0-9]+\\.[0-9]+\\.[0-9]+\n$")
  message(SEND_ERROR "FAILED: --version prints the version: ${last_out}")
endif()
check("no arguments" 2 "no trace file given")
check("unknown option" 2 "unknown option '--colour'" --colour "${DATA}/lesson.json")
check("two traces" 2 "one too many" "${DATA}/lesson.json" "${DATA}/lesson.json")
check("-o without a value" 2 "option '-o' needs a value" "${DATA}/lesson.json" -o)
check("bad width" 2 "--width wants a number" --width 12 "${DATA}/lesson.json")
check("missing file" 2 "cannot open '${DATA}/missing.json': No such file" "${DATA}/missing.json")
check("a directory" 2 "cannot read" "${DATA}")

# Bad input: exit 1, the place of the problem, and OUT left as it was.
file(WRITE "${OUT}/keep.svg" "keep")
check("invalid JSON" 1 "bad.json:4:1: a trailing comma before '\\]' \\(invalid JSON\\)"
      "${DATA}/bad.json" -o "${OUT}/keep.svg")
file(READ "${OUT}/keep.svg" kept)
if(NOT kept STREQUAL "keep")
  message(SEND_ERROR "FAILED: bad input replaced the output file")
endif()
check("not a trace" 1 "not_trace.json: not a trace: no 'traceEvents' member" "${DATA}/not_trace.json")
check("no events" 1 "empty.json: no spans to draw" "${DATA}/empty.json")

# Good input, to a file, to stdout, and from stdin.
check("to a file" 0 "" "${DATA}/lesson.json" -o "${OUT}/lesson.svg" --title "A & B")
file(READ "${OUT}/lesson.svg" svg)
if(NOT svg MATCHES "^<\\?xml" OR NOT svg MATCHES "</svg>\n$" OR NOT svg MATCHES ">A &amp; B<")
  message(SEND_ERROR "FAILED: the SVG file is whole and has its title")
endif()
file(GLOB leftovers "${OUT}/*.tmp*")
if(leftovers)
  message(SEND_ERROR "FAILED: temporary files left behind: ${leftovers}")
endif()
check("to stdout" 0 "" "${DATA}/lesson.json")
if(NOT last_out STREQUAL svg AND NOT last_out MATCHES "^<\\?xml.*</svg>\n$")
  message(SEND_ERROR "FAILED: the SVG on stdout")
endif()
check("from stdin" 0 "" - --width 400)
if(NOT last_out MATCHES "width=\"400\"")
  message(SEND_ERROR "FAILED: from stdin, 400 pixels wide")
endif()
check("unwritable output" 2 "cannot write '${OUT}/no/such/dir/x.svg'"
      "${DATA}/lesson.json" -o "${OUT}/no/such/dir/x.svg")
