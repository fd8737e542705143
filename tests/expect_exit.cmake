# Runs COMMAND (a ;-list) and fails unless it exits with EXPECTED; with OUTPUT_MATCH, also unless
# standard error or output matches that regular expression. Used for exit-status tests.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL "${EXPECTED}")
  message(FATAL_ERROR "expected exit status ${EXPECTED}, got ${status}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED OUTPUT_MATCH AND NOT "${out}${err}" MATCHES "${OUTPUT_MATCH}")
  message(FATAL_ERROR "output does not match '${OUTPUT_MATCH}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
