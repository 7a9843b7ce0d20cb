# cmake -DFROM=<source> -DTO=<copy> -P livecopy.cmake
#
# Writes the build's live copy of an example's C++ source: the file as it is,
# after a `#line 1 "<source>"` line. The compiler (and the debugger) then name
# the file the user edits, with its own line numbers, not the copy under the
# build tree; so does the indicator's first error.
foreach(var FROM TO)
    if(NOT ${var})
        message(FATAL_ERROR "livecopy.cmake: -D${var}=... is required")
    endif()
endforeach()
file(READ "${FROM}" content)
string(REPLACE "\\" "\\\\" quoted "${FROM}")
string(REPLACE "\"" "\\\"" quoted "${quoted}")
file(WRITE "${TO}" "#line 1 \"${quoted}\"\n${content}")
