# Installs the qmake feature files (CONFIG += qhotreload / qhotreload_library)
# into <prefix>/share/qhotreload/qmake, the directory a qmake user puts in
# QMAKEFEATURES. Included by the top-level CMakeLists.txt.

set(QHOTRELOAD_INSTALL_QMAKEDIR "${CMAKE_INSTALL_DATADIR}/qhotreload/qmake")

# The feature files find the headers and the runtime relative to themselves,
# so the installed prefix stays relocatable; only an absolute install dir is
# written as it is.
function(_qhot_qmake_path out dir)
    if(IS_ABSOLUTE "${dir}")
        set(${out} "${dir}" PARENT_SCOPE)
        return()
    endif()
    if(IS_ABSOLUTE "${QHOTRELOAD_INSTALL_QMAKEDIR}")
        set(${out} "${CMAKE_INSTALL_PREFIX}/${dir}" PARENT_SCOPE)
        return()
    endif()
    # Any root will do: both are relative to the same prefix.
    file(RELATIVE_PATH rel "/prefix/${QHOTRELOAD_INSTALL_QMAKEDIR}" "/prefix/${dir}")
    set(${out} "$$PWD/${rel}" PARENT_SCOPE)
endfunction()
_qhot_qmake_path(QHOT_QMAKE_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
_qhot_qmake_path(QHOT_QMAKE_LIBDIR "${CMAKE_INSTALL_LIBDIR}")

configure_file("${CMAKE_CURRENT_LIST_DIR}/qhotreload_paths.pri.in"
    "${PROJECT_BINARY_DIR}/qmake/qhotreload_paths.pri" @ONLY)
install(FILES
    "${CMAKE_CURRENT_LIST_DIR}/qhotreload.prf"
    "${CMAKE_CURRENT_LIST_DIR}/qhotreload_library.prf"
    "${PROJECT_BINARY_DIR}/qmake/qhotreload_paths.pri"
    DESTINATION "${QHOTRELOAD_INSTALL_QMAKEDIR}")
# The qmake example the feature files point at, beside them: what a qmake user
# copies to start (packaging_qmake_example builds this installed copy).
install(DIRECTORY "${PROJECT_SOURCE_DIR}/examples/qmake/"
    DESTINATION "${CMAKE_INSTALL_DATADIR}/qhotreload/examples/qmake")
unset(QHOT_QMAKE_INCLUDEDIR)
unset(QHOT_QMAKE_LIBDIR)
