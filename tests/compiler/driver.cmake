# Runs one translator test in CMake script mode:
#
#   cmake -DMODE=run|golden|diag|identity|untranslated|diff -DASYNCC=... -DINPUT=...
#         [-DEXPECTED=...] [-DWORK=dir] [-DCOMPILERS=gcc;clang] [-DRUNTIME_LIB=...]
#         [-DRUNTIME_INC=...] [-DPYTHON=...] [-DPYSCRIPT=...] [-DEXTRA_CFLAGS=...]
#         -P driver.cmake
#
#  run           translate, compile with every compiler at -std=c11 -Wall
#                -Wextra -pedantic -Werror, link with libasyncc, run, and
#                compare stdout with EXPECTED
#  golden        translate (from INPUT's directory, by relative name),
#                compare the output with EXPECTED byte for byte, and compile
#                it (-c) with every compiler at -Werror
#  warn          translation succeeds; stderr (warnings) equals EXPECTED
#  diag          translation fails with exit status 1, stderr equals
#                EXPECTED, and no output is written
#  identity      the output equals INPUT byte for byte
#  untranslated  compiling INPUT directly fails and says to use asyncc
#  diff          like run, and the output equals that of the asyncio twin
cmake_minimum_required(VERSION 3.20)

function(fail)
  string(JOIN "" msg ${ARGN})
  message(FATAL_ERROR "${msg}")
endfunction()

get_filename_component(name "${INPUT}" NAME)
string(REGEX REPLACE "\\.async\\.c$|\\.c$" "" stem "${name}")
file(MAKE_DIRECTORY "${WORK}")
set(out "${WORK}/${stem}.out.c")
file(REMOVE "${out}")

if(MODE STREQUAL "untranslated")
  list(GET COMPILERS 0 cc)
  execute_process(COMMAND ${cc} -std=c11 -c "${INPUT}" -I "${RUNTIME_INC}" -o "${WORK}/${stem}.o"
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE err2)
  if(rc EQUAL 0)
    fail("${INPUT} compiled without translation")
  endif()
  if(NOT err MATCHES "translate it with asyncc")
    fail("no 'translate it with asyncc' message:\n${err}")
  endif()
  return()
endif()

get_filename_component(indir "${INPUT}" DIRECTORY)
execute_process(COMMAND "${ASYNCC}" "${name}" -o "${out}" ${ARGS}
                WORKING_DIRECTORY "${indir}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE sout ERROR_VARIABLE serr)

if(MODE STREQUAL "diag")
  if(NOT rc EQUAL 1)
    fail("expected exit status 1, got ${rc}\n${serr}")
  endif()
  if(EXISTS "${out}")
    fail("an output was written despite errors")
  endif()
  file(READ "${EXPECTED}" want)
  if(NOT serr STREQUAL want)
    file(WRITE "${WORK}/${stem}.stderr" "${serr}")
    fail("diagnostics differ from ${EXPECTED}:\n--- got\n${serr}--- want\n${want}")
  endif()
  return()
endif()

if(NOT rc EQUAL 0)
  fail("asyncc failed (${rc}):\n${serr}")
endif()

if(MODE STREQUAL "warn")
  file(READ "${EXPECTED}" want)
  if(NOT serr STREQUAL want)
    fail("warnings differ from ${EXPECTED}:\n--- got\n${serr}--- want\n${want}")
  endif()
  if(NOT EXISTS "${out}")
    fail("warnings stopped the output")
  endif()
  return()
endif()

if(MODE STREQUAL "identity")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${INPUT}" "${out}" RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    fail("${INPUT} did not come through byte for byte")
  endif()
  return()
endif()

if(MODE STREQUAL "golden")
  # The output's own #line names it by the path it was written to, which
  # lies in the build tree: compare it under the name NAME.c instead.
  file(READ "${out}" text)
  string(REPLACE "\"${out}\"" "\"${stem}.c\"" text "${text}")
  file(WRITE "${out}.golden" "${text}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files "${EXPECTED}" "${out}.golden" RESULT_VARIABLE same)
  if(NOT same EQUAL 0)
    execute_process(COMMAND diff -u "${EXPECTED}" "${out}.golden" OUTPUT_VARIABLE d)
    fail("output differs from ${EXPECTED}:\n${d}")
  endif()
  # and it compiles without a warning
  foreach(cc IN LISTS COMPILERS)
    execute_process(COMMAND ${cc} -std=c11 -Wall -Wextra -pedantic -Werror -c "${out}"
                            -iquote "${indir}" -I "${RUNTIME_INC}" -o "${WORK}/${stem}.o"
                    RESULT_VARIABLE rc ERROR_VARIABLE err)
    if(NOT rc EQUAL 0)
      fail("${cc} failed on ${out}:\n${err}")
    endif()
  endforeach()
  return()
endif()

# run / diff: a file in lib/ named STEM_lib.async.c is a second translation
# unit (separate compilation).
set(extra_c "")
set(extra "${indir}/lib/${stem}_lib.async.c")
if(EXISTS "${extra}")
  set(extra_c "${WORK}/${stem}_lib.out.c")
  execute_process(COMMAND "${ASYNCC}" "${extra}" -o "${extra_c}" ${ARGS}
                  RESULT_VARIABLE rc ERROR_VARIABLE serr)
  if(NOT rc EQUAL 0)
    fail("asyncc failed on ${extra} (${rc}):\n${serr}")
  endif()
endif()
# A shared libasyncc is found where it was built.
get_filename_component(runtime_dir "${RUNTIME_LIB}" DIRECTORY)
foreach(cc IN LISTS COMPILERS)
  get_filename_component(ccname "${cc}" NAME)
  set(exe "${WORK}/${stem}.${ccname}")
  execute_process(COMMAND ${cc} -std=c11 -Wall -Wextra -pedantic -Werror -g ${EXTRA_CFLAGS}
                          -iquote "${indir}" -iquote "${indir}/lib" -I "${RUNTIME_INC}" "${out}" ${extra_c} "${RUNTIME_LIB}"
                          "-Wl,-rpath,${runtime_dir}" -lm -pthread -o "${exe}"
                  RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_VARIABLE err2)
  if(NOT rc EQUAL 0)
    fail("${ccname} failed on the generated code:\n${err}${err2}")
  endif()
  execute_process(COMMAND "${exe}" RESULT_VARIABLE rc OUTPUT_VARIABLE got ERROR_VARIABLE err
                  TIMEOUT 60)
  if(NOT rc EQUAL 0)
    fail("${ccname} build exited with ${rc}:\n${got}${err}")
  endif()
  if(MODE STREQUAL "run")
    file(READ "${EXPECTED}" want)
  else()
    if(NOT PYTHON)
      message(STATUS "python3 missing: differential part skipped")
      return()
    endif()
    execute_process(COMMAND "${PYTHON}" "${PYSCRIPT}" RESULT_VARIABLE prc OUTPUT_VARIABLE want
                    ERROR_VARIABLE perr TIMEOUT 120)
    if(NOT prc EQUAL 0)
      fail("the asyncio twin failed:\n${perr}")
    endif()
  endif()
  if(NOT got STREQUAL want)
    file(WRITE "${WORK}/${stem}.${ccname}.stdout" "${got}")
    fail("${ccname} build printed something else than expected:\n--- got\n${got}--- want\n${want}")
  endif()
endforeach()
