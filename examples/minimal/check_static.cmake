# The examples with hot reload switched off (test examples_static).
#
#   cmake -DSOURCE_DIR=<QHotReload source> -DBINARY_DIR=<new build dir>
#         [-DCXX_COMPILER=...] [-DMAKE_PROGRAM=<ninja>] [-DQT_DIR=<Qt6_DIR>]
#         [-DWARNINGS_AS_ERRORS=ON] [-DREADELF=...] [-DOBJDUMP=...]
#         -P check_static.cmake
#
# Configures the whole tree with -DQHOTRELOAD_ENABLED=OFF (no tests, no
# benchmarks), builds every example (a rerun rebuilds only what changed),
# runs `minimal --demo` and checks what it prints and that the binary does
# not need the QHotReload runtime library, runs the flagship's
# `widgets_example --demo`, which builds from the same code as the hot build,
# and, where QtQuick is there, `qml_example --demo`: the hot build's Main.qml
# calling the linked-in qml_logic through HotLibrary.

foreach(variable SOURCE_DIR BINARY_DIR)
    if(NOT ${variable})
        message(FATAL_ERROR "check_static.cmake: -D${variable}=... is required")
    endif()
endforeach()

set(configure_args -S "${SOURCE_DIR}" -B "${BINARY_DIR}" -G Ninja
    -DQHOTRELOAD_ENABLED=OFF
    -DQHOTRELOAD_BUILD_TESTS=OFF
    -DQHOTRELOAD_BUILD_BENCHMARKS=OFF
    -DQHOTRELOAD_BUILD_EXAMPLES=ON
    -DQHOTRELOAD_BUILD_WIDGETS=ON
    # Not needed by the examples; off keeps the build short.
    -DQHOTRELOAD_BUILD_DESIGNER_PLUGIN=OFF)
# The QML module (the QML example needs it) as in the build that runs this
# test, said every time: a build directory left from an earlier run keeps
# whatever it cached.
if(DEFINED QML AND NOT QML STREQUAL "")
    list(APPEND configure_args "-DQHOTRELOAD_BUILD_QML=${QML}")
endif()
if(CXX_COMPILER)
    list(APPEND configure_args "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}")
endif()
if(MAKE_PROGRAM)
    list(APPEND configure_args "-DCMAKE_MAKE_PROGRAM=${MAKE_PROGRAM}")
endif()
if(QT_DIR)
    list(APPEND configure_args "-DQt6_DIR=${QT_DIR}")
endif()
if(WARNINGS_AS_ERRORS)
    list(APPEND configure_args -DQHOTRELOAD_WARNINGS_AS_ERRORS=ON)
endif()

function(run_step what)
    execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(NOT rc EQUAL 0)
        message(FATAL_ERROR "${what} failed (${rc}):\n${out}")
    endif()
    set(step_output "${out}" PARENT_SCOPE)
endfunction()

string(TIMESTAMP started "%s")
run_step("configure with QHOTRELOAD_ENABLED=OFF" "${CMAKE_COMMAND}" ${configure_args})
set(examples minimal serialized-state reload-events widgets_example)
# The QML example is there when the QML module is (QHOTRELOAD_BUILD_QML's
# default where QtQml is).
file(STRINGS "${BINARY_DIR}/CMakeCache.txt" qml_module REGEX "^QHOTRELOAD_BUILD_QML:BOOL=ON$")
if(qml_module)
    set(qml_example ON)
    list(APPEND examples qml_example)
elseif(QML)
    message(FATAL_ERROR "the QML module is on in the build that runs this test, but not in ${BINARY_DIR}")
else()
    set(qml_example OFF)
    message(STATUS "no QML module in this build: the QML example is not built")
endif()
run_step("build of the examples" "${CMAKE_COMMAND}" --build "${BINARY_DIR}" --target ${examples})
string(TIMESTAMP built "%s")
math(EXPR build_seconds "${built} - ${started}")
message(STATUS "configured and built ${examples} with QHOTRELOAD_ENABLED=OFF in ${build_seconds} s")

set(app "${BINARY_DIR}/examples/minimal/minimal")
if(NOT EXISTS "${app}")
    message(FATAL_ERROR "no ${app} after the build")
endif()

# The scripted demo: with hot reload off it calls the linked-in functions once.
set(ENV{QT_QPA_PLATFORM} offscreen)
execute_process(COMMAND "${app}" --demo RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "minimal --demo (static) printed:\n${out}${err}")
set(failures)
if(NOT rc EQUAL 0)
    list(APPEND failures "minimal --demo exited with ${rc}")
endif()
foreach(expected
        "hot reload is off in this build \\(QHOTRELOAD_ENABLED=OFF\\)"
        "greeting\\(\\) = \"Hello from logic.cpp\""
        "counter: 0 -> 1 -> 2 -> 3"
        "PASSED: the statically linked logic answered")
    if(NOT out MATCHES "${expected}")
        list(APPEND failures "the output lacks /${expected}/")
    endif()
endforeach()

# No QHotReload runtime: no NEEDED entry for libQHotReloadCore.
if(READELF AND EXISTS "${READELF}")
    execute_process(COMMAND "${READELF}" -d "${app}" RESULT_VARIABLE rc OUTPUT_VARIABLE dynamic ERROR_VARIABLE err)
elseif(OBJDUMP AND EXISTS "${OBJDUMP}")
    execute_process(COMMAND "${OBJDUMP}" -p "${app}" RESULT_VARIABLE rc OUTPUT_VARIABLE dynamic ERROR_VARIABLE err)
else()
    find_program(READELF_FOUND readelf)
    if(NOT READELF_FOUND)
        message(FATAL_ERROR "neither readelf nor objdump to read the NEEDED entries of ${app}")
    endif()
    execute_process(COMMAND "${READELF_FOUND}" -d "${app}" RESULT_VARIABLE rc OUTPUT_VARIABLE dynamic ERROR_VARIABLE err)
endif()
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot read the dynamic section of ${app} (${rc}): ${err}")
endif()
string(REGEX MATCHALL "NEEDED[^\n]*" needed "${dynamic}")
string(REPLACE ";" "\n  " needed_lines "${needed}")
message(STATUS "${app} needs:\n  ${needed_lines}")
if(NOT needed MATCHES "Qt6")
    list(APPEND failures "no NEEDED entry for Qt at all: the dynamic section was not read right")
endif()
if(needed MATCHES "QHotReload")
    list(APPEND failures "the static build needs the QHotReload runtime library")
endif()

# The flagship: the hot build's lines (the indicator, build on save, a
# QHotWidget) build unchanged and run with the scene linked in.
set(flagship "${BINARY_DIR}/examples/widgets/widgets_example")
execute_process(COMMAND "${flagship}" --demo RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message(STATUS "widgets_example --demo (static) printed:\n${out}${err}")
if(NOT rc EQUAL 0 OR NOT out MATCHES "PASSED: the statically linked scene ran")
    list(APPEND failures "widgets_example --demo exited with ${rc} without PASSED")
endif()

# The QML example: the hot build's main.cpp and Main.qml; HotLibrary finds
# the linked-in qml_logic, and neither the library, the builder nor the
# indicator does anything.
if(qml_example)
    set(qml_app "${BINARY_DIR}/examples/qml/qml_example")
    execute_process(COMMAND "${qml_app}" --demo RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "qml_example --demo (static) printed:\n${out}${err}")
    if(NOT rc EQUAL 0)
        list(APPEND failures "qml_example --demo exited with ${rc}")
    endif()
    foreach(expected
            "hot reload is off in this build \\(QHOTRELOAD_ENABLED=OFF\\)"
            "HotLibrary \"qml_logic\": linkedIn true, loaded true, version 1"
            "scene: \"Hello from logic.cpp; the counter is 0\""
            "advance\\(\\): counter 2 -> 3"
            "scene: \"Hello from logic.cpp; the counter is 3\""
            "QHotLibrary loaded: false; HotBuilder enabled: true, builds: 0, idle: true; indicator visible: false"
            "PASSED: the statically linked logic answered QML's calls")
        if(NOT out MATCHES "${expected}")
            list(APPEND failures "the output of qml_example lacks /${expected}/")
        endif()
    endforeach()
endif()

if(failures)
    string(REPLACE ";" "\n  " failures "${failures}")
    message(FATAL_ERROR "examples_static:\n  ${failures}")
endif()
set(qml_passed "")
if(qml_example)
    set(qml_passed "; the QML example's HotLibrary calls its linked-in logic")
endif()
message(STATUS "PASSED: the examples build with hot reload off; minimal runs its logic once and needs no "
               "QHotReload runtime; the flagship runs its scene linked in${qml_passed}")
