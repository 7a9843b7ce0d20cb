// SPDX-License-Identifier: MIT
// Threads through 200 reloads: workers call hot functions (marshaled to the
// library's thread), one thread takes and releases blockers, one waits for
// aboutToReload and reloaded and checks that its blocker really holds the swap
// back. Every call must return the right value, nothing may deadlock, and the
// test is meant for the tsan preset too (tsan.supp).

#include "torturetest.h"

#include <QtCore/QMutex>
#include <QtCore/QScopeGuard>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

using namespace QHotTorture;

class tst_TortureConcurrency : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void threadsThroughReloads();
};

void tst_TortureConcurrency::initTestCase()
{
#if defined(Q_OS_UNIX)
    ::umask(022);
#endif
}

namespace {

//! Which fixture the library's version \a version is: v1 first, then v2, v1, ...
int answerForVersion(int version)
{
    return version % 2 == 1 ? 1 : 2;
}

} // namespace

void tst_TortureConcurrency::threadsThroughReloads()
{
    constexpr int Callers = 3;
    constexpr int Reloads = 200;
    const QByteArray v1 = readFile(fixture(QHOT_TORTURE_V1));
    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));

    WatchedLibrary file(fixture(QHOT_TORTURE_V1));
    QVERIFY(file.isValid());
    TortureModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    std::atomic<bool> stop{false};
    std::atomic<int> finished{0};
    std::atomic<qint64> calls{0};
    std::atomic<qint64> blocks{0};
    std::atomic<qint64> waitedSwaps{0};
    QMutex badMutex;
    QStringList bad;
    const auto report = [&](const QString &what) {
        QMutexLocker lock(&badMutex);
        if (bad.size() < 20)
            bad.append(what);
    };

    std::vector<std::thread> threads;
    const auto joinAll = qScopeGuard([&] {
        stop = true;
        for (std::thread &t : threads)
            t.join();
    });

    // Callers: every result is checked where it is made.
    for (int w = 0; w < Callers; ++w) {
        threads.emplace_back([&, w] {
            torture::State state{0};
            for (int i = 0; !stop.load(); ++i) {
                try {
                    const int sum = m.add(i, w);
                    if (sum != i + w)
                        report(QStringLiteral("caller %1: add(%2, %1) = %3").arg(w).arg(i).arg(sum));
                    const int answer = m.answer();
                    if (answer != 1 && answer != 2)
                        report(QStringLiteral("caller %1: answer() = %2").arg(w).arg(answer));
                    m.step(state);
                    if (state.counter != i + 1)
                        report(QStringLiteral("caller %1: step left the counter at %2, not %3").arg(w).arg(state.counter).arg(i + 1));
                    calls.fetch_add(3);
                } catch (const std::exception &e) {
                    report(QStringLiteral("caller %1 threw: %2").arg(w).arg(QString::fromUtf8(e.what())));
                }
            }
            finished.fetch_add(1);
        });
    }

    // Blockers taken and released at random moments, some holding across a call.
    threads.emplace_back([&] {
        for (int i = 0; !stop.load(); ++i) {
            QHotReloadBlocker blocker = lib->blockReload();
            if (!blocker)
                report(QStringLiteral("blockReload() gave an invalid blocker"));
            blocks.fetch_add(1);
            if (i % 3 == 0) {
                try {
                    const int answer = m.answer();
                    if (answer != 1 && answer != 2)
                        report(QStringLiteral("blocker thread: answer() = %1").arg(answer));
                } catch (const std::exception &e) {
                    report(QStringLiteral("blocker thread threw: %1").arg(QString::fromUtf8(e.what())));
                }
            }
            pause(i % 3); // the work done under the block
            blocker.release();
            pause(1);
        }
        finished.fetch_add(1);
    });

    // The reload-events pattern: wait for aboutToReload, hold the swap while
    // "saving", check it really waits, release, wait for reloaded.
    threads.emplace_back([&] {
        while (!stop.load()) {
            QHotReloadBlocker blocker = lib->waitForAboutToReload(100);
            if (!blocker)
                continue; // timed out: look at stop again
            const int before = lib->version();
            try {
                const int answer = m.answer();
                if (answer != answerForVersion(before))
                    report(QStringLiteral("old code answered %1 at version %2 during aboutToReload").arg(answer).arg(before));
            } catch (const std::exception &e) {
                report(QStringLiteral("waiter threw: %1").arg(QString::fromUtf8(e.what())));
            }
            pause(1); // saving
            if (lib->version() != before)
                report(QStringLiteral("the swap from version %1 did not wait for the blocker").arg(before));
            blocker.release();
            if (!lib->waitForReload(Timeout)) {
                report(QStringLiteral("waitForReload() timed out after version %1").arg(before));
                continue;
            }
            if (lib->version() <= before)
                report(QStringLiteral("waitForReload() returned at version %1, not past %2").arg(lib->version()).arg(before));
            waitedSwaps.fetch_add(1);
        }
        finished.fetch_add(1);
    });

    for (int i = 0; i < Reloads; ++i) {
        const QByteArray &next = i % 2 == 0 ? v2 : v1;
        // Two ways a build replaces the file, in turn.
        QVERIFY((i / 2) % 2 == 0 ? writeLikeLd(file.path(), next) : writeRenameOver(file.path(), next));
        QVERIFY2(waitForVersion(*lib, i + 2), qPrintable(QStringLiteral("reload %1: at version %2").arg(i).arg(lib->version())));
        QCOMPARE(m.answer(), answerForVersion(i + 2)); // and straight from this thread
        // Some calls made on this version before the next.
        const qint64 after = calls.load();
        QVERIFY(waitUntil([&] { return calls.load() > after + 3 * Callers; }));
    }

    stop = true;
    // Their last calls and blocks still need this thread's event loop.
    QTRY_COMPARE_WITH_TIMEOUT(finished.load(), Callers + 2, Timeout);
    for (std::thread &t : threads)
        t.join();
    threads.clear();

    qInfo("%d reloads: %lld calls, %lld blocks, %lld swaps waited for from another thread", Reloads,
          calls.load(), blocks.load(), waitedSwaps.load());
    QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; "))));
    QCOMPARE(reloaded.count(), Reloads);
    QCOMPARE(failed.count(), 0);
    QVERIFY(blocks.load() > 0);
    QVERIFY(waitedSwaps.load() > 0);
    QCOMPARE(m.answer(), 1); // an even number of swaps: back at v1
}

QTEST_GUILESS_MAIN(tst_TortureConcurrency)
#include "tst_torture_concurrency.moc"
