# SPDX-License-Identifier: MIT
# What a hot library built by qhot_add_library or CONFIG += qhotreload_library
# must be, read from the file with readelf: shared by run_consumer.cmake and
# run_qmake.cmake.

function(_qhot_readelf readelf library)
    execute_process(COMMAND "${readelf}" ${ARGN} "${library}"
        RESULT_VARIABLE result OUTPUT_VARIABLE output ERROR_VARIABLE output)
    if(NOT result EQUAL 0)
        message(FATAL_ERROR "${readelf} ${ARGN} ${library} failed (${result}):\n${output}")
    endif()
    set(output "${output}" PARENT_SCOPE)
endfunction()

# qhot_check_binds_locally(<readelf> <library>)
# <library> binds to itself (linked with -Bsymbolic): DF_SYMBOLIC, or, as mold
# links it (it binds locally but sets no flag), no dynamic relocation naming a
# symbol the library defines (its value is not 0) other than a relative one.
function(qhot_check_binds_locally readelf library)
    get_filename_component(name "${library}" NAME)
    _qhot_readelf("${readelf}" "${library}" -d)
    if(output MATCHES "\\(FLAGS\\)[^\n]*SYMBOLIC")
        return()
    endif()
    set(dynamic "${output}")
    _qhot_readelf("${readelf}" "${library}" -rW)
    if(output MATCHES "\n[0-9a-f]+ +[0-9a-f]+ +R_[A-Z0-9_]+_(64|ABS64|GLOB_DAT|JUMP_SLOT) +0*[1-9a-f][0-9a-f]* [^\n]*")
        message(FATAL_ERROR "${name} is not linked with -Bsymbolic: ${CMAKE_MATCH_0} is bound at load time\n${dynamic}")
    endif()
endfunction()

# qhot_check_fast_loop(<readelf> <library> <source>)
# The fast loop's -g0 and linker: no debug information for the library's own
# <source> (a static library linked in, built with the project's flags, may
# bring some of its own), and linked by mold where mold is installed.
function(qhot_check_fast_loop readelf library source)
    get_filename_component(name "${library}" NAME)
    _qhot_readelf("${readelf}" "${library}" --debug-dump=info)
    string(REPLACE "." "\\." pattern "${source}")
    if(output MATCHES "DW_AT_name[^\n]*${pattern}")
        message(FATAL_ERROR "${name} has debug information for ${source}: the fast loop's -g0 is missing")
    endif()
    find_program(MOLD_LINKER mold)
    if(MOLD_LINKER)
        _qhot_readelf("${readelf}" "${library}" -p .comment)
        if(NOT output MATCHES "mold")
            message(FATAL_ERROR "mold is installed but did not link ${name}:\n${output}")
        endif()
    endif()
endfunction()
