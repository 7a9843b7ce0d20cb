# User-facing CMake functions of QHotReload, installed beside the package config
# and included by it (and by the top-level build when QHotReload is a subproject).
#
#   qhot_add_library(<target> [SOURCES] <source>...)
#       Adds a library meant to be hot reloaded. With QHOTRELOAD_ENABLED (the
#       default except for Release builds) it is a shared library built with
#       -fno-gnu-unique on GCC (otherwise inline function-local statics become
#       STB_GNU_UNIQUE symbols and dlclose() never unloads the library) and
#       hidden visibility. With QHOTRELOAD_ENABLED off it is a plain static
#       library and QHOTRELOAD_STATIC is defined for it and its users, which
#       turns QHOT_LIBRARY into nothing and the QHOT_MODULE callables into the
#       plain functions.
#
#   qhot_link_library(<host> <library>)
#       Makes <host> use the hot <library>. Hot: builds the library whenever the
#       host is built (without linking it), links QHotReload::Core, and bakes
#       the library's absolute path into the host as the string macro
#       QHOT_LIBRARY_FILE_<library> (the name made a C identifier), for
#       QHotLibrary and QHOT_MODULE, and what build on save needs
#       (QHOT_BUILD_INFO(<library>) in qhotbuilder.h: the target, build tree,
#       configuration, sources and cmake command). Static: links the library
#       directly.

include_guard(GLOBAL)

if(NOT DEFINED QHOTRELOAD_ENABLED)
    if(CMAKE_BUILD_TYPE STREQUAL "Release")
        set(_qhot_enabled_default OFF)
    else()
        set(_qhot_enabled_default ON)
    endif()
    option(QHOTRELOAD_ENABLED "Hot reload (OFF: hot libraries are linked statically, calls are direct)"
        ${_qhot_enabled_default})
    unset(_qhot_enabled_default)
endif()

function(qhot_add_library target)
    if(NOT target)
        message(FATAL_ERROR "qhot_add_library: the first argument must be the target name")
    endif()
    if(TARGET ${target})
        message(FATAL_ERROR "qhot_add_library: target '${target}' already exists")
    endif()
    cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "SOURCES")
    set(sources ${arg_SOURCES} ${arg_UNPARSED_ARGUMENTS})
    if(NOT sources)
        message(FATAL_ERROR "qhot_add_library(${target}): no sources given")
    endif()

    if(NOT QHOTRELOAD_ENABLED)
        add_library(${target} STATIC ${sources})
        set_target_properties(${target} PROPERTIES QHOT_HOT_LIBRARY ON)
        target_compile_definitions(${target} PUBLIC QHOTRELOAD_STATIC)
        target_link_libraries(${target} PUBLIC QHotReload::Headers)
        return()
    endif()

    add_library(${target} SHARED ${sources})
    set_target_properties(${target} PROPERTIES
        CXX_VISIBILITY_PRESET hidden
        VISIBILITY_INLINES_HIDDEN ON
        QHOT_HOT_LIBRARY ON)
    target_link_libraries(${target} PRIVATE QHotReload::Headers)
    if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
        # Without it g++ marks inline statics STB_GNU_UNIQUE and the library can
        # never be unloaded: the next version would bind to the old one's data.
        target_compile_options(${target} PRIVATE -fno-gnu-unique)
    endif()
endfunction()

function(qhot_link_library host library)
    if(NOT TARGET ${host})
        message(FATAL_ERROR "qhot_link_library: '${host}' is not a target")
    endif()
    if(NOT TARGET ${library})
        message(FATAL_ERROR "qhot_link_library(${host}): '${library}' is not a target; create it with qhot_add_library()")
    endif()
    get_target_property(is_hot ${library} QHOT_HOT_LIBRARY)
    if(NOT is_hot)
        message(FATAL_ERROR "qhot_link_library(${host}): '${library}' was not created with qhot_add_library()")
    endif()
    if(ARGN)
        message(FATAL_ERROR "qhot_link_library(${host} ${library}): unexpected arguments: ${ARGN}")
    endif()

    string(MAKE_C_IDENTIFIER "${library}" id)
    if(NOT QHOTRELOAD_ENABLED)
        target_link_libraries(${host} PRIVATE ${library})
        target_compile_definitions(${host} PRIVATE "QHOT_LIBRARY_FILE_${id}=\"${library}\"")
        return()
    endif()

    add_dependencies(${host} ${library})
    target_link_libraries(${host} PRIVATE QHotReload::Core)
    # `cmake --build` knows no alias names.
    get_target_property(build_target ${library} ALIASED_TARGET)
    if(NOT build_target)
        set(build_target ${library})
    endif()
    # What QHOT_BUILD_INFO / QHOT_BUILD_ON_SAVE (qhotbuilder.h) read. The sources
    # are joined by '|' (a ';' would split the definition) and left as the
    # target lists them: QHotBuilder makes relative ones absolute against the
    # source dir and drops generated ones (in the build tree), which a build
    # rewrites and which would otherwise start a build of their own.
    target_compile_definitions(${host} PRIVATE
        "QHOT_LIBRARY_FILE_${id}=\"$<TARGET_FILE:${library}>\""
        "QHOT_LIBRARY_TARGET_${id}=\"${build_target}\""
        "QHOT_LIBRARY_BUILD_DIR_${id}=\"${CMAKE_BINARY_DIR}\""
        "QHOT_LIBRARY_BUILD_CONFIG_${id}=\"$<CONFIG>\""
        "QHOT_LIBRARY_SOURCE_DIR_${id}=\"$<TARGET_PROPERTY:${library},SOURCE_DIR>\""
        "QHOT_LIBRARY_SOURCES_${id}=\"$<JOIN:$<TARGET_PROPERTY:${library},SOURCES>,|>\""
        "QHOT_CMAKE_COMMAND=\"${CMAKE_COMMAND}\"")
endfunction()
