// SPDX-License-Identifier: MIT
// Hot functions: same-signature callables over a hot library, the checks made
// on every version, marshaling from other threads, and QHotLibrary::call().

#include "functionstest.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QPoint>
#include <QtCore/QRegularExpression>
#include <QtCore/QSemaphore>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <atomic>
#include <memory>
#include <stdexcept>
#include <thread>

using namespace QHotFunctionsTest;

// --- Modules declared with the macros, as an application does ----------------
//
// Their QHotFunction objects are made during static initialization, which is
// when QHOT_MODULE_LIBRARY reads the path: the directory exists from then on,
// the library file is put there by the test before the first call.

namespace QHotFunctionsTest {
inline const QTemporaryDir &macroDir()
{
    static const QTemporaryDir dir;
    return dir;
}
inline const char *macroLibraryPath()
{
    static const QByteArray path = QFile::encodeName(macroDir().filePath(QStringLiteral("libgame.so")));
    return path.constData();
}
} // namespace QHotFunctionsTest

namespace hot_game {
QHOT_MODULE_LIBRARY(QHotFunctionsTest::macroLibraryPath());
QHOT_FUNCTION(step, game::step);
QHOT_FUNCTION(value, game::value);
QHOT_FUNCTION(valueA, a::value);
QHOT_FUNCTION(valueB, b::value);
} // namespace hot_game

QHOT_MODULE(hot_global, QHotFunctionsTest::macroLibraryPath(), answer, greeting);
QHOT_MODULE_SCOPED(hot_scoped, QHotFunctionsTest::macroLibraryPath(), game, step, value);

namespace {

const QString V1 = fixture(QHOT_FUNCTIONS_GAME_V1);
const QString V2 = fixture(QHOT_FUNCTIONS_GAME_V2);

#define LOAD_OR_FAIL(m) QVERIFY2((m).module.load(), qPrintable((m).module.errorString()))

} // namespace

class tst_HotFunctions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void swapChangesWhatCallsReach();
    void refusedVersionKeepsTheOldOne_data();
    void refusedVersionKeepsTheOldOne();
    void badFirstVersionIsNotLoaded_data();
    void badFirstVersionIsNotLoaded();
    void moduleJoiningWithoutItsFunctionSaysWhy();
    void macroModules();
    void nestedEventLoopDefersSwap();
    void exceptionOnOwnerThread();
    void callsFromWorkerThread();
    void deadlockTimesOut_data();
    void deadlockTimesOut();
    void callByName_data();
    void callByName();
    void callByNameRefused_data();
    void callByNameRefused();
    void returnedContainersOutliveTheirVersion();
};

void tst_HotFunctions::swapChangesWhatCallsReach()
{
    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QVERIFY(lib);
    QCOMPARE(lib->version(), 1);

    game::State state{0};
    m.step(state);
    QCOMPARE(state.counter, 1);
    QCOMPARE(m.value(state), 1001);
    QCOMPARE(m.answer(), 41);
    QCOMPARE(m.valueA(), 101);
    QCOMPARE(m.valueB(), 201);
    QCOMPARE(m.greeting(QStringLiteral("there")), QStringLiteral("hello there from v1"));

    QSignalSpy about(lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    QVERIFY(file.replaceLikeLd(V2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(about.count(), 1);
    QCOMPARE(lib->version(), 2);
    m.step(state); // the state lives on in the application, the code is new
    QCOMPARE(state.counter, 3);
    QCOMPARE(m.value(state), 2003);
    QCOMPARE(m.answer(), 42);
    QCOMPARE(m.valueA(), 102);
    QCOMPARE(m.valueB(), 202);
    QCOMPARE(m.greeting(QStringLiteral("there")), QStringLiteral("hello there from v2"));

    // And back, replaced the other way a build does it.
    QVERIFY(file.replaceRenameOver(V1));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 2, Timeout);
    QCOMPARE(lib->version(), 3);
    QCOMPARE(m.answer(), 41);
    QCOMPARE(m.valueA(), 101);
    QCOMPARE(failed.count(), 0);
}

void tst_HotFunctions::refusedVersionKeepsTheOldOne_data()
{
    QTest::addColumn<QString>("library");
    QTest::addColumn<QStringList>("mentions");

    QTest::newRow("signature")
            << fixture(QHOT_FUNCTIONS_GAME_V3_SIGNATURE)
            << QStringList{QStringLiteral("changed the signature of 'game::step'"),
                           QStringLiteral("'void(game::State&)'"), QStringLiteral("'void(game::State&, int)'"),
                           QStringLiteral("restart the application")};
    QTest::newRow("layout")
            << fixture(QHOT_FUNCTIONS_GAME_V4_LAYOUT)
            << QStringList{QStringLiteral("changed the layout of type 'game::State'"),
                           QStringLiteral("size 4, alignment 4 in the running application"),
                           QStringLiteral("size 8, alignment 4 in the new library")};
    QTest::newRow("missing function")
            << fixture(QHOT_FUNCTIONS_GAME_V5_MISSING)
            << QStringList{QStringLiteral("has no hot function 'answer'")};
    QTest::newRow("plain library")
            << fixture(QHOT_FUNCTIONS_GAME_V6_PLAIN)
            << QStringList{QStringLiteral("is not a hot library"), QStringLiteral("qhotreload_manifest_v1")};
}

void tst_HotFunctions::refusedVersionKeepsTheOldOne()
{
    QFETCH(QString, library);
    QFETCH(QStringList, mentions);

    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);

    QVERIFY(file.replaceLikeLd(V2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.answer(), 42);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("^reload refused: ")));
    QVERIFY(file.replaceLikeLd(library));
    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout);
    const QString reason = failed.at(0).at(0).toString();
    QVERIFY2(reason.startsWith(file.nativePath()), qPrintable(reason));
    for (const QString &mention : std::as_const(mentions))
        QVERIFY2(reason.contains(mention), qPrintable(QStringLiteral("'%1' not in: %2").arg(mention, reason)));
    QCOMPARE(lib->errorString(), reason);

    // v2 still answers, and nothing was swapped.
    QCOMPARE(reloaded.count(), 1);
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.answer(), 42);
    game::State state{0};
    m.step(state);
    QCOMPARE(state.counter, 2);
    QCOMPARE(m.value(state), 2002);
}

void tst_HotFunctions::badFirstVersionIsNotLoaded_data()
{
    refusedVersionKeepsTheOldOne_data();
}

void tst_HotFunctions::badFirstVersionIsNotLoaded()
{
    QFETCH(QString, library);
    QFETCH(QStringList, mentions);

    WatchedLibrary file(library);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    // The layout row compares against this build's State: the fixture's is bigger.
    QVERIFY(!m.module.load());
    const QString reason = m.module.errorString();
    QVERIFY2(reason.startsWith(file.nativePath()), qPrintable(reason));
    for (const QString &mention : std::as_const(mentions))
        QVERIFY2(reason.contains(mention), qPrintable(QStringLiteral("'%1' not in: %2").arg(mention, reason)));
    QHotLibrary *lib = m.module.library();
    QVERIFY(!lib->isLoaded());
    QCOMPARE(lib->version(), 0);
    QCOMPARE(lib->errorString(), reason);

    // A call cannot load it either, and says why.
    try {
        m.valueA();
        QFAIL("a call into a refused library returned");
    } catch (const QHotCallError &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(QStringLiteral("cannot call 'a::value'")), e.what());
        QVERIFY2(what.contains(mentions.first()), e.what());
    }
}

void tst_HotFunctions::moduleJoiningWithoutItsFunctionSaysWhy()
{
    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);

    // A second module of the same file joins the running version, which does
    // not have one of its functions: it is not loaded for this module, its
    // error (one place, whoever wrote it) names the function, and its calls
    // say the same instead of calling through a null pointer. The first
    // module runs on.
    QHotModule late(file.path8());
    QHotFunction<int()> missing{late, "notInTheLibrary"};
    QCOMPARE(late.library(), m.module.library());
    QVERIFY(!late.load());
    const QString reason = late.errorString();
    QVERIFY2(reason.contains(QStringLiteral("has no hot function 'notInTheLibrary'")), qPrintable(reason));
    QVERIFY2(reason.startsWith(file.nativePath()), qPrintable(reason));
    try {
        missing();
        QFAIL("a call of a function the running version lacks returned");
    } catch (const QHotCallError &e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.contains(QStringLiteral("cannot call 'notInTheLibrary'")), e.what());
        QVERIFY2(what.contains(reason), e.what());
    }
    QVERIFY(m.module.errorString().isEmpty());
    QCOMPARE(m.answer(), 41);
}

void tst_HotFunctions::macroModules()
{
    QVERIFY(macroDir().isValid());
    const QString path = QFile::decodeName(macroLibraryPath());
    QVERIFY(QFile::copy(V1, path));

    // No load(): the first call loads.
    QCOMPARE(hot_global::answer(), 41);
    QCOMPARE(hot_game::valueA(), 101);
    QCOMPARE(hot_game::valueB(), 201);
    QCOMPARE(hot_global::greeting(QStringLiteral("macro")), QStringLiteral("hello macro from v1"));
    game::State state{0};
    hot_game::step(state);
    hot_scoped::step(state);
    QCOMPARE(state.counter, 2);
    QCOMPARE(hot_scoped::value(state), 1002);
    QCOMPARE(hot_game::value(state), 1002);
    QCOMPARE(hot_game::step.name(), "game::step");
    // The macros stringize "::game::step" and "::answer"; names are shown without the "::".
    QCOMPARE(hot_scoped::step.name(), "game::step");
    QCOMPARE(hot_global::answer.name(), "answer");

    // Three modules, each with its library watching the same file.
    QHotLibrary *const libs[] = {hot_game::hotModule().library(), hot_global::hotModule().library(),
                                 hot_scoped::hotModule().library()};
    QSignalSpy spy0(libs[0], &QHotLibrary::reloaded);
    QSignalSpy spy1(libs[1], &QHotLibrary::reloaded);
    QSignalSpy spy2(libs[2], &QHotLibrary::reloaded);
    QVERIFY(writeLikeLd(path, readFile(V2)));
    QTRY_COMPARE_WITH_TIMEOUT(spy0.count(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(spy1.count(), 1, Timeout);
    QTRY_COMPARE_WITH_TIMEOUT(spy2.count(), 1, Timeout);
    QCOMPARE(hot_global::answer(), 42);
    QCOMPARE(hot_game::valueA(), 102);
    QCOMPARE(hot_game::valueB(), 202);
    hot_scoped::step(state);
    QCOMPARE(hot_game::value(state), 2004);
}

void tst_HotFunctions::nestedEventLoopDefersSwap()
{
    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy about(lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);

    bool inCall = false;
    bool aboutDuringCall = false;
    int reloadedDuringCall = -1;
    bool written = false;
    connect(lib, &QHotLibrary::aboutToReload, this, [&] { aboutDuringCall = inCall; });
    // Runs inside runNested()'s event loop: the rebuild lands while it is on the stack.
    QTimer::singleShot(0, this, [&] {
        written = file.replaceLikeLd(V2);
        QTRY_COMPARE_WITH_TIMEOUT(about.count(), 1, Timeout);
        // The swap is retried every few ms meanwhile; give a wrong one its chance.
        QTest::qWait(100);
        reloadedDuringCall = reloaded.count();
    });

    inCall = true;
    const int result = m.runNested(20);
    inCall = false;
    if (QTest::currentTestFailed())
        return;
    QVERIFY(written);
    QVERIFY(aboutDuringCall);
    QCOMPARE(reloadedDuringCall, 0);
    QCOMPARE(result, 1); // the call ran to its end in the old version

    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(lib->version(), 2);
    QCOMPARE(m.runNested(0), 2);
    QCOMPARE(m.answer(), 42);
    QCOMPARE(about.count(), 1);
    QCOMPARE(reloaded.count(), 1);
}

void tst_HotFunctions::exceptionOnOwnerThread()
{
    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);
    try {
        m.fail(4);
        QFAIL("game::fail returned");
    } catch (const std::runtime_error &e) {
        QCOMPARE(QString::fromUtf8(e.what()), QStringLiteral("game::fail v1: code 4"));
    }
    // The call that threw is off the stack: a swap is not held back by it.
    QSignalSpy reloaded(m.module.library(), &QHotLibrary::reloaded);
    QVERIFY(file.replaceLikeLd(V2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.answer(), 42);
}

void tst_HotFunctions::callsFromWorkerThread()
{
    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);

    struct Results
    {
        int answer = 0;
        int *bumped = nullptr;
        int consumed = 0;
        QString greeting;
        int counter = 0;
        int value = 0;
        QString error;
        bool errorIsCallError = false;
        bool caughtOnWorker = false;
    } r;
    int number = 5;
    std::atomic<bool> done{false};
    std::thread worker([&] {
        const auto self = std::this_thread::get_id();
        r.answer = m.answer();
        r.bumped = &m.bump(number);
        r.consumed = m.consume(std::make_unique<int>(7));
        r.greeting = m.greeting(QStringLiteral("worker"));
        game::State state{10};
        m.step(state);
        r.counter = state.counter;
        r.value = m.value(state);
        try {
            m.fail(3);
        } catch (const QHotCallError &e) {
            r.errorIsCallError = true;
            r.error = QString::fromUtf8(e.what());
        } catch (const std::runtime_error &e) {
            r.error = QString::fromUtf8(e.what());
            r.caughtOnWorker = std::this_thread::get_id() == self;
        }
        done = true;
    });
    Joiner joiner(worker);
    // The calls run here, on the library's thread, as its event loop runs.
    QTRY_VERIFY_WITH_TIMEOUT(done.load(), Timeout);
    worker.join();

    QCOMPARE(r.answer, 41);
    QCOMPARE(number, 6);
    QCOMPARE(r.bumped, &number); // the very object passed, not a copy
    QCOMPARE(r.consumed, 71);
    QCOMPARE(r.greeting, QStringLiteral("hello worker from v1"));
    QCOMPARE(r.counter, 11);
    QCOMPARE(r.value, 1011);
    QVERIFY(!r.errorIsCallError);
    QVERIFY(r.caughtOnWorker);
    QCOMPARE(r.error, QStringLiteral("game::fail v1: code 3"));
}

void tst_HotFunctions::deadlockTimesOut_data()
{
    QTest::addColumn<bool>("semaphore");
    QTest::newRow("join") << false;
    QTest::newRow("semaphore") << true;
}

void tst_HotFunctions::deadlockTimesOut()
{
    QFETCH(bool, semaphore);

    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    GameModule m(file.path8());
    LOAD_OR_FAIL(m);
    m.module.setMarshalTimeout(300);
    QCOMPARE(m.module.marshalTimeout(), 300);

    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("did not pick the call up")));
    QSemaphore finished;
    int result = -1;
    QString error;
    std::thread worker([&] {
        try {
            result = m.counted();
        } catch (const QHotCallError &e) {
            error = QString::fromUtf8(e.what());
        }
        finished.release();
    });
    // The main thread waits for the worker without running its event loop:
    // the worker's call can never be picked up.
    if (semaphore)
        finished.acquire();
    worker.join();

    QCOMPARE(result, -1);
    QVERIFY2(error.contains(QStringLiteral("cannot call 'counted'")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("did not pick the call up within 300 ms")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("the main thread")), qPrintable(error));
    QVERIFY2(error.contains(QStringLiteral("The call was not made")), qPrintable(error));

    // The cancelled call is still queued; delivering it must not run it.
    QCoreApplication::sendPostedEvents();
    QCOMPARE(m.countedCalls(), 0);

    // Once the main thread runs its loop again, calls from workers go through.
    std::atomic<int> later{-1};
    std::thread again([&] { later = m.counted(); });
    Joiner joiner(again);
    QTRY_COMPARE_WITH_TIMEOUT(later.load(), 1, Timeout);
    QCOMPARE(m.countedCalls(), 1);
}

void tst_HotFunctions::callByName_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVariantList>("arguments");
    QTest::addColumn<QVariant>("expected");

    QTest::newRow("ints") << QStringLiteral("add") << QVariantList{40, 2} << QVariant(42);
    QTest::newRow("string converted to int")
            << QStringLiteral("add") << QVariantList{QStringLiteral("40"), 2} << QVariant(42);
    QTest::newRow("double converted to int") << QStringLiteral("add") << QVariantList{40.0, 2} << QVariant(42);
    QTest::newRow("leading ::") << QStringLiteral("::add") << QVariantList{1, 2} << QVariant(3);
    QTest::newRow("no arguments") << QStringLiteral("answer") << QVariantList{} << QVariant(41);
    QTest::newRow("namespace a") << QStringLiteral("a::value") << QVariantList{} << QVariant(101);
    QTest::newRow("namespace b") << QStringLiteral("b::value") << QVariantList{} << QVariant(201);
    QTest::newRow("QString") << QStringLiteral("greeting") << QVariantList{QStringLiteral("call")}
                             << QVariant(QStringLiteral("hello call from v1"));
    QTest::newRow("reference argument") << QStringLiteral("bump") << QVariantList{5} << QVariant(6);
}

void tst_HotFunctions::callByName()
{
    QFETCH(QString, name);
    QFETCH(QVariantList, arguments);
    QFETCH(QVariant, expected);

    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    const QVariant result = lib.call(name, arguments);
    QVERIFY2(result.isValid(), qPrintable(lib.errorString()));
    QCOMPARE(result.metaType(), expected.metaType());
    QCOMPARE(result, expected);
    QVERIFY(lib.errorString().isEmpty());
}

void tst_HotFunctions::callByNameRefused_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QVariantList>("arguments");
    QTest::addColumn<QString>("reason");

    QTest::newRow("wrong name") << QStringLiteral("nosuch") << QVariantList{}
                                << QStringLiteral("has no hot function 'nosuch'");
    QTest::newRow("too few") << QStringLiteral("add") << QVariantList{1}
                             << QStringLiteral("'add' takes 2 argument(s), 1 given");
    QTest::newRow("too many") << QStringLiteral("answer") << QVariantList{1}
                              << QStringLiteral("'answer' takes 0 argument(s), 1 given");
    QTest::newRow("not a number") << QStringLiteral("add") << QVariantList{1, QStringLiteral("forty")}
                                  << QStringLiteral("argument 2 of 'add' must be int; the QString given cannot be converted");
    QTest::newRow("no conversion") << QStringLiteral("add") << QVariantList{QPoint(1, 2), 1}
                                   << QStringLiteral("argument 1 of 'add' must be int; the QPoint given cannot be converted");
    QTest::newRow("struct argument")
            << QStringLiteral("game::value") << QVariantList{1}
            << QStringLiteral("argument 1 of 'game::value' is of type 'game::State', which call() cannot pass");
    QTest::newRow("move-only argument")
            << QStringLiteral("consume") << QVariantList{1}
            << QStringLiteral("argument 1 of 'consume' is of type 'std::unique_ptr<int>', which call() cannot pass");
}

void tst_HotFunctions::callByNameRefused()
{
    QFETCH(QString, name);
    QFETCH(QVariantList, arguments);
    QFETCH(QString, reason);

    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    QHotLibrary lib(file.path());
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QRegularExpression::escape(reason)));
    const QVariant result = lib.call(name, arguments);
    QVERIFY(!result.isValid());
    QVERIFY2(lib.errorString().contains(reason), qPrintable(lib.errorString()));
    // Nothing broken: the next good call answers and clears the error.
    QCOMPARE(lib.call(QStringLiteral("add"), {2, 3}), QVariant(5));
    QVERIFY(lib.errorString().isEmpty());
}

// A QVariantMap or QVariantHash a hot function returns may hold the library's
// string literals, as keys or values, nested: the callable copies them off
// before the version can be unloaded. Reading them after the swap (the old
// copy unmapped) would crash otherwise, and ASan would see it.
void tst_HotFunctions::returnedContainersOutliveTheirVersion()
{
    struct Module
    {
        explicit Module(const char *path) : module(path) {}
        ~Module() { delete module.library(); }
        QHotModule module;
        QHotFunction<decltype(::record)> record{module, "record"};
        QHotFunction<decltype(::table)> table{module, "table"};
    };
    WatchedLibrary file(V1);
    QVERIFY(file.isValid());
    Module m(file.path8());
    LOAD_OR_FAIL(m);
    QHotLibrary *lib = m.module.library();
    QSignalSpy reloaded(lib, &QHotLibrary::reloaded);

    const QVariantMap record = m.record();
    const QVariantHash table = m.table(100); // keys the library made, literal values: mended in place
    QCOMPARE(record.value(QStringLiteral("version")).toInt(), 1);

    QVERIFY(file.replaceLikeLd(V2));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(m.record().value(QStringLiteral("version")).toInt(), 2);

    // v1 is unloaded; everything it returned still reads.
    QCOMPARE(record.keys(), (QStringList{QStringLiteral("bytes"), QStringLiteral("hash"), QStringLiteral("list"),
                                         QStringLiteral("text"), QStringLiteral("version")}));
    QCOMPARE(record.value(QStringLiteral("text")).toString(), QStringLiteral("a literal of the game library"));
    QCOMPARE(record.value(QStringLiteral("bytes")).toByteArray(), QByteArray("literal bytes"));
    const QVariantList list = record.value(QStringLiteral("list")).toList();
    QCOMPARE(list.size(), 2);
    QCOMPARE(list.at(0).toString(), QStringLiteral("first"));
    QCOMPARE(list.at(1).toStringList(), (QStringList{QStringLiteral("second"), QStringLiteral("third")}));
    QCOMPARE(record.value(QStringLiteral("hash")).toHash().value(QStringLiteral("inner")).toString(),
             QStringLiteral("nested literal"));
    QCOMPARE(table.size(), 100);
    for (auto it = table.cbegin(); it != table.cend(); ++it) {
        QVERIFY(it.key().startsWith(QLatin1String("key")));
        QCOMPARE(it.value().toString(), QStringLiteral("a literal value"));
    }
}

QTEST_GUILESS_MAIN(tst_HotFunctions)
#include "tst_hotfunctions.moc"
