# Install rules (bin/asyncc, include/async.h, lib/libasyncc.a, the CMake
# package and asyncc.pc).  Filled in by the build-integration work.
include_guard(GLOBAL)
