// SPDX-License-Identifier: MIT
// The version root: library objects adopted by a version (QHotReload::adopt)
// and library lambdas connected through it (QHotReload::connect) are gone
// before that version is unloaded, while the application's timer keeps
// firing into the library across many reloads.

#include "rootlib.h"
#include "statetest.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QPointer>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotStateTest;

namespace {

struct RootModule
{
    explicit RootModule(const char *libraryPath) : module(libraryPath) {}
    ~RootModule() { delete module.library(); }
    Q_DISABLE_COPY_MOVE(RootModule)

    QHotModule module;
    QHotFunction<decltype(rootlib::start)> start{module, "rootlib::start"};
    QHotFunction<decltype(rootlib::version)> version{module, "rootlib::version"};
};

constexpr int Reloads = 50;

} // namespace

class tst_VersionRoot : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void objectsAndConnectionsGoWithTheirVersion();
};

void tst_VersionRoot::objectsAndConnectionsGoWithTheirVersion()
{
    const QString versions[] = {fixture(QHOT_FIXTURE_STATE_ROOT_V1), fixture(QHOT_FIXTURE_STATE_ROOT_V2)};
    WatchedLibrary file(versions[0]);
    QVERIFY(file.isValid());
    RootModule m(file.path8());
    QVERIFY2(m.module.load(), qPrintable(m.module.errorString()));
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    QTimer hostTimer;
    hostTimer.setInterval(1);
    hostTimer.start();

    rootlib::Counters counters;
    QPointer<QObject> probe = m.start(&hostTimer, &counters);
    QVERIFY(probe);
    QCOMPARE(counters.alive, 1);
    QVERIFY(probe->parent());
    QVERIFY(probe->parent() != QCoreApplication::instance());

    // What the application sees at each reloaded(): the old version's
    // objects already destroyed (by their own destructor, in the library).
    int reloadsSeen = 0;
    int oldProbesLeft = 0;
    int aliveAtReloaded = 0;
    connect(lib, &QHotLibrary::reloaded, this, [&] {
        ++reloadsSeen;
        if (probe)
            ++oldProbesLeft;
        aliveAtReloaded += counters.alive;
        probe = m.start(&hostTimer, &counters); // the new version starts up
    });

    QTRY_VERIFY_WITH_TIMEOUT(counters.timeouts > 0 && counters.ticks > 0, Timeout);
    QCOMPARE(counters.lastVersion, 1);

    for (int i = 1; i <= Reloads; ++i) {
        const int expected = i % 2 == 0 ? 1 : 2;
        QVERIFY(file.replaceLikeLd(versions[expected - 1]));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), i, Timeout);
        QCOMPARE(reloadsSeen, i);
        QCOMPARE(oldProbesLeft, 0);
        QCOMPARE(aliveAtReloaded, 0);
        QVERIFY(probe);
        QCOMPARE(probe->objectName(), QStringLiteral("rootlib-probe-v%1").arg(expected));
        QCOMPARE(counters.alive, 1);
        QCOMPARE(m.version(), expected);

        // Both the new lambda and the new probe's own timer run; only the
        // new version's lambda is connected.
        const int timeouts = counters.timeouts;
        const int ticks = counters.ticks;
        QTRY_VERIFY_WITH_TIMEOUT(counters.timeouts > timeouts + 2 && counters.ticks > ticks, Timeout);
        QCOMPARE(counters.lastVersion, expected);
    }
    QCOMPARE(failed.count(), 0);
    QCOMPARE(lib->version(), Reloads + 1);

    // Unloading takes the last version's objects and connections too.
    QVERIFY(lib->unload());
    QVERIFY(!probe);
    QCOMPARE(counters.alive, 0);
    const int timeouts = counters.timeouts;
    QTest::qWait(20); // the host timer keeps firing: nothing of the library is called
    QCOMPARE(counters.timeouts, timeouts);
}

QTEST_GUILESS_MAIN(tst_VersionRoot)

#include "tst_versionroot.moc"
