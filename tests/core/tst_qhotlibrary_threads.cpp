// SPDX-License-Identifier: MIT
// QHotLibrary's swap held back by blockers, and the thread-safe waits.

#include "testutil.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QMutex>
#include <QtCore/QRegularExpression>
#include <QtCore/QSemaphore>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <functional>
#include <memory>
#include <thread>

using namespace QHotTest;

namespace {

constexpr int Timeout = 10000;

//! What happened, in order, on whichever thread.
class EventLog
{
public:
    void add(const QString &event)
    {
        QMutexLocker lock(&m_mutex);
        m_events.append(event);
    }
    QStringList events() const
    {
        QMutexLocker lock(&m_mutex);
        return m_events;
    }

private:
    mutable QMutex m_mutex;
    QStringList m_events;
};

} // namespace

class tst_QHotLibraryThreads : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void blockerDelaysSwap();
    void blockerOutlivesLibrary();
    void waitsOnOwnerThreadReturnAtOnce();
    void waitForReloadFromWorker();
    void waitForReloadTimesOut();
    void waitForAboutToReloadHoldsSwap();
};

void tst_QHotLibraryThreads::blockerDelaysSwap()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QSignalSpy aboutToReload(&lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);

    QHotReloadBlocker blocker = lib.blockReload();
    QVERIFY(blocker.isValid());
    QVERIFY(writeLikeLd(path, readFile(answerFixture(2))));

    QTRY_COMPARE_WITH_TIMEOUT(aboutToReload.count(), 1, Timeout);
    // Without the blocker the swap follows aboutToReload() at once, in the
    // same call: that it has not happened is the blocker's doing.
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(call(lib), 1);
    QCOMPARE(lib.version(), 1);

    blocker.release();
    QVERIFY(!blocker.isValid());
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(aboutToReload.count(), 1);
    QCOMPARE(call(lib), 2);
    QCOMPARE(lib.version(), 2);
}

void tst_QHotLibraryThreads::blockerOutlivesLibrary()
{
    WatchedDir watched;
    auto lib = std::make_unique<QHotLibrary>(watched.add(answerFixture(1)));
    QVERIFY2(lib->load(), qPrintable(lib->errorString()));
    QHotReloadBlocker blocker = lib->blockReload();
    QHotReloadBlocker copy = blocker;
    QVERIFY(copy.isValid());
    lib.reset();
    blocker.release();
    copy = QHotReloadBlocker();
    QVERIFY(!copy.isValid());
    QVERIFY(!QHotReloadBlocker().isValid());
}

void tst_QHotLibraryThreads::waitsOnOwnerThreadReturnAtOnce()
{
    WatchedDir watched;
    QHotLibrary lib(watched.add(answerFixture(1)));
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("waitForReload.*own thread")));
    QVERIFY(!lib.waitForReload(-1));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("waitForAboutToReload.*own thread")));
    QVERIFY(!lib.waitForAboutToReload(-1).isValid());
}

void tst_QHotLibraryThreads::waitForReloadFromWorker()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);

    std::atomic<bool> started{false};
    std::atomic<bool> done{false};
    std::atomic<bool> result{false};
    std::atomic<int> versionAfter{0};
    std::thread worker([&] {
        started = true;
        result = lib.waitForReload(20000);
        versionAfter = lib.version();
        done = true;
    });
    Joiner joiner(worker);
    QTRY_VERIFY_WITH_TIMEOUT(started.load(), Timeout);

    // The worker may not be inside waitForReload() yet when a rebuild lands,
    // and then rightly waits for the next: rebuild until it has seen one.
    int v = 1;
    while (!done && v < 10) {
        ++v;
        QVERIFY(writeLikeLd(path, readFile(answerFixture(v))));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), v - 1, Timeout);
        // Not an assertion: a late worker is answered by the next rebuild.
        (void)QTest::qWaitFor([&] { return done.load(); }, 2000);
    }
    QVERIFY(done);
    worker.join();
    QVERIFY(result);
    QVERIFY(versionAfter >= 2);
    QCOMPARE(call(lib), v);
}

void tst_QHotLibraryThreads::waitForReloadTimesOut()
{
    WatchedDir watched;
    QHotLibrary lib(watched.add(answerFixture(1)));
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    bool result = true;
    std::thread worker([&] { result = lib.waitForReload(50); });
    worker.join();
    QVERIFY(!result);

    QHotReloadBlocker blocker;
    std::thread other([&] { blocker = lib.waitForAboutToReload(50); });
    other.join();
    QVERIFY(!blocker.isValid());
}

void tst_QHotLibraryThreads::waitForAboutToReloadHoldsSwap()
{
    WatchedDir watched;
    const QString path = watched.add(answerFixture(1));
    QHotLibrary lib(path);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QSignalSpy aboutToReload(&lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);

    EventLog log;
    connect(&lib, &QHotLibrary::aboutToReload, this, [&] {
        log.add(QStringLiteral("aboutToReload, answer %1").arg(call(lib)));
    });
    connect(&lib, &QHotLibrary::reloaded, this, [&] {
        log.add(QStringLiteral("reloaded, answer %1").arg(call(lib)));
    });

    std::atomic<bool> started{false};
    std::atomic<bool> holding{false};
    std::atomic<bool> done{false};
    QSemaphore mayRelease;
    std::thread worker([&] {
        started = true;
        QHotReloadBlocker blocker = lib.waitForAboutToReload(20000);
        if (!blocker.isValid()) {
            done = true;
            return;
        }
        // Saving state here: the old version is still the live one.
        log.add(QStringLiteral("worker holds, version %1").arg(lib.version()));
        holding = true;
        (void)mayRelease.tryAcquire(1, 20000);
        log.add(QStringLiteral("worker releases, version %1").arg(lib.version()));
        blocker.release();
        done = true;
    });
    Joiner joiner(worker, [&] {
        if (!done)
            mayRelease.release();
    });
    QTRY_VERIFY_WITH_TIMEOUT(started.load(), Timeout);

    // As in waitForReloadFromWorker(): if the worker was not waiting yet when
    // a version arrived, that version goes through and the next one is held.
    int v = 1;
    while (!holding && !done && v < 10) {
        ++v;
        const int reloadsBefore = reloaded.count();
        QVERIFY(writeLikeLd(path, readFile(answerFixture(v))));
        QTRY_VERIFY_WITH_TIMEOUT(holding || reloaded.count() > reloadsBefore, Timeout);
    }
    QVERIFY(holding);
    QTRY_COMPARE_WITH_TIMEOUT(aboutToReload.count(), v - 1, Timeout);
    // Held: the swap, which would follow aboutToReload() at once, has not come.
    QCOMPARE(reloaded.count(), v - 2);
    QCOMPARE(lib.version(), v - 1);
    QCOMPARE(call(lib), v - 1);
    log.add(QStringLiteral("owner sees old version %1").arg(lib.version()));

    mayRelease.release();
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), v - 1, Timeout);
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), Timeout);
    worker.join();
    QCOMPARE(call(lib), v);
    QCOMPARE(lib.version(), v);

    // Only the held version's events matter; earlier ones went through unheld.
    const QString about = QStringLiteral("aboutToReload, answer %1").arg(v - 1);
    const QString holds = QStringLiteral("worker holds, version %1").arg(v - 1);
    const QString ownerSees = QStringLiteral("owner sees old version %1").arg(v - 1);
    const QString releases = QStringLiteral("worker releases, version %1").arg(v - 1);
    const QString swapped = QStringLiteral("reloaded, answer %1").arg(v);
    const QStringList all = log.events();
    const qsizetype iHolds = all.indexOf(holds);
    const qsizetype iOwner = all.indexOf(ownerSees);
    const qsizetype iReleases = all.indexOf(releases);
    const qsizetype iSwapped = all.indexOf(swapped);
    const qsizetype iAbout = all.lastIndexOf(about);
    QVERIFY2(iHolds >= 0 && iOwner >= 0 && iReleases >= 0 && iSwapped >= 0 && iAbout >= 0,
             qPrintable(all.join(QStringLiteral("; "))));
    QVERIFY2(iHolds < iOwner && iOwner < iReleases && iReleases < iSwapped && iAbout < iSwapped,
             qPrintable(all.join(QStringLiteral("; "))));
}

QTEST_GUILESS_MAIN(tst_QHotLibraryThreads)
#include "tst_qhotlibrary_threads.moc"
