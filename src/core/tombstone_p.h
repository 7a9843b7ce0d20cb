// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TOMBSTONE_P_H
#define QHOTRELOAD_TOMBSTONE_P_H

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <utility>
#include <vector>

namespace QHotReload {
namespace Abi {
struct Manifest;
}

namespace Internal {

//! Where a loaded copy lies in memory, and its hot functions' addresses.
struct CopyLayout
{
    quintptr start = 0;   // page-aligned span of all its segments
    quintptr end = 0;
    quintptr codeStart = 0; // span of its executable segments
    quintptr codeEnd = 0;
    std::vector<std::pair<quintptr, QByteArray>> functions; // sorted by address

    bool isValid() const { return end > start; }
};

/*!
    The layout of the loaded copy at \a copyPath (found by the address of its
    \a manifest when it has one, else by its path), taken while it is mapped.
    Empty where the platform has no way to ask (see reserveUnloaded()).
*/
CopyLayout copyLayout(const QString &copyPath, const Abi::Manifest *manifest);

/*!
    Once a retired copy is unloaded, its address range would be handed out
    again: a call through a pointer the application kept into it would run
    whatever is mapped there next. This reserves the range \a layout
    describes as inaccessible memory, so such a use faults, and makes the
    fault say first (on standard error) that it hit \a description (which
    library, which version, which copy), whether in its code or its data,
    and the hot function when the address is one's entry point (a call
    through a kept pointer to it). The fault itself then goes on as before (the
    process ends, or an earlier handler takes it).

    Returns false when the range could not be reserved: something else was
    mapped there first (it is never replaced), or the platform is not
    supported yet. Linux only for now; the plan for macOS is
    mach_vm_allocate() with VM_FLAGS_FIXED over the old range and the same
    signal handler, for Windows VirtualAlloc(MEM_RESERVE) at the old base and
    a vectored exception handler.
*/
bool reserveUnloaded(const CopyLayout &layout, const QString &description);

} // namespace Internal
} // namespace QHotReload

#endif
