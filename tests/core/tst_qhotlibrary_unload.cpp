// SPDX-License-Identifier: MIT
// What becomes of a swapped-out version: it is retired (kept mapped, its file
// deleted) within the retired-copies budget, the oldest unloaded beyond it;
// with a budget of 0 it is really unloaded at once — its copy unmapped and
// deleted, and a library with inline function-local statics starts afresh,
// which it only does because qhot_add_library() passes -fno-gnu-unique.

#include "testutil.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
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
    void oldCopyIsRetired();
    void budgetUnloadsTheOldestFirst();
    void budgetFromTheEnvironment_data();
    void budgetFromTheEnvironment();
    void oldCopyIsUnmappedAndDeleted();
    void inlineStaticStartsFresh();
    void gnuUniqueTrap();
};

// With the default budget the swapped-out copy stays mapped (what the
// application kept of it still works) while its file is gone.
void tst_QHotLibraryUnload::oldCopyIsRetired()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    QVERIFY(lib.retiredBudget() > 0);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    const QString oldCopy = lib.loadedFileName();
    using Fn = int (*)();
    const auto oldAnswer = reinterpret_cast<Fn>(lib.resolve("answer"));
    QVERIFY(oldAnswer);

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QVERIFY(writeLikeLd(path, readFile(answerFixture(2))));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(call(lib), 2);
    QCOMPARE(oldAnswer(), 1); // a pointer the application kept into version 1
#if !defined(Q_OS_WIN)
    QVERIFY(!QFileInfo::exists(oldCopy));
    QCOMPARE(privateFiles(lib), QStringList{QFileInfo(lib.loadedFileName()).fileName()});
#endif
#if defined(Q_OS_LINUX)
    QVERIFY2(isMapped(oldCopy), qPrintable(oldCopy));
#endif
}

// Retired copies beyond the budget are unloaded, oldest first; lowering the
// budget unloads at once what no longer fits.
void tst_QHotLibraryUnload::budgetUnloadsTheOldestFirst()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    const qint64 size = QFileInfo(answerFixture(1)).size();
    // Room for two copies (the fixtures' sizes differ by a few bytes at most).
    lib.setRetiredBudget(2 * size + size / 2);
    QCOMPARE(lib.retiredBudget(), 2 * size + size / 2);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QStringList copies{lib.loadedFileName()};
    for (int v = 2; v <= 5; ++v) {
        QVERIFY(writeLikeLd(path, readFile(answerFixture(v))));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), v - 1, Timeout);
        QCOMPARE(call(lib), v);
        copies << lib.loadedFileName();
    }
#if defined(Q_OS_LINUX)
    // Versions 1 and 2 went, 3 and 4 are retired, 5 is live.
    QVERIFY2(!isMapped(copies.at(0)), qPrintable(copies.at(0)));
    QVERIFY2(!isMapped(copies.at(1)), qPrintable(copies.at(1)));
    QVERIFY2(isMapped(copies.at(2)), qPrintable(copies.at(2)));
    QVERIFY2(isMapped(copies.at(3)), qPrintable(copies.at(3)));
#endif
    QSignalSpy changed(&lib, &QHotLibrary::retiredBudgetChanged);
    lib.setRetiredBudget(-1);
    QCOMPARE(lib.retiredBudget(), 0);
    QCOMPARE(changed.count(), 1);
#if defined(Q_OS_LINUX)
    QVERIFY2(!isMapped(copies.at(2)), qPrintable(copies.at(2)));
    QVERIFY2(!isMapped(copies.at(3)), qPrintable(copies.at(3)));
    QVERIFY(isMapped(copies.at(4)));
#endif
    QCOMPARE(call(lib), 5);
}

void tst_QHotLibraryUnload::budgetFromTheEnvironment_data()
{
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<qint64>("expected"); // -1: the default, with a warning
    QTest::newRow("bytes") << QByteArray("4096") << qint64(4096);
    QTest::newRow("zero") << QByteArray("0") << qint64(0);
    QTest::newRow("kilobytes") << QByteArray("300K") << qint64(300) * 1024;
    QTest::newRow("megabytes") << QByteArray("256m") << qint64(256) * 1024 * 1024;
    QTest::newRow("gigabytes") << QByteArray("2G") << qint64(2) * 1024 * 1024 * 1024;
    QTest::newRow("not a number") << QByteArray("lots") << qint64(-1);
    QTest::newRow("negative") << QByteArray("-5M") << qint64(-1);
}

void tst_QHotLibraryUnload::budgetFromTheEnvironment()
{
    QFETCH(QByteArray, value);
    QFETCH(qint64, expected);
    const qint64 defaultBudget = QHotLibrary().retiredBudget();
    QCOMPARE(defaultBudget, qint64(64) * 1024 * 1024);
    qputenv("QHOTRELOAD_RETIRED_BUDGET", value);
    const auto restore = qScopeGuard([] { qunsetenv("QHOTRELOAD_RETIRED_BUDGET"); });
    if (expected < 0) {
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral(
                "QHOTRELOAD_RETIRED_BUDGET: .* is not a size")));
        expected = defaultBudget;
    }
    QCOMPARE(QHotLibrary().retiredBudget(), expected);
}

// Budget 0: unloaded at once, as a plain unloader would.
void tst_QHotLibraryUnload::oldCopyIsUnmappedAndDeleted()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    lib.setRetiredBudget(0);
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
    lib.setRetiredBudget(0);
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
    lib.setRetiredBudget(0); // the warning comes when the copy is unloaded
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
