# The functions that run asyncc as a build step.  One file serves both an
# in-tree build (the asyncc project itself, or a project that vendors it with
# add_subdirectory) and an installed one (find_package(Asyncc)): all it needs
# are the targets Asyncc::asyncc (the translator) and Asyncc::runtime
# (libasyncc), real in the first case and imported in the second.
#
#   asyncc_target_sources(TARGET [PRIVATE|PUBLIC|INTERFACE] FILES...)
#   asyncc_add_executable(NAME FILES...)
#   asyncc_add_library(NAME [STATIC|SHARED|MODULE|OBJECT] FILES...)
#
# Each annotated FILE gets one custom command.  NAME.async.c becomes NAME.c
# under the current binary directory, at the same path relative to it as FILE
# has to the current source directory (a file outside it goes under `__/`,
# as CMake names object files).  The command
#   - depends on the file and on the translator, so a rebuilt asyncc
#     re-translates everything;
#   - names a depfile that asyncc writes (--depfile), so a header the file
#     includes re-translates it and any other header does not;
#   - hands the target's include directories, compile definitions and C
#     standard to libclang through generator expressions, which are read when
#     the build system is generated: ones added after the call count too.
# The generated file is compiled with the annotated file's directory as a
# quote-include directory, so `#include "local.h"` finds what it found
# before, and the target links Asyncc::runtime.
#
# Every file passed here is translated.  Annotated files end in .async.c by
# convention; any other name NAME.EXT comes out as NAME.asyncc.c.  Plain C
# sources belong in target_sources() as usual.
include_guard(GLOBAL)

if(CMAKE_VERSION VERSION_LESS 3.20)
  message(FATAL_ERROR "asyncc's CMake functions need CMake 3.20 or newer (DEPFILE "
          "for the Makefile generators); this is ${CMAKE_VERSION}.")
endif()

# Functions record the policies in force where they are defined, so these
# hold whatever the calling project's cmake_minimum_required() says.
# CMP0116 (3.20) makes the Ninja generators read our depfile the way the
# Makefile generators do.
cmake_policy(PUSH)
cmake_policy(VERSION 3.20...3.28)

# A regular expression that matches the compiler's own include directories
# (/usr/include and the like).  CMake leaves these out of a compile line; we
# leave them out of libclang's, where an explicit -I/usr/include would be
# searched before clang's own headers and break their #include_next.
function(_asyncc_implicit_include_regex out_var)
  set(alts "")
  foreach(dir IN LISTS CMAKE_C_IMPLICIT_INCLUDE_DIRECTORIES ITEMS /usr/include)
    string(REGEX REPLACE "([][+.*()^$?|\\\\])" "\\\\\\1" dir "${dir}")
    list(APPEND alts "${dir}")
  endforeach()
  list(REMOVE_DUPLICATES alts)
  list(JOIN alts "|" joined)
  set(${out_var} "^(${joined})/?$" PARENT_SCOPE)
endfunction()

# Where the translation of SRC goes, and the path that the build's comment
# shows for it.  A second target in the same directory that translates the
# same file (a static and a shared build of one library, say) gets its own
# copy under asyncc-TARGET/, because its flags may differ.
function(_asyncc_output_for target src out_var rel_var)
  get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  file(RELATIVE_PATH rel "${CMAKE_CURRENT_SOURCE_DIR}" "${abs}")
  set(out_rel "${rel}")
  # Outside the current source directory: ../x becomes __/x.
  string(REGEX REPLACE "(^|/)\\.\\.(/|$)" "\\1__\\2" out_rel "${out_rel}")
  string(REGEX REPLACE "(^|/)\\.\\.(/|$)" "\\1__\\2" out_rel "${out_rel}")
  if(out_rel MATCHES "\\.async\\.c$")
    string(REGEX REPLACE "\\.async\\.c$" ".c" out_rel "${out_rel}")
  else()
    string(REGEX REPLACE "\\.[^./]*$" "" out_rel "${out_rel}")
    string(APPEND out_rel ".asyncc.c")
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/${out_rel}")
  get_property(claimed DIRECTORY PROPERTY _ASYNCC_OUTPUTS)
  if(out IN_LIST claimed)
    set(out "${CMAKE_CURRENT_BINARY_DIR}/asyncc-${target}/${out_rel}")
  endif()
  if(out STREQUAL abs)
    message(FATAL_ERROR "asyncc: the translation of ${src} would overwrite a "
            "source file (${out}); build out of the source tree.")
  endif()
  set_property(DIRECTORY APPEND PROPERTY _ASYNCC_OUTPUTS "${out}")
  set(${out_var} "${out}" PARENT_SCOPE)
  set(${rel_var} "${rel}" PARENT_SCOPE)
endfunction()

function(asyncc_target_sources target)
  if(NOT TARGET "${target}")
    message(FATAL_ERROR "asyncc_target_sources: no target named '${target}'")
  endif()
  get_target_property(aliased "${target}" ALIASED_TARGET)
  get_target_property(imported "${target}" IMPORTED)
  if(aliased OR imported)
    message(FATAL_ERROR "asyncc_target_sources: '${target}' is an alias or "
            "imported target; name the real one")
  endif()
  # A custom command's output only gets a rule in targets of the directory
  # that declares it, so the call belongs beside the target.
  get_target_property(target_dir "${target}" SOURCE_DIR)
  if(NOT target_dir STREQUAL CMAKE_CURRENT_SOURCE_DIR)
    message(FATAL_ERROR "asyncc_target_sources: call it in the directory that "
            "creates '${target}' (${target_dir}), not in ${CMAKE_CURRENT_SOURCE_DIR}")
  endif()
  if(NOT TARGET Asyncc::asyncc OR NOT TARGET Asyncc::runtime)
    message(FATAL_ERROR "asyncc_target_sources: the targets Asyncc::asyncc and "
            "Asyncc::runtime are missing: find_package(Asyncc) or "
            "add_subdirectory() the asyncc source tree first")
  endif()

  set(scope PRIVATE)
  set(files ${ARGN})
  list(LENGTH files n)
  if(n GREATER 0)
    list(GET files 0 first)
    if(first MATCHES "^(PRIVATE|PUBLIC|INTERFACE)$")
      set(scope "${first}")
      list(REMOVE_AT files 0)
    endif()
  endif()
  if(NOT files)
    message(FATAL_ERROR "asyncc_target_sources(${target}): no files")
  endif()

  # The flags libclang sees: the target's own (with INTERFACE scope, what the
  # target gives its users), read at generate time.  For INCLUDE_DIRECTORIES
  # and COMPILE_DEFINITIONS, $<TARGET_PROPERTY> also gathers what the
  # target's link libraries give it, Asyncc::runtime's include directory
  # with <async.h> among them.
  if(scope STREQUAL "INTERFACE")
    set(prefix "INTERFACE_")
  else()
    set(prefix "")
  endif()
  _asyncc_implicit_include_regex(implicit)
  set(incs "$<FILTER:$<TARGET_PROPERTY:${target},${prefix}INCLUDE_DIRECTORIES>,EXCLUDE,${implicit}>")
  set(defs "$<TARGET_PROPERTY:${target},${prefix}COMPILE_DEFINITIONS>")
  set(std  "$<TARGET_PROPERTY:${target},C_STANDARD>")
  set(ext  "$<TARGET_PROPERTY:${target},C_EXTENSIONS>")
  # CMake's default for an unset C_EXTENSIONS is on: gnu11 rather than c11.
  set(dialect "$<IF:$<OR:$<STREQUAL:${ext},>,$<BOOL:${ext}>>,gnu,c>")
  set(stdver "$<IF:$<STREQUAL:${std},23>,2x,${std}>")
  set(clang_args
      "$<$<BOOL:${incs}>:-I$<JOIN:${incs},$<SEMICOLON>-I>>"
      "$<$<BOOL:${defs}>:-D$<JOIN:${defs},$<SEMICOLON>-D>>"
      "$<$<BOOL:${std}>:-std=${dialect}${stdver}>")

  # The translator as a file (for DEPENDS) and, where it is built here, as a
  # target too, so that the build orders the two.
  get_target_property(tool Asyncc::asyncc ALIASED_TARGET)
  if(NOT tool)
    set(tool Asyncc::asyncc)
  endif()
  get_target_property(tool_imported "${tool}" IMPORTED)
  if(tool_imported)
    set(tool_deps "$<TARGET_FILE:${tool}>")
  else()
    set(tool_deps "${tool}")
  endif()

  foreach(src IN LISTS files)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_source_file_property(generated "${abs}" GENERATED)
    if(NOT EXISTS "${abs}" AND NOT generated)
      message(FATAL_ERROR "asyncc_target_sources(${target}): no such file: ${abs}")
    endif()
    get_filename_component(srcdir "${abs}" DIRECTORY)
    _asyncc_output_for("${target}" "${src}" out rel)
    get_filename_component(outdir "${out}" DIRECTORY)
    file(MAKE_DIRECTORY "${outdir}")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND "$<TARGET_FILE:${tool}>" "${abs}" -o "${out}" --depfile "${out}.d"
              -- ${clang_args}
      DEPENDS "${abs}" ${tool_deps}
      DEPFILE "${out}.d"
      COMMENT "asyncc: translating ${rel}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    target_sources("${target}" ${scope} "${out}")
    # The generated file lives in the build tree; #include "local.h" must
    # still find what it found beside the annotated source.
    set_property(SOURCE "${out}" APPEND PROPERTY COMPILE_OPTIONS "-iquote" "${srcdir}")
  endforeach()

  if(scope STREQUAL "INTERFACE")
    target_link_libraries("${target}" INTERFACE Asyncc::runtime)
  else()
    # PUBLIC: the users of a library built from async sources call into the
    # runtime through its headers, and link it.
    target_link_libraries("${target}" PUBLIC Asyncc::runtime)
  endif()
endfunction()

function(asyncc_add_executable name)
  add_executable("${name}")
  asyncc_target_sources("${name}" PRIVATE ${ARGN})
endfunction()

function(asyncc_add_library name)
  set(kind "")
  set(files ${ARGN})
  list(LENGTH files n)
  if(n GREATER 0)
    list(GET files 0 first)
    if(first MATCHES "^(STATIC|SHARED|MODULE|OBJECT)$")
      set(kind "${first}")
      list(REMOVE_AT files 0)
    endif()
  endif()
  add_library("${name}" ${kind})
  asyncc_target_sources("${name}" PRIVATE ${files})
endfunction()

cmake_policy(POP)
