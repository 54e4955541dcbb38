# The functions that run asyncc as a build step.  One file serves both an
# in-tree build (add_subdirectory) and an installed one (find_package): both
# define the targets Asyncc::asyncc (the translator) and Asyncc::runtime.
#
#   asyncc_target_sources(TARGET [PRIVATE|PUBLIC|INTERFACE] FILES...)
#   asyncc_add_executable(NAME FILES...)
#   asyncc_add_library(NAME [STATIC|SHARED|MODULE] FILES...)
#
# Each annotated FILE (NAME.async.c) gets one custom command that writes
# NAME.c under the build tree, mirroring the source path.  The command takes
# the target's include directories, compile definitions and C standard
# through generator expressions, so ones added after the call still count.
include_guard(GLOBAL)

function(_asyncc_output_for src out_var rel_var)
  get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  file(RELATIVE_PATH rel "${CMAKE_CURRENT_SOURCE_DIR}" "${abs}")
  if(rel MATCHES "^\\.\\./")
    # Outside the current source dir: keep the file name only.
    get_filename_component(rel "${abs}" NAME)
  endif()
  if(rel MATCHES "\\.async\\.c$")
    string(REGEX REPLACE "\\.async\\.c$" ".c" out_rel "${rel}")
  else()
    string(REGEX REPLACE "\\.c$" "" out_rel "${rel}")
    set(out_rel "${out_rel}.asyncc.c")
  endif()
  set(${out_var} "${CMAKE_CURRENT_BINARY_DIR}/${out_rel}" PARENT_SCOPE)
  set(${rel_var} "${rel}" PARENT_SCOPE)
endfunction()

function(asyncc_target_sources target)
  set(scope PRIVATE)
  set(files ${ARGN})
  list(GET files 0 first)
  if(first MATCHES "^(PRIVATE|PUBLIC|INTERFACE)$")
    set(scope "${first}")
    list(REMOVE_AT files 0)
  endif()
  if(NOT TARGET Asyncc::asyncc)
    message(FATAL_ERROR "asyncc_target_sources: the translator target Asyncc::asyncc is missing")
  endif()
  set(incs "$<TARGET_PROPERTY:${target},INCLUDE_DIRECTORIES>")
  set(defs "$<TARGET_PROPERTY:${target},COMPILE_DEFINITIONS>")
  set(std  "$<TARGET_PROPERTY:${target},C_STANDARD>")
  foreach(src IN LISTS files)
    get_filename_component(abs "${src}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    get_filename_component(srcdir "${abs}" DIRECTORY)
    _asyncc_output_for("${src}" out rel)
    get_filename_component(outdir "${out}" DIRECTORY)
    file(MAKE_DIRECTORY "${outdir}")
    add_custom_command(
      OUTPUT "${out}"
      COMMAND Asyncc::asyncc "${abs}" -o "${out}" --depfile "${out}.d" --
              "$<$<BOOL:${incs}>:-I$<JOIN:${incs},;-I>>"
              "$<$<BOOL:${defs}>:-D$<JOIN:${defs},;-D>>"
              "$<$<BOOL:${std}>:-std=c${std}>"
      DEPENDS "${abs}" Asyncc::asyncc
      DEPFILE "${out}.d"
      COMMENT "asyncc: translating ${rel}"
      COMMAND_EXPAND_LISTS
      VERBATIM)
    target_sources(${target} ${scope} "${out}")
    # The generated file lives in the build tree; #include "local.h" must
    # still find what it found beside the annotated source.
    set_property(SOURCE "${out}" APPEND PROPERTY COMPILE_OPTIONS "-iquote" "${srcdir}")
  endforeach()
  if(scope STREQUAL "INTERFACE")
    target_link_libraries(${target} INTERFACE Asyncc::runtime)
  else()
    target_link_libraries(${target} PUBLIC Asyncc::runtime)
  endif()
endfunction()

function(asyncc_add_executable name)
  add_executable(${name})
  asyncc_target_sources(${name} PRIVATE ${ARGN})
endfunction()

function(asyncc_add_library name)
  set(kind "")
  set(files ${ARGN})
  list(GET files 0 first)
  if(first MATCHES "^(STATIC|SHARED|MODULE|OBJECT)$")
    set(kind "${first}")
    list(REMOVE_AT files 0)
  endif()
  add_library(${name} ${kind})
  asyncc_target_sources(${name} PRIVATE ${files})
endfunction()
