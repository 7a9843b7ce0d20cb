# Checks the host built with hot reload switched off (static_host.cpp).
#   cmake -DMODE=run -DHOST=<exe> -P check_static_host.cmake
#       runs it: exit code 0 and the values of the plain functions.
#   cmake -DMODE=disassembly -DHOST=<exe> [-DOBJDUMP=<objdump>] -P check_static_host.cmake
#       its main() calls the plain functions directly and nothing of
#       QHotReload's runtime is in the binary. Prints "SKIPPED:" (the test's
#       SKIP_REGULAR_EXPRESSION) when there is no objdump.

if(NOT HOST OR NOT EXISTS "${HOST}")
    message(FATAL_ERROR "HOST='${HOST}' is not a file")
endif()

if(MODE STREQUAL "run")
    execute_process(COMMAND "${HOST}" RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
    message(STATUS "static host: ${out}${err}")
    set(expected "answer=41 a=101 b=201 value=1001 greeting=hello static from v1\n")
    if(NOT rc EQUAL 0 OR NOT out STREQUAL expected)
        message(FATAL_ERROR "static host: exit code ${rc}, printed '${out}', expected '${expected}'")
    endif()
    return()
endif()

if(NOT MODE STREQUAL "disassembly")
    message(FATAL_ERROR "MODE must be run or disassembly")
endif()

if(NOT OBJDUMP OR NOT EXISTS "${OBJDUMP}")
    find_program(OBJDUMP objdump)
endif()
if(NOT OBJDUMP)
    message("SKIPPED: no objdump to disassemble ${HOST}")
    return()
endif()

execute_process(COMMAND "${OBJDUMP}" -d -C --no-show-raw-insn "${HOST}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE disassembly ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "objdump -d failed (${rc}): ${err}")
endif()
execute_process(COMMAND "${OBJDUMP}" -t -T -C "${HOST}"
    RESULT_VARIABLE rc OUTPUT_VARIABLE symbols ERROR_VARIABLE err)
# -T fails on a binary without dynamic symbols; the static table alone will do.
if(NOT rc EQUAL 0)
    execute_process(COMMAND "${OBJDUMP}" -t -C "${HOST}" OUTPUT_VARIABLE symbols)
endif()
execute_process(COMMAND "${OBJDUMP}" -p "${HOST}" OUTPUT_VARIABLE headers)

# main's body: from its label to the blank line that ends it.
string(FIND "${disassembly}" "<main>:\n" begin)
if(begin EQUAL -1)
    message(FATAL_ERROR "no main() in the disassembly of ${HOST}")
endif()
string(SUBSTRING "${disassembly}" ${begin} -1 main)
string(FIND "${main}" "\n\n" end)
if(NOT end EQUAL -1)
    string(SUBSTRING "${main}" 0 ${end} main)
endif()

set(failures)
foreach(function "answer()" "a::value()" "b::value()" "game::step(game::State&)"
                 "game::value(game::State const&)" "greeting(QString const&)")
    string(REGEX REPLACE "([][()*+.?^$|\\\\])" "\\\\\\1" pattern "${function}")
    if(NOT main MATCHES "\n[^\n]*\tcall +[0-9a-f]+ <${pattern}>")
        list(APPEND failures "main() has no direct call to ${function}")
    endif()
endforeach()
foreach(runtime QHotModule QHotFunction QHotLibrary QHotCallError runOnOwner)
    if(disassembly MATCHES "${runtime}" OR symbols MATCHES "${runtime}")
        list(APPEND failures "the binary has ${runtime} in it")
    endif()
endforeach()
if(headers MATCHES "NEEDED +[^\n]*QHotReload")
    list(APPEND failures "the binary needs the QHotReload runtime library")
endif()

if(failures)
    string(REPLACE ";" "\n  " failures "${failures}")
    message(FATAL_ERROR "${HOST}:\n  ${failures}\nmain():\n${main}")
endif()
message(STATUS "main() calls the plain functions directly:\n${main}")
