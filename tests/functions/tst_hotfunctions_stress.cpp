// SPDX-License-Identifier: MIT
// Worker threads calling hot functions without pause while the library is
// replaced a hundred times. Also meant for the tsan preset (see tsan.supp for
// what TSan cannot see with a distribution Qt).

#include "functionstest.h"

#include <QHotReload/QHotLibrary>

#include <QtCore/QMutex>
#include <QtCore/QScopeGuard>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <array>
#include <atomic>
#include <thread>
#include <vector>

using namespace QHotFunctionsTest;

class tst_HotFunctionsStress : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void callsThroughReloads();
};

void tst_HotFunctionsStress::callsThroughReloads()
{
    constexpr int Workers = 4;
    constexpr int Reloads = 100;
    const QString v1 = fixture(QHOT_FUNCTIONS_GAME_V1);
    const QString v2 = fixture(QHOT_FUNCTIONS_GAME_V2);

    WatchedLibrary file(v1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    // Proof that the main thread's event loop keeps turning all along.
    int heartbeats = 0;
    QTimer heartbeat;
    connect(&heartbeat, &QTimer::timeout, this, [&] { ++heartbeats; });
    heartbeat.start(10);

    std::atomic<bool> stop{false};
    std::atomic<int> finished{0};
    std::array<std::atomic<qint64>, Workers> calls{};
    std::array<std::atomic<qint64>, 3> seen{}; // calls answered by v1, by v2, by anything else
    QMutex badMutex;
    QStringList bad;
    const auto report = [&](const QString &what) {
        seen[2].fetch_add(1);
        QMutexLocker lock(&badMutex);
        if (bad.size() < 20)
            bad.append(what);
    };
    const auto total = [&] {
        qint64 sum = 0;
        for (const auto &c : calls)
            sum += c.load();
        return sum;
    };

    std::vector<std::thread> workers;
    const auto joinAll = qScopeGuard([&] {
        stop = true;
        for (std::thread &t : workers)
            t.join();
    });
    for (int w = 0; w < Workers; ++w) {
        workers.emplace_back([&, w] {
            const QString name = QStringLiteral("w%1").arg(w);
            for (qint64 i = 0; !stop.load(); ++i) {
                try {
                    // Three functions in turn, each checked against both versions.
                    int version = 0;
                    switch (i % 3) {
                    case 0: {
                        const int v = m.answer();
                        version = v - 40;
                        break;
                    }
                    case 1: {
                        const int v = m.valueA();
                        version = v - 100;
                        break;
                    }
                    default: {
                        const QString g = m.greeting(name);
                        if (g == QStringLiteral("hello %1 from v1").arg(name))
                            version = 1;
                        else if (g == QStringLiteral("hello %1 from v2").arg(name))
                            version = 2;
                        else
                            report(QStringLiteral("greeting: '%1'").arg(g));
                        break;
                    }
                    }
                    if (version == 1 || version == 2)
                        seen[size_t(version - 1)].fetch_add(1);
                    else if (i % 3 != 2)
                        report(QStringLiteral("call %1 answered as version %2").arg(i % 3).arg(version));
                    calls[size_t(w)].fetch_add(1);
                } catch (const std::exception &e) {
                    report(QStringLiteral("threw: %1").arg(QString::fromUtf8(e.what())));
                }
            }
            finished.fetch_add(1);
        });
    }

    for (int i = 0; i < Reloads; ++i) {
        const QString &next = i % 2 == 0 ? v2 : v1;
        // Both ways a build replaces the file, in turn.
        const bool written = (i / 2) % 2 == 0 ? file.replaceLikeLd(next) : file.replaceRenameOver(next);
        QVERIFY(written);
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), i + 1, Timeout);
        QCOMPARE(lib->version(), i + 2);
        // More calls than can be in flight across the swap: some ran on this version.
        const qint64 after = total();
        QTRY_VERIFY_WITH_TIMEOUT(total() > after + Workers, Timeout);
    }

    stop = true;
    // Their last calls still need this thread's event loop.
    QTRY_COMPARE_WITH_TIMEOUT(finished.load(), Workers, Timeout);
    for (std::thread &t : workers)
        t.join();
    workers.clear();

    const qint64 made = total();
    qInfo("%lld calls through %d reloads (%lld answered by v1, %lld by v2), %d heartbeats", made, Reloads,
          seen[0].load(), seen[1].load(), heartbeats);
    QVERIFY2(bad.isEmpty(), qPrintable(bad.join(QStringLiteral("; "))));
    QCOMPARE(seen[2].load(), 0);
    for (int w = 0; w < Workers; ++w)
        QVERIFY2(calls[size_t(w)].load() > 0, qPrintable(QStringLiteral("worker %1 made no call").arg(w)));
    QVERIFY(seen[0].load() > 0);
    QVERIFY(seen[1].load() > 0);
    QCOMPARE(seen[0].load() + seen[1].load(), made);
    QCOMPARE(reloaded.count(), Reloads);
    QCOMPARE(failed.count(), 0);
    QVERIFY(heartbeats > 0);
    QCOMPARE(m.answer(), 41); // an even number of swaps: back at v1
}

QTEST_GUILESS_MAIN(tst_HotFunctionsStress)
#include "tst_hotfunctions_stress.moc"
