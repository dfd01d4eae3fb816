# SPDX-License-Identifier: MIT
# A headless scenario run's JUnit report validates against the Jenkins xUnit plugin's schema (junit-10.xsd).
# cmake -DBINARY=... -DXMLLINT=... -DSCHEMA=... -DSCENARIO=... -DOUT=... -P junit_schema.cmake
foreach(var BINARY SCHEMA SCENARIO OUT)
    if(NOT DEFINED ${var})
        message(FATAL_ERROR "junit_schema: -D${var}= is missing")
    endif()
endforeach()
if(NOT XMLLINT)
    message(FATAL_ERROR "xmllint not found when configuring: install libxml2-utils (packaging/install-deps.sh)")
endif()

file(REMOVE "${OUT}")
execute_process(COMMAND "${BINARY}" --headless --scenario "${SCENARIO}" --junit "${OUT}" --quiet
    RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
# The scenario has an assertion that fails (exit 5) and a run that gives up where none expects it.
if(NOT result EQUAL 5)
    message(FATAL_ERROR "the run should exit 5 (an assertion failed), not ${result}:\n${output}")
endif()
file(READ "${OUT}" xml)
# Each kind of test case it writes is in the file: a pass (with its text), a failure, an error.
foreach(element "<system-out>" "<failure " "<error ")
    string(FIND "${xml}" "${element}" at)
    if(at EQUAL -1)
        message(FATAL_ERROR "no ${element} in the JUnit report:\n${xml}")
    endif()
endforeach()

execute_process(COMMAND "${XMLLINT}" --noout --schema "${SCHEMA}" "${OUT}"
    RESULT_VARIABLE result OUTPUT_VARIABLE said ERROR_VARIABLE said)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${OUT} does not validate against ${SCHEMA} (xmllint exit ${result}):\n${said}\n${xml}")
endif()
message(STATUS "${said}")
