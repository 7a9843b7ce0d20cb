# cmake -P run_consumer.cmake: configures tests/qml/consumer from scratch in
# BINARY_DIR against the installed prefix PREFIX, builds it, runs qml_host
# (which must print PASSED).
#   -DSOURCE_DIR= -DBINARY_DIR= -DPREFIX= -DGENERATOR= [-DMAKE_PROGRAM=] -DCXX_COMPILER= [-DQT6_DIR=]
foreach(var SOURCE_DIR BINARY_DIR PREFIX GENERATOR CXX_COMPILER)
    if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
        message(FATAL_ERROR "run_consumer.cmake: ${var} is not set")
    endif()
endforeach()

file(REMOVE_RECURSE "${BINARY_DIR}")
set(args -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
    "-DCMAKE_PREFIX_PATH=${PREFIX}"
    -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF)
if(MAKE_PROGRAM)
    list(APPEND args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(QT6_DIR)
    list(APPEND args "-DQt6_DIR=${QT6_DIR}")
endif()
foreach(step configure build run)
    if(step STREQUAL "configure")
        set(command "${CMAKE_COMMAND}" ${args})
    elseif(step STREQUAL "build")
        set(command "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --parallel 2)
    else()
        set(command "${BINARY_DIR}/qml_host")
    endif()
    execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    message("${output}")
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${step} failed (${result})")
    endif()
endforeach()
if(NOT output MATCHES "PASSED")
    message(FATAL_ERROR "qml_host did not print PASSED")
endif()
