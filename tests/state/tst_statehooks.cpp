// SPDX-License-Identifier: MIT
// Library state hooks (QHOT_LIBRARY_STATE) at real swaps: the running
// version's save hook and the new version's restore hook carry a counter from
// version to version; a value a version cannot restore is kept for the next;
// a save hook that throws refuses the new version; a version refused by the
// hot-function checks never gets its restore hook called.

#include "counterlib.h"
#include "gadgetlib.h"
#include "statetest.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QRegularExpression>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using namespace QHotStateTest;

namespace {

//! The counter library's functions, as an application declares them.
struct CounterModule
{
    explicit CounterModule(const char *libraryPath) : module(libraryPath) {}
    ~CounterModule()
    {
        // The library is a child of the application and would outlive the
        // callables it writes to; take it down first.
        delete module.library();
    }
    Q_DISABLE_COPY_MOVE(CounterModule)

    QHotModule module;
    QHotFunction<decltype(::bump)> bump{module, "bump"};
    QHotFunction<decltype(::counter)> counter{module, "counter"};
    QHotFunction<decltype(::version)> version{module, "version"};
};

struct InventoryModule
{
    explicit InventoryModule(const char *libraryPath) : module(libraryPath) {}
    ~InventoryModule() { delete module.library(); }
    Q_DISABLE_COPY_MOVE(InventoryModule)

    QHotModule module;
    QHotFunction<decltype(inventory::addItem)> addItem{module, "inventory::addItem"};
    QHotFunction<decltype(inventory::totalQuantity)> totalQuantity{module, "inventory::totalQuantity"};
    QHotFunction<decltype(inventory::version)> version{module, "inventory::version"};
};

#define LOAD_OR_FAIL(m) QVERIFY2((m).module.load(), qPrintable((m).module.errorString()))

} // namespace

class tst_StateHooks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void init();
    void counterSurvivesReloads();
    void failedRestoreKeepsTheSavedState_data();
    void failedRestoreKeepsTheSavedState();
    void throwingSaveRefusesTheNewVersion();
    void refusedVersionIsNeverRestored_data();
    void refusedVersionIsNeverRestored();
    void saveRunsAfterAboutToReload();
    void gadgetStateConvertedByTheLibrary();
    void stateMadeOfLibraryLiterals_data();
    void stateMadeOfLibraryLiterals();

private:
    //! What the fixtures' hooks logged during this test, one call a line.
    QStringList hookLog() const;
    //! As the hooks write it, so the order is shared.
    void logLine(const QByteArray &line) const;

    QTemporaryDir m_logDir;
    QString m_logPath;
    int m_logCount = 0;
};

void tst_StateHooks::initTestCase()
{
    QVERIFY(m_logDir.isValid());
}

void tst_StateHooks::init()
{
    // A fresh log per test (and per data row): the hooks read the variable
    // at each call.
    m_logPath = m_logDir.filePath(QStringLiteral("hooks-%1.log").arg(++m_logCount));
    qputenv("QHOT_STATE_LOG", QFile::encodeName(m_logPath));
}

QStringList tst_StateHooks::hookLog() const
{
    return QString::fromUtf8(readFile(m_logPath)).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

void tst_StateHooks::logLine(const QByteArray &line) const
{
    QFile file(m_logPath);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Append));
    file.write(line + '\n');
}

void tst_StateHooks::counterSurvivesReloads()
{
    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_V1));
    QVERIFY(file.isValid());
    CounterModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy restoreFailed(lib, &QHotLibrary::stateRestoreFailed);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    // The restore hook has run by the time reloaded() is emitted.
    QList<int> counterAtReloaded;
    connect(lib, &QHotLibrary::reloaded, this, [&] { counterAtReloaded.append(m.counter()); });

    QCOMPARE(m.version(), 1);
    QCOMPARE(m.bump(), 1);
    QCOMPARE(m.bump(), 2);

    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.version(), 2);
    QCOMPARE(m.counter(), 2);
    QCOMPARE(m.bump(), 3);

    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V3)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(m.version(), 3);
    QCOMPARE(m.bump(), 4);
    QCOMPARE(m.bump(), 5);

    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V4)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 3, Timeout);
    QCOMPARE(m.version(), 4);
    QCOMPARE(m.counter(), 5);
    QCOMPARE(m.bump(), 6);

    QCOMPARE(counterAtReloaded, (QList<int>{2, 3, 5}));
    QCOMPARE(restoreFailed.count(), 0);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(lib->version(), 4);
    QCOMPARE(hookLog(), (QStringList{QStringLiteral("save v1 2"), QStringLiteral("restore v2 2"),
                                     QStringLiteral("save v2 3"), QStringLiteral("restore v3 3"),
                                     QStringLiteral("save v3 5"), QStringLiteral("restore v4 5")}));
}

void tst_StateHooks::failedRestoreKeepsTheSavedState_data()
{
    QTest::addColumn<QString>("second");
    QTest::addColumn<QString>("cause");        // empty: no restore hook, nothing reported
    QTest::addColumn<QStringList>("secondLog"); // what the second version's hooks log

    QTest::newRow("restore returns false")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_V2_RESTORE_FALSE) << QStringLiteral("its restore hook returned false")
            << QStringList{QStringLiteral("restore v2 2")};
    QTest::newRow("restore throws")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_V2_RESTORE_THROWS)
            << QStringLiteral("its restore hook threw (this version cannot read the counter)")
            << QStringList{QStringLiteral("restore v2 2")};
    QTest::newRow("no hooks")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_V2_NO_HOOKS) << QString() << QStringList();
}

void tst_StateHooks::failedRestoreKeepsTheSavedState()
{
    QFETCH(QString, second);
    QFETCH(QString, cause);
    QFETCH(QStringList, secondLog);

    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_V1));
    QVERIFY(file.isValid());
    CounterModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy restoreFailed(lib, &QHotLibrary::stateRestoreFailed);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    QCOMPARE(m.bump(), 1);
    QCOMPARE(m.bump(), 2);

    if (!cause.isEmpty())
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QRegularExpression::escape(cause)));
    QVERIFY(file.replaceLikeLd(second));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.version(), 2);
    // The new version runs, with its own default counter.
    QCOMPARE(m.counter(), 0);
    QCOMPARE(m.bump(), 1);
    if (cause.isEmpty()) {
        QCOMPARE(restoreFailed.count(), 0);
    } else {
        QCOMPARE(restoreFailed.count(), 1);
        const QString reason = restoreFailed.at(0).at(0).toString();
        QVERIFY2(reason.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(reason));
        QVERIFY2(reason.contains(QStringLiteral("version 2")), qPrintable(reason));
        QVERIFY2(reason.contains(cause), qPrintable(reason));
        QCOMPARE(lib->errorString(), reason);
    }

    // The next version gets what v1 saved: v2's own counter is never saved.
    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V3)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(m.version(), 3);
    QCOMPARE(m.counter(), 2);
    QCOMPARE(m.bump(), 3);
    QCOMPARE(restoreFailed.count(), cause.isEmpty() ? 0 : 1);
    QCOMPARE(failed.count(), 0);

    QCOMPARE(hookLog(), QStringList{QStringLiteral("save v1 2")} + secondLog
                     + QStringList{QStringLiteral("restore v3 2")});

    // And it is passed on normally from then on.
    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V4)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 3, Timeout);
    QCOMPARE(m.counter(), 3);
    QVERIFY(hookLog().endsWith(QStringLiteral("restore v4 3")));
}

void tst_StateHooks::throwingSaveRefusesTheNewVersion()
{
    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_SAVE_THROWS));
    QVERIFY(file.isValid());
    CounterModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    QCOMPARE(m.version(), 11);
    QCOMPARE(m.bump(), 1);
    QCOMPARE(m.bump(), 2);
    QCOMPARE(m.bump(), 3);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^reload refused: .*save hook failed \\(it threw")));
    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.at(0).at(0).toString();
    QVERIFY2(reason.startsWith(file.nativePath() + QLatin1Char(' ')), qPrintable(reason));
    QVERIFY2(reason.contains(QStringLiteral("save hook failed (it threw: the counter cannot be saved)")), qPrintable(reason));
    QCOMPARE(lib->errorString(), reason);

    // The old version is still the one called, its counter intact.
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(lib->version(), 1);
    QCOMPARE(m.version(), 11);
    QCOMPARE(m.counter(), 3);
    QCOMPARE(m.bump(), 4);
    QCOMPARE(hookLog(), QStringList{QStringLiteral("save v11 3")});
}

void tst_StateHooks::refusedVersionIsNeverRestored_data()
{
    QTest::addColumn<QString>("refused");
    QTest::addColumn<QString>("mention");

    QTest::newRow("signature changed")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_SIGNATURE) << QStringLiteral("changed the signature of 'bump'");
    QTest::newRow("function missing")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_MISSING) << QStringLiteral("has no hot function 'version'");
}

void tst_StateHooks::refusedVersionIsNeverRestored()
{
    QFETCH(QString, refused);
    QFETCH(QString, mention);

    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_V1));
    QVERIFY(file.isValid());
    CounterModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy about(lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    QSignalSpy restoreFailed(lib, &QHotLibrary::stateRestoreFailed);

    QCOMPARE(m.bump(), 1);
    QCOMPARE(m.bump(), 2);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^reload refused: ")));
    QVERIFY(file.replaceLikeLd(refused));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.at(0).at(0).toString();
    QVERIFY2(reason.contains(mention), qPrintable(reason));
    QCOMPARE(about.count(), 0);
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(restoreFailed.count(), 0);
    QCOMPARE(m.version(), 1);
    QCOMPARE(m.counter(), 2);
    // Neither hook of either version ran: nothing was swapped.
    QCOMPARE(hookLog(), QStringList());

    // The next good version still gets the running version's counter.
    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.version(), 2);
    QCOMPARE(m.bump(), 3);
    QCOMPARE(hookLog(), (QStringList{QStringLiteral("save v1 2"), QStringLiteral("restore v2 2")}));
}

void tst_StateHooks::saveRunsAfterAboutToReload()
{
    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_V1));
    QVERIFY(file.isValid());
    CounterModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);

    QCOMPARE(m.bump(), 1);
    // A slot of aboutToReload still talks to the old version, and what it
    // changes there is what gets saved.
    int versionSeen = 0;
    int bumpedTo = 0;
    connect(lib, &QHotLibrary::aboutToReload, this, [&] {
        logLine("aboutToReload");
        versionSeen = m.version();
        bumpedTo = m.bump();
    });

    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(versionSeen, 1);
    QCOMPARE(bumpedTo, 2);
    QCOMPARE(m.version(), 2);
    QCOMPARE(m.counter(), 2);
    QCOMPARE(hookLog(), (QStringList{QStringLiteral("aboutToReload"), QStringLiteral("save v1 2"),
                                     QStringLiteral("restore v2 2")}));
}

// The pattern qhotstate.h documents: the library's hooks convert its own
// Q_GADGET state (a list of gadgets whose field type differs between the
// versions) to a QVariantMap and back, over many swaps in both directions.
//
// Converting QList<Item> registers the library's QMetaType for it with Qt,
// and a view of it as a sequence whose functions are the library's code. The
// core must forget both before the next version registers its own (ids are
// reused), or the next version reads its list through the old version's
// element type, or through unmapped memory.
void tst_StateHooks::gadgetStateConvertedByTheLibrary()
{
    const QString versions[] = {fixture(QHOT_FIXTURE_STATE_GADGET_V1), fixture(QHOT_FIXTURE_STATE_GADGET_V2)};
    WatchedLibrary file(versions[0]);
    QVERIFY(file.isValid());
    InventoryModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy restoreFailed(lib, &QHotLibrary::stateRestoreFailed);

    QCOMPARE(m.addItem(), 1);
    QCOMPARE(m.addItem(), 2);
    int items = 2;
    for (int i = 1; i <= 6; ++i) {
        const int expected = i % 2 == 0 ? 1 : 2;
        QVERIFY(file.replaceLikeLd(versions[expected - 1]));
        QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), i, Timeout);
        QCOMPARE(m.version(), expected);
        QCOMPARE(m.totalQuantity(), items * (items + 1) / 2);
        QCOMPARE(m.addItem(), ++items);
    }
    QCOMPARE(restoreFailed.count(), 0);
}

void tst_StateHooks::stateMadeOfLibraryLiterals_data()
{
    QTest::addColumn<QString>("second");
    QTest::addColumn<QStringList>("expectedLog");

    QTest::newRow("restored by the next version")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_STRINGS_V2)
            << QStringList{QStringLiteral("save v21 1"), QStringLiteral("restore v22 1 saved by a counter library"),
                           QStringLiteral("save v22 1"), QStringLiteral("restore v23 1 saved by a counter library")};
    QTest::newRow("kept over a version without hooks")
            << fixture(QHOT_FIXTURE_STATE_COUNTER_V2_NO_HOOKS)
            << QStringList{QStringLiteral("save v21 1"), QStringLiteral("restore v23 1 saved by a counter library")};
}

// A save hook's QVariantMap built from QStringLiterals points into the old
// version's read-only data (Qt 6 string literals are not copied). The value
// must stay readable after that version is unloaded.
// The core copies the saved value off the old version's data before it
// unloads it (also when it keeps the value across versions).
void tst_StateHooks::stateMadeOfLibraryLiterals()
{
    QFETCH(QString, second);
    QFETCH(QStringList, expectedLog);

    WatchedLibrary file(fixture(QHOT_FIXTURE_STATE_COUNTER_STRINGS_V1));
    QVERIFY(file.isValid());
    CounterModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QCOMPARE(m.bump(), 1);

    QVERIFY(file.replaceLikeLd(second));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QVERIFY(file.replaceLikeLd(fixture(QHOT_FIXTURE_STATE_COUNTER_STRINGS_V3)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(m.version(), 23);
    QCOMPARE(m.counter(), 1);
    QCOMPARE(hookLog(), expectedLog);
}

QTEST_GUILESS_MAIN(tst_StateHooks)

#include "tst_statehooks.moc"
