# Runs COMMAND (a ;-list) and fails unless it exits with EXPECTED; with OUTPUT_MATCH, also unless
# standard error or output matches that regular expression; with ERROR_MATCH, unless standard error
# alone matches it; with STDOUT_EMPTY, unless standard output is empty. INPUT, when set, is the file
# given to the command as standard input. Used for exit-status tests.
set(input_args)
if(DEFINED INPUT AND NOT INPUT STREQUAL "")
  set(input_args INPUT_FILE ${INPUT})
endif()
execute_process(COMMAND ${COMMAND} ${input_args} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT status STREQUAL "${EXPECTED}")
  message(FATAL_ERROR "expected exit status ${EXPECTED}, got ${status}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED OUTPUT_MATCH AND NOT "${out}${err}" MATCHES "${OUTPUT_MATCH}")
  message(FATAL_ERROR "output does not match '${OUTPUT_MATCH}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(DEFINED ERROR_MATCH AND NOT ERROR_MATCH STREQUAL "" AND NOT "${err}" MATCHES "${ERROR_MATCH}")
  message(FATAL_ERROR "standard error does not match '${ERROR_MATCH}'\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(STDOUT_EMPTY AND NOT out STREQUAL "")
  message(FATAL_ERROR "standard output is not empty:\n${out}")
endif()
