// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_TORTURE_TORTURETEST_H
#define QHOTRELOAD_TESTS_TORTURE_TORTURETEST_H

// Shared by the torture suites: the watched libtorture.so, a module with a
// callable for each function of torturelib.h, file modes, and the varied
// pauses of slow writers. The writers, waits and probes come from
// tests/shared/testsupport.h, named here.

#include "testsupport.h"
#include "torturelib.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtCore/QStringList>

#if defined(Q_OS_UNIX)
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace QHotTorture {

using QHotTestSupport::BackgroundWriter;
using QHotTestSupport::firstReason;
using QHotTestSupport::fixture;
using QHotTestSupport::GoldOrder;
using QHotTestSupport::pause;
using QHotTestSupport::readFile;
using QHotTestSupport::settled;
using QHotTestSupport::Timeout;
using QHotTestSupport::touch;
using QHotTestSupport::waitForVersion;
using QHotTestSupport::waitUntil;
using QHotTestSupport::WatcherEvents;
using QHotTestSupport::writeChunks;
using QHotTestSupport::writeFile;
using QHotTestSupport::writeInPlace;
using QHotTestSupport::writeLikeGold;
using QHotTestSupport::writeLikeLd;
using QHotTestSupport::writeRenameOver;

inline bool isRoot()
{
#if defined(Q_OS_UNIX)
    return ::geteuid() == 0;
#else
    return false;
#endif
}

//! The permission bits of \a path (st_mode & 07777), or -1.
inline int modeOf(const QString &path)
{
#if defined(Q_OS_UNIX)
    struct stat st;
    if (::stat(QFile::encodeName(path).constData(), &st) != 0)
        return -1;
    return int(st.st_mode & 07777);
#else
    Q_UNUSED(path);
    return -1;
#endif
}

inline bool setMode(const QString &path, int mode)
{
#if defined(Q_OS_UNIX)
    return ::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0;
#else
    Q_UNUSED(path);
    Q_UNUSED(mode);
    return false;
#endif
}

//! A fresh directory holding libtorture.so (in \a subPath below it), written
//! anew from \a firstVersion: a file with this process's default permissions.
class WatchedLibrary : public QHotTestSupport::WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion, const QString &subPath = QString())
        : QHotTestSupport::WatchedLibrary(firstVersion, QStringLiteral("libtorture.so"), subPath, Placement::Rewrite)
    {
    }
};

/*!
    Every function of torturelib.h as a hot callable of one module, made as
    QHOT_FUNCTION makes them (that macro ties a module to one namespace and
    one file; these tests want a fresh file each).
*/
struct TortureModule
{
    explicit TortureModule(const char *libraryPath) : module(libraryPath) {}
    ~TortureModule()
    {
        // The library is a child of the application and would outlive the
        // callables it writes to; take it down first.
        delete module.library();
    }
    Q_DISABLE_COPY_MOVE(TortureModule)

    QHotLibrary *library() { return module.library(); }

    QHotModule module;
    QHotFunction<decltype(::torture::step)> step{module, "torture::step"};
    QHotFunction<decltype(::torture::answer)> answer{module, "torture::answer"};
    QHotFunction<decltype(::torture::steps)> steps{module, "torture::steps"};
    QHotFunction<decltype(::torture::add)> add{module, "torture::add"};
};

// --- Slow writers ----------------------------------------------------------------

//! Pause before chunk \a chunk (1-based) of write number \a round: 2..20 ms, varied.
inline int variedPause(int round, int chunk)
{
    return 2 + (round * 7 + chunk * 5) % 19;
}

} // namespace QHotTorture

#endif
