// SPDX-License-Identifier: MIT
// Built with QHOTRELOAD_STATIC and without QHotReload::Core: QHOT_BUILD_ON_SAVE
// must neither evaluate its arguments (they name nothing that exists here) nor
// need a symbol of the core library.
#include <QHotReload/QHotBuilder>

#include <cstdio>

int main()
{
    QHOT_BUILD_ON_SAVE(no_such_target, no_such_library());
    QHotBuilder *builder = QHOT_BUILD_ON_SAVE(no_such_target, no_such_library(), no_such_indicator);
    if (builder) {
        std::fputs("QHOT_BUILD_ON_SAVE gave a builder with hot reload off\n", stderr);
        return 1;
    }
    return 0;
}
