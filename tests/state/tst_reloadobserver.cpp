// SPDX-License-Identifier: MIT
// QHotReloadObserver at real swaps, used from real worker threads: a swap
// that finishes while the worker is busy is still reported to it; with
// HoldReloads a swap waits until the worker has been told (the Rust crate's
// observer), and an observer that goes away or waits for the reload instead
// lets it go on. The library's own waitForReload() is the contrast: it only
// sees what happens while the caller waits.

#include "statetest.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotReloadObserver>

#include <QtCore/QSemaphore>
#include <QtCore/QThread>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <functional>
#include <memory>

using namespace QHotStateTest;

namespace {

//! A worker thread running \a script; joined (and checked) by the test.
std::unique_ptr<QThread> startWorker(std::function<void()> script)
{
    std::unique_ptr<QThread> thread(QThread::create(std::move(script)));
    thread->start();
    return thread;
}

//! The counter library's first version, loaded from a file the test replaces.
struct Loaded
{
    Loaded() : file(fixture(QHOT_FIXTURE_STATE_COUNTER_V1)), lib(file.path()) {}
    bool load() { return file.isValid() && lib.load(); }
    //! As a linker would; the swap follows on this thread's event loop.
    bool rebuild(const char *version) const { return file.replaceLikeLd(fixture(version)); }

    WatchedLibrary file;
    QHotLibrary lib;
    QSignalSpy about{&lib, &QHotLibrary::aboutToReload};
    QSignalSpy reloaded{&lib, &QHotLibrary::reloaded};
};

#define LOAD_OR_FAIL(l) QVERIFY2((l).load(), qPrintable((l).lib.errorString()))

} // namespace

class tst_ReloadObserver : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void swapWhileBusyIsReported();
    void severalSwapsAreReportedOnce();
    void holdReloadsHoldsTheSwapUntilTold_data();
    void holdReloadsHoldsTheSwapUntilTold();
    void destroyedObserverReleasesItsHold();
    void withoutHoldTheSwapGoesOn();
    void observerOutlivesItsLibrary();
    void libraryThreadReturnsAtOnce();
};

void tst_ReloadObserver::swapWhileBusyIsReported()
{
    Loaded l;
    LOAD_OR_FAIL(l);

    QSemaphore observing, swapped;
    std::atomic<bool> beforeSwap{true}, observerSaw{false}, librarySaw{true}, seenTwice{true};
    std::atomic<int> versionSeen{0};
    const auto worker = startWorker([&] {
        QHotReloadObserver observer(&l.lib);
        beforeSwap = observer.hasReloaded();
        observing.release();
        swapped.acquire(); // busy while the swap happens
        // Neither waits: the swap is over. Only the observer remembers it.
        librarySaw = l.lib.waitForReload(0);
        observerSaw = observer.waitForReload(0);
        versionSeen = l.lib.version();
        seenTwice = observer.waitForReload(0);
    });
    QVERIFY(observing.tryAcquire(1, Timeout));
    QVERIFY(l.rebuild(QHOT_FIXTURE_STATE_COUNTER_V2));
    QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), 1, Timeout);
    swapped.release();
    QVERIFY(worker->wait(Timeout));

    QVERIFY(!beforeSwap);
    QVERIFY(observerSaw);
    QCOMPARE(versionSeen.load(), 2);
    QVERIFY2(!seenTwice, "a swap is reported once");
    QVERIFY2(!librarySaw, "QHotLibrary::waitForReload() only sees swaps it waits for");
}

void tst_ReloadObserver::severalSwapsAreReportedOnce()
{
    Loaded l;
    LOAD_OR_FAIL(l);
    // Made on this thread, used on the worker's: construction may be anywhere.
    QHotReloadObserver observer(&l.lib);

    QVERIFY(l.rebuild(QHOT_FIXTURE_STATE_COUNTER_V2));
    QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), 1, Timeout);
    QVERIFY(l.rebuild(QHOT_FIXTURE_STATE_COUNTER_V3));
    QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), 2, Timeout);
    QVERIFY(observer.hasReloaded());

    std::atomic<bool> first{false}, second{true};
    const auto worker = startWorker([&] {
        first = observer.waitForReload(0);
        second = observer.waitForReload(0);
    });
    QVERIFY(worker->wait(Timeout));
    QVERIFY(first);
    QVERIFY(!second);
    QVERIFY(!observer.hasReloaded());
}

void tst_ReloadObserver::holdReloadsHoldsTheSwapUntilTold_data()
{
    QTest::addColumn<bool>("asksForAboutToReload");
    QTest::newRow("waitForAboutToReload, release, waitForReload") << true;
    // Never asks for aboutToReload: waiting for the reload lets it happen.
    QTest::newRow("waitForReload only") << false;
}

void tst_ReloadObserver::holdReloadsHoldsTheSwapUntilTold()
{
    QFETCH(bool, asksForAboutToReload);
    Loaded l;
    LOAD_OR_FAIL(l);

    QSemaphore observing, goOn;
    std::atomic<bool> gotBlocker{false}, sawReload{false};
    std::atomic<int> versionWithBlocker{0}, versionAfter{0};
    const auto worker = startWorker([&] {
        QHotReloadObserver observer(&l.lib, QHotReloadObserver::HoldReloads);
        observing.release();
        goOn.acquire(); // busy in its own work when the new version lands
        if (asksForAboutToReload) {
            QHotReloadBlocker blocker = observer.waitForAboutToReload(Timeout);
            gotBlocker = blocker.isValid();
            versionWithBlocker = l.lib.version(); // the old code, still live: time to save
        }
        sawReload = observer.waitForReload(Timeout);
        versionAfter = l.lib.version();
    });
    QVERIFY(observing.tryAcquire(1, Timeout));
    QVERIFY(l.rebuild(QHOT_FIXTURE_STATE_COUNTER_V2));
    QTRY_COMPARE_WITH_TIMEOUT(l.about.count(), 1, Timeout);
    // The swap goes on in the same step as aboutToReload() unless something
    // holds it: here the busy worker's observer does.
    QCOMPARE(l.reloaded.count(), 0);
    QCOMPARE(l.lib.version(), 1);
    goOn.release();
    QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), 1, Timeout);
    QVERIFY(worker->wait(Timeout));

    if (asksForAboutToReload) {
        QVERIFY2(gotBlocker, "the observer is told of a swap that started while its thread was busy");
        QCOMPARE(versionWithBlocker.load(), 1);
    }
    QVERIFY(sawReload);
    QCOMPARE(versionAfter.load(), 2);
    QCOMPARE(l.lib.version(), 2);
}

void tst_ReloadObserver::destroyedObserverReleasesItsHold()
{
    Loaded l;
    LOAD_OR_FAIL(l);

    auto observer = std::make_unique<QHotReloadObserver>(&l.lib, QHotReloadObserver::HoldReloads);
    QCOMPARE(observer->options(), QHotReloadObserver::Options(QHotReloadObserver::HoldReloads));
    QVERIFY(l.rebuild(QHOT_FIXTURE_STATE_COUNTER_V2));
    QTRY_COMPARE_WITH_TIMEOUT(l.about.count(), 1, Timeout);
    QCOMPARE(l.reloaded.count(), 0);
    const auto worker = startWorker([&] { observer.reset(); }); // its thread stops looking
    QVERIFY(worker->wait(Timeout));
    QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), 1, Timeout);
    QCOMPARE(l.lib.version(), 2);
}

void tst_ReloadObserver::withoutHoldTheSwapGoesOn()
{
    Loaded l;
    LOAD_OR_FAIL(l);

    QHotReloadObserver observer(&l.lib);
    QVERIFY(l.rebuild(QHOT_FIXTURE_STATE_COUNTER_V2));
    QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), 1, Timeout);

    // Past swaps give no blocker (there is nothing left to hold); a swap that
    // starts while the worker waits does, and waits for it.
    QSemaphore waiting;
    std::atomic<bool> blockerForPastSwap{true}, blockerForNextSwap{false}, held{false};
    std::atomic<int> versionWithBlocker{0};
    const auto worker = startWorker([&] {
        blockerForPastSwap = observer.waitForAboutToReload(0).isValid();
        waiting.release();
        QHotReloadBlocker blocker = observer.waitForAboutToReload(Timeout);
        blockerForNextSwap = blocker.isValid();
        versionWithBlocker = l.lib.version();
        held = true; // before the blocker goes: the swap it held cannot end first
    });
    QVERIFY(waiting.tryAcquire(1, Timeout));
    // The worker may not be inside the wait yet when a version lands; that
    // version goes through unheld (nothing holds) and the next one is tried.
    int versionBefore = 0;
    for (int attempt = 0; attempt < 10 && !held; ++attempt) {
        versionBefore = l.lib.version();
        const int reloadsBefore = l.reloaded.count();
        QVERIFY(l.rebuild(attempt % 2 == 0 ? QHOT_FIXTURE_STATE_COUNTER_V3
                                           : QHOT_FIXTURE_STATE_COUNTER_V2));
        QTRY_COMPARE_WITH_TIMEOUT(l.reloaded.count(), reloadsBefore + 1, Timeout);
    }
    QVERIFY(worker->wait(Timeout));
    QVERIFY(!blockerForPastSwap);
    QVERIFY(blockerForNextSwap);
    QVERIFY(held);
    QCOMPARE(versionWithBlocker.load(), versionBefore);
}

void tst_ReloadObserver::observerOutlivesItsLibrary()
{
    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_V1));
    QVERIFY(file.isValid());
    auto lib = std::make_unique<QHotLibrary>(file.path());
    QVERIFY2(lib->load(), qPrintable(lib->errorString()));
    QHotReloadObserver observer(lib.get(), QHotReloadObserver::HoldReloads);

    QSemaphore waiting;
    std::atomic<bool> sawReload{true}, gotBlocker{true};
    const auto worker = startWorker([&] {
        waiting.release();
        sawReload = observer.waitForReload(-1); // returns once the library is gone
        gotBlocker = observer.waitForAboutToReload(-1).isValid();
    });
    QVERIFY(waiting.tryAcquire(1, Timeout));
    lib.reset();
    QVERIFY(worker->wait(Timeout));
    QVERIFY(!sawReload);
    QVERIFY(!gotBlocker);
}

void tst_ReloadObserver::libraryThreadReturnsAtOnce()
{
    Loaded l;
    LOAD_OR_FAIL(l);
    QHotReloadObserver observer(&l.lib, QHotReloadObserver::HoldReloads);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("waitForAboutToReload.*own thread")));
    QVERIFY(!observer.waitForAboutToReload(-1).isValid());
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("waitForReload.*own thread")));
    QVERIFY(!observer.waitForReload(-1));
}

QTEST_GUILESS_MAIN(tst_ReloadObserver)
#include "tst_reloadobserver.moc"
