// SPDX-License-Identifier: MIT
// QHotLibrary really unloads the old version: its copy is unmapped and
// deleted, and a library with inline function-local statics starts afresh —
// which it only does because qhot_add_library() passes -fno-gnu-unique.

#include "testutil.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QRegularExpression>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotTest;

namespace {
constexpr int Timeout = 10000;
}

class tst_QHotLibraryUnload : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void oldCopyIsUnmappedAndDeleted();
    void inlineStaticStartsFresh();
    void gnuUniqueTrap();
};

void tst_QHotLibraryUnload::oldCopyIsUnmappedAndDeleted()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    const QString oldCopy = lib.loadedFileName();
    QVERIFY(QFileInfo::exists(oldCopy));
#if defined(Q_OS_LINUX)
    QVERIFY(isMapped(oldCopy));
#endif

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY(writeLikeLd(path, readFile(answerFixture(2))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(call(lib), 2);
    QVERIFY(!QFileInfo::exists(oldCopy));
    QCOMPARE(privateFiles(lib), QStringList{QFileInfo(lib.loadedFileName()).fileName()});
#if defined(Q_OS_LINUX)
    QVERIFY2(!isMapped(oldCopy), qPrintable(oldCopy));
    QVERIFY(isMapped(lib.loadedFileName()));
#endif
}

void tst_QHotLibraryUnload::inlineStaticStartsFresh()
{
    WatchedDir watched;
    const QString path = watched.add(fixture(QHOT_TEST_FIXTURE_STATIC_V1), QStringLiteral("libcounter.so"));
    QHotLibrary lib(path);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(call(lib, "bump"), 1);
    QCOMPARE(call(lib, "bump"), 2);
    QCOMPARE(call(lib, "bump"), 3);
    const QString oldCopy = lib.loadedFileName();

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY(writeLikeLd(path, readFile(fixture(QHOT_TEST_FIXTURE_STATIC_V2))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(call(lib), 2);
#if defined(Q_OS_LINUX)
    QVERIFY2(!isMapped(oldCopy), qPrintable(oldCopy));
#endif
    // The new version's static is its own, not the old one's.
    QCOMPARE(call(lib, "bump"), 1);
}

void tst_QHotLibraryUnload::gnuUniqueTrap()
{
#if !defined(QHOT_TEST_HAVE_GNU_UNIQUE_CONTROL) || !defined(Q_OS_LINUX)
    QSKIP("The STB_GNU_UNIQUE control fixture is built with g++ on Linux only");
#else
    // The same library built without -fno-gnu-unique: this is what
    // inlineStaticStartsFresh() would see if qhot_add_library() lost the flag.
    WatchedDir watched;
    const QString path = watched.add(fixture(QHOT_TEST_FIXTURE_STATIC_UNIQUE_V1), QStringLiteral("libcounter.so"));
    QHotLibrary lib(path);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(call(lib, "bump"), 1);
    QCOMPARE(call(lib, "bump"), 2);
    QCOMPARE(call(lib, "bump"), 3);
    const QString oldCopy = lib.loadedFileName();

    // The library says why, naming the remedy.
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("still mapped.*-fno-gnu-unique")));
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY(writeLikeLd(path, readFile(fixture(QHOT_TEST_FIXTURE_STATIC_UNIQUE_V2))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(call(lib), 2);
    // The trap: dlclose() kept the old copy, and the new code counts on in
    // the old code's static.
    QVERIFY2(isMapped(oldCopy), qPrintable(oldCopy));
    QCOMPARE(call(lib, "bump"), 4);
#endif
}

QTEST_GUILESS_MAIN(tst_QHotLibraryUnload)
#include "tst_qhotlibrary_unload.moc"
