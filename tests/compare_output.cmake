# Runs COMMAND and fails unless its standard output equals the content of FILE byte for byte.
execute_process(COMMAND ${COMMAND} RESULT_VARIABLE status OUTPUT_VARIABLE out)
file(READ ${FILE} expected)
if(NOT status EQUAL 0 OR NOT out STREQUAL expected)
  message(FATAL_ERROR "${FILE} differs from the output of the command (status ${status}); regenerate it with: ${COMMAND} > ${FILE}")
endif()
