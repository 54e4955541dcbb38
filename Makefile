# A thin front end to CMake, so that two commands do everything:
#
#   make lessons   build and run the five lessons
#   make test      build and run the whole test suite (ctest)
#   make bench     run the benchmark suite (a few minutes)
#
# Both install missing Debian/Ubuntu packages first when run as root, and
# otherwise print the one apt-get command to run.  Variables:
#   BUILD=dir            build directory (default: build)
#   SANITIZE=list        e.g. address,undefined
#   COMPILER=cc          the C compiler (default: the system cc, gcc)
BUILD    ?= build
SANITIZE ?=
JOBS     ?= 2
COMPILER ?=
WERROR   := $(if $(CI),ON,OFF)

.PHONY: all deps configure build test lessons bench clean

all: build

deps:
	@sh scripts/install-deps

configure: deps
	@cmake -S . -B $(BUILD) -G Ninja -DASYNCC_WERROR=$(WERROR) \
	    -DASYNCC_SANITIZE=$(SANITIZE) $(if $(COMPILER),-DCMAKE_C_COMPILER=$(COMPILER))

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

test: build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

lessons: build
	@sh scripts/run-lessons $(BUILD)

# The benchmark suite against C++20 coroutines, asyncio, libuv and Go
# (bench/README.md); it writes bench/RESULTS.md.
bench: deps
	@python3 bench/run

clean:
	rm -rf $(BUILD)
