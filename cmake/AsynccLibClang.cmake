# Finds libclang (14 or newer) without Clang's own CMake package, which would
# need eight more Debian packages.  Defines the imported target
# Asyncc::libclang.
#
# Where to look, first match wins:
#   1. ASYNCC_LIBCLANG_ROOT (a directory with include/clang-c and lib/), a
#      cache variable;
#   2. `llvm-config --prefix`, where llvm-config is on PATH, or is named by
#      ASYNCC_LLVM_CONFIG;
#   3. the newest /usr/lib/llvm-N (Debian and Ubuntu), N >= 14.
# Where none is found, configuring stops and names the package to install.

set(ASYNCC_LIBCLANG_ROOT "" CACHE PATH "Prefix of the libclang to use (has include/clang-c)")
set(ASYNCC_LLVM_CONFIG "" CACHE FILEPATH "llvm-config whose libclang to use")
set(_asyncc_libclang_min 14)

set(_asyncc_roots "")
if(ASYNCC_LIBCLANG_ROOT)
  list(APPEND _asyncc_roots "${ASYNCC_LIBCLANG_ROOT}")
else()
  if(NOT ASYNCC_LLVM_CONFIG)
    find_program(_asyncc_llvm_config NAMES llvm-config)
    if(_asyncc_llvm_config)
      set(ASYNCC_LLVM_CONFIG "${_asyncc_llvm_config}")
    endif()
  endif()
  if(ASYNCC_LLVM_CONFIG)
    execute_process(COMMAND "${ASYNCC_LLVM_CONFIG}" --prefix
                    OUTPUT_VARIABLE _asyncc_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE _asyncc_rc ERROR_QUIET)
    if(_asyncc_rc EQUAL 0 AND _asyncc_prefix)
      list(APPEND _asyncc_roots "${_asyncc_prefix}")
    endif()
  endif()
  # Debian and Ubuntu: /usr/lib/llvm-N, newest first.
  file(GLOB _asyncc_llvm_dirs LIST_DIRECTORIES true /usr/lib/llvm-*)
  set(_asyncc_versions "")
  foreach(_dir IN LISTS _asyncc_llvm_dirs)
    if(_dir MATCHES "/llvm-([0-9]+)$")
      list(APPEND _asyncc_versions "${CMAKE_MATCH_1}")
    endif()
  endforeach()
  list(SORT _asyncc_versions COMPARE NATURAL ORDER DESCENDING)
  foreach(_v IN LISTS _asyncc_versions)
    if(NOT _v LESS _asyncc_libclang_min)
      list(APPEND _asyncc_roots "/usr/lib/llvm-${_v}")
    endif()
  endforeach()
  list(APPEND _asyncc_roots /usr/local /usr)
endif()

set(_asyncc_found_inc "")
set(_asyncc_found_lib "")
foreach(_root IN LISTS _asyncc_roots)
  if(EXISTS "${_root}/include/clang-c/Index.h")
    find_library(_asyncc_libclang_lib_${_asyncc_found_inc}
                 NAMES clang libclang
                 PATHS "${_root}/lib" NO_DEFAULT_PATH)
    set(_lib "${_asyncc_libclang_lib_${_asyncc_found_inc}}")
    if(_lib)
      set(_asyncc_found_inc "${_root}/include")
      set(_asyncc_found_lib "${_lib}")
      break()
    endif()
  endif()
endforeach()

if(NOT _asyncc_found_lib)
  message(FATAL_ERROR
    "asyncc needs libclang ${_asyncc_libclang_min} or newer, and none was found.\n"
    "On Debian or Ubuntu:  apt-get install libclang-dev\n"
    "Elsewhere, set ASYNCC_LIBCLANG_ROOT to a prefix with include/clang-c/Index.h.")
endif()

# The version, from the header: CINDEX_VERSION_MINOR 62 is libclang 14.
file(STRINGS "${_asyncc_found_inc}/clang-c/Index.h" _asyncc_cindex
     REGEX "#define CINDEX_VERSION_MINOR [0-9]+")
string(REGEX MATCH "[0-9]+" _asyncc_cindex_minor "${_asyncc_cindex}")
if(_asyncc_cindex_minor LESS 62)
  message(FATAL_ERROR
    "libclang at ${_asyncc_found_inc} is older than 14 (CINDEX_VERSION_MINOR "
    "${_asyncc_cindex_minor}). On Debian or Ubuntu: apt-get install libclang-dev")
endif()

message(STATUS "asyncc: libclang ${_asyncc_found_lib} (CINDEX 0.${_asyncc_cindex_minor})")
add_library(Asyncc::libclang UNKNOWN IMPORTED)
set_target_properties(Asyncc::libclang PROPERTIES
  IMPORTED_LOCATION "${_asyncc_found_lib}"
  INTERFACE_INCLUDE_DIRECTORIES "${_asyncc_found_inc}")
