# Runs scripts/install-deps as an unprivileged user with one package that
# cannot be installed: it must fail and print the one apt-get command.  The
# script's text is passed to `sh -c`, so the checkout need not be readable by
# that user.
file(READ "${SCRIPT}" text)
execute_process(
  COMMAND "${SETPRIV}" --reuid=65534 --regid=65534 --clear-groups
          env ASYNCC_EXTRA_PACKAGES=asyncc-no-such-package sh -c "${text}"
  WORKING_DIRECTORY /
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(rc EQUAL 0)
  message(FATAL_ERROR "install-deps succeeded with a package missing")
endif()
if(NOT err MATCHES "apt-get install -y[^\n]* asyncc-no-such-package")
  message(FATAL_ERROR "install-deps did not print the apt-get command:\n${err}")
endif()
