// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_PINS_P_H
#define QHOTRELOAD_PINS_P_H

#include <QtCore/QByteArrayView>
#include <QtCore/QString>

namespace QHotReload::Internal {

/*!
    What in a library's dynamic symbol table can keep it mapped after its
    last dlclose(), read from its bytes (ELF; on other formats nothing is
    found).
*/
struct Pins
{
    //! It imports __cxa_thread_atexit(_impl): it has a thread_local with a
    //! destructor. glibc keeps such a library mapped while any thread that
    //! constructed one of its thread_locals is alive.
    bool threadLocalDestructors = false;
    //! It defines a symbol with STB_GNU_UNIQUE binding (g++ without
    //! -fno-gnu-unique): such a library is never unloaded.
    bool gnuUnique = false;
};

Pins pinsOf(QByteArrayView bytes);
//! pinsOf() the file at \a path (mapped, not read); nothing found if it cannot be opened.
Pins pinsOfFile(const QString &path);

/*!
    The warning for a private copy at \a copyPath that is still mapped after
    it was unloaded: names the cause \a pins shows (read from the copy while
    its file was there), and what to do.
*/
QString stillMappedWarning(const QString &copyPath, const Pins &pins);

} // namespace QHotReload::Internal

#endif
