// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_TESTS_TESTUTIL_H
#define QHOTRELOAD_TESTS_TESTUTIL_H

// Shared by the core test suites: where the answer fixtures are, a watched
// directory for several libraries, and small probes. The writers and the
// rest come from tests/shared/testsupport.h, named here.

#include "testsupport.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QByteArray>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QTemporaryDir>

#include <limits>

namespace QHotTest {

using QHotTestSupport::BackgroundWriter;
using QHotTestSupport::fixture;
using QHotTestSupport::GoldOrder;
using QHotTestSupport::Joiner;
using QHotTestSupport::readFile;
using QHotTestSupport::touch;
using QHotTestSupport::writeInPlace;
using QHotTestSupport::writeLikeGold;
using QHotTestSupport::writeLikeLd;
using QHotTestSupport::writeRenameOver;

// --- Fixtures ------------------------------------------------------------------

//! The answer fixture whose answer() returns \a version (1..10).
inline QString answerFixture(int version)
{
    static const char *const paths[] = {
        QHOT_TEST_FIXTURE_ANSWER_V1, QHOT_TEST_FIXTURE_ANSWER_V2, QHOT_TEST_FIXTURE_ANSWER_V3,
        QHOT_TEST_FIXTURE_ANSWER_V4, QHOT_TEST_FIXTURE_ANSWER_V5, QHOT_TEST_FIXTURE_ANSWER_V6,
        QHOT_TEST_FIXTURE_ANSWER_V7, QHOT_TEST_FIXTURE_ANSWER_V8, QHOT_TEST_FIXTURE_ANSWER_V9,
        QHOT_TEST_FIXTURE_ANSWER_V10,
    };
    Q_ASSERT(version >= 1 && version <= 10);
    return fixture(paths[version - 1]);
}

inline QByteArray sha1(const QByteArray &bytes)
{
    return QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
}

//! A fresh watched directory holding one library copied from a fixture.
class WatchedDir
{
public:
    QString filePath(const QString &name) const { return m_dir.filePath(name); }
    QString path() const { return m_dir.path(); }
    bool isValid() const { return m_dir.isValid(); }
    //! Copies \a fixturePath to \a name in the directory; returns the new path or empty.
    QString add(const QString &fixturePath, const QString &name = QStringLiteral("libanswer.so"))
    {
        const QString target = filePath(name);
        return QFile::copy(fixturePath, target) ? target : QString();
    }

private:
    QTemporaryDir m_dir;
};

// --- Probes --------------------------------------------------------------------

//! Calls the `int f()` named \a symbol in the loaded version; INT_MIN if it is not there.
inline int call(const QHotLibrary &lib, const char *symbol = "answer")
{
    using Fn = int (*)();
    const auto fn = reinterpret_cast<Fn>(lib.resolve(symbol));
    return fn ? fn() : std::numeric_limits<int>::min();
}

//! The private copies next to the loaded one (the lock file is hidden and not counted).
inline QStringList privateFiles(const QHotLibrary &lib)
{
    if (lib.loadedFileName().isEmpty())
        return {};
    return QFileInfo(lib.loadedFileName()).absoluteDir().entryList(QDir::Files);
}

#if defined(Q_OS_LINUX)
//! Whether a file at \a path is mapped into this process (deleted or not).
inline bool isMapped(const QString &path)
{
    QFile maps(QStringLiteral("/proc/self/maps"));
    if (!maps.open(QIODevice::ReadOnly | QIODevice::Text))
        return false;
    const QByteArray needle = ' ' + QFile::encodeName(path);
    const QByteArray deleted = needle + QByteArray(" (deleted)");
    const QList<QByteArray> lines = maps.readAll().split('\n');
    for (const QByteArray &line : lines) {
        if (line.endsWith(needle) || line.endsWith(deleted))
            return true;
    }
    return false;
}
#endif

} // namespace QHotTest

#endif
