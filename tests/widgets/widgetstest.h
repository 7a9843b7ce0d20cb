// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_WIDGETS_WIDGETSTEST_H
#define QHOTRELOAD_TESTS_WIDGETS_WIDGETSTEST_H

// Shared by the widgets suites: the watched libpanel.so and the panel module
// (the factory declared as a hot function). Fixture paths and the writers
// come from tests/shared/testsupport.h, named here.

#include "panel.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QByteArray>
#include <QtCore/QString>

namespace QHotWidgetsTest {

using QHotTestSupport::readFile;
using QHotTestSupport::Timeout;
using QHotTestSupport::writeLikeLd;

//! A fixture's path. (Not fixture(): the panel fixture's namespace has that name.)
inline QString fixturePath(const char *path)
{
    return QHotTestSupport::fixture(path);
}

//! As Designer and most editors: a new file renamed over the old one.
inline bool saveByRename(const QString &path, const QByteArray &bytes)
{
    return QHotTestSupport::writeRenameOver(path, bytes);
}

//! A fresh directory with libpanel.so, copied from \a firstVersion.
class WatchedLibrary : public QHotTestSupport::WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion)
        : QHotTestSupport::WatchedLibrary(firstVersion, QStringLiteral("libpanel.so"))
    {
    }
};

//! The factory declared as a hot function, as QHOT_MODULE would declare it.
struct PanelModule
{
    explicit PanelModule(const char *libraryPath) : module(libraryPath) {}
    ~PanelModule() { delete module.library(); }
    Q_DISABLE_COPY_MOVE(PanelModule)

    QHotModule module;
    QHotFunction<decltype(fixture::createPanel)> createPanel{module, "fixture::createPanel"};
};

} // namespace QHotWidgetsTest

#endif
