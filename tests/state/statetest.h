// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_STATE_STATETEST_H
#define QHOTRELOAD_TESTS_STATE_STATETEST_H

// Shared by the state suites: the watched library file (libstate.so unless
// named). Fixture paths and the writers come from tests/shared/testsupport.h,
// named here.

#include "testsupport.h"

#include <QtCore/QString>

namespace QHotStateTest {

using QHotTestSupport::fixture;
using QHotTestSupport::readFile;
using QHotTestSupport::Timeout;
using QHotTestSupport::writeLikeLd;

//! A fresh directory with the library file a module watches, copied from \a firstVersion.
class WatchedLibrary : public QHotTestSupport::WatchedLibrary
{
public:
    explicit WatchedLibrary(const QString &firstVersion, const QString &name = QStringLiteral("libstate.so"))
        : QHotTestSupport::WatchedLibrary(firstVersion, name)
    {
    }
    QString dirPath() const { return root(); }
};

} // namespace QHotStateTest

#endif
