// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_BOUNDCHECK_P_H
#define QHOTRELOAD_BOUNDCHECK_P_H

#include <QHotReload/qhotmanifest.h>
#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QString>

namespace QHotReload::Internal {

//! The loaded image (a library or the executable) an address lies in.
struct Image
{
    const void *base = nullptr; //!< nullptr: unknown (not in any image, or no way to ask)
    QString fileName;
};

//! Which loaded image \a address lies in (dladdr on Unix, GetModuleHandleEx on Windows).
QHOTRELOAD_CORE_EXPORT Image imageAt(const void *address);

/*!
    Checks that every function \a manifest lists, and the thunk call() reaches
    it through, lies in the same loaded image as \a anchor (the manifest
    getter, resolved from the new copy's own handle, which is always its own).
    A library whose functions are exported with default visibility and linked
    without -Bsymbolic has them bound by the dynamic linker, which takes the
    first definition in the global scope: another copy of the same library
    that the application linked or loaded globally, whose old code every call
    would then run although the swap is reported.

    Returns an empty string when all lie in the new copy, or when the platform
    cannot say where an address lies; otherwise a sentence fragment (no file
    name of the watched library) naming the function, where it was bound, and
    how to build the library so that it binds to itself.
*/
QString checkBoundIntoCopy(const Abi::Manifest *manifest, const void *anchor);

} // namespace QHotReload::Internal

#endif
