// SPDX-License-Identifier: MIT
// Hostile code: each hot library leaves something in the application that
// still points into its code or data — a thread in its code, a timer, a
// queued call or a connection with one of its lambdas, a kept std::function,
// function pointer, object with a vtable or string literal, a message
// handler, an event filter, a QThread under versionRoot() that will not stop.
// Each is swapped three times while that is live. A swapped-out version is
// retired, not unmapped, so the old code keeps running where the application
// kept a pointer into it: no crash, no hang, and the old version's answer —
// but for a free function the application kept (the function pointer, the
// message handler), whose entry point is redirected to the newest version
// where that is supported (README, "Stale entry points").
// With the old copy unloaded at the swap every one of these ends in SIGSEGV
// (or, for the QThread, in Qt's abort "Destroyed while thread is still
// running").

#include "hostile.h"
#include "swapcycle.h"
#include "testsupport.h"

#include <QHotReload/QHotLibrary>
#include <QHotReload/QHotModule>

#include <QtCore/QCoreApplication>
#include <QtCore/QDeadlineTimer>
#include <QtCore/QEvent>
#include <QtCore/QPointer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>
#include <QtCore/QTimer>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <vector>

using QHotTestSupport::fixture;
using QHotTestSupport::Timeout;

namespace {

constexpr int Swaps = 3;

// The watched file, its module, and the swaps between version 1 and 2.
class Hot : public QHotTestSupport::SwapCycle
{
public:
    Hot(const char *v1, const char *v2)
        : SwapCycle({fixture(v1), fixture(v2)}, QStringLiteral("libhostile.so"))
    {
    }
};

// Stops the library's threads however the test function is left, and waits
// for them (bounded: a failed test must not hang the suite).
class StopThreads
{
public:
    explicit StopThreads(HostileShared &shared) : m_shared(shared) {}
    ~StopThreads()
    {
        m_shared.stop = true;
        const QDeadlineTimer deadline(Timeout);
        while (m_shared.running.load() > 0 && !deadline.hasExpired())
            QThread::msleep(1);
    }
    Q_DISABLE_COPY_MOVE(StopThreads)

private:
    HostileShared &m_shared;
};

// Waits (with the event loop) until the library's code has run once more.
bool ranAgain(const HostileShared &shared)
{
    const int calls = shared.calls.load();
    const QDeadlineTimer deadline(Timeout);
    while (shared.calls.load() <= calls && !deadline.hasExpired())
        QTest::qWait(1);
    return shared.calls.load() > calls;
}

} // namespace

class tst_Hostile : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detachedThread();
    void concurrentTask();
    void timerParentedToApp();
    void singleShotOnVersionRoot();
    void queuedCallFromAboutToReload();
    void connectionWithoutContext();
    void keptStdFunction();
    void keptFunctionPointer();
    void keptObjectWithVtable();
    void keptStringLiteral();
    void messageHandler();
    void applicationEventFilter();
    void stubbornQThreadUnderVersionRoot();
    void politeQThreadUnderVersionRoot();
    void useAfterUnloadIsNamed_data();
    void useAfterUnloadIsNamed();
};

// A detached thread sleeping in library code: it must wake up into mapped code.
void tst_Hostile::detachedThread()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_THREAD_V1, QHOT_FIXTURE_HOSTILE_THREAD_V2);
    QHotFunction<decltype(hostile_thread::start)> start{hot.module, "hostile_thread::start"};
    QHotFunction<decltype(hostile_thread::version)> version{hot.module, "hostile_thread::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    static HostileShared shared; // the detached thread may outlive this function
    StopThreads stop(shared);
    start(&shared);
    QVERIFY(ranAgain(shared));
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QVERIFY(ranAgain(shared));
        QCOMPARE(shared.lastVersion.load(), 1); // the thread still runs version 1's code
    }
    shared.stop = true;
    QTRY_COMPARE_WITH_TIMEOUT(shared.running.load(), 0, Timeout);
}

void tst_Hostile::concurrentTask()
{
#if !defined(QHOT_HOSTILE_HAVE_CONCURRENT)
    QSKIP("Qt Concurrent was not found when the tests were configured");
#else
    Hot hot(QHOT_FIXTURE_HOSTILE_CONCURRENT_V1, QHOT_FIXTURE_HOSTILE_CONCURRENT_V2);
    QHotFunction<decltype(hostile_concurrent::start)> start{hot.module, "hostile_concurrent::start"};
    QHotFunction<decltype(hostile_concurrent::version)> version{hot.module, "hostile_concurrent::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    static HostileShared shared; // the pool's thread may outlive this function
    StopThreads stop(shared);
    start(&shared);
    QVERIFY(ranAgain(shared));
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QVERIFY(ranAgain(shared));
        QCOMPARE(shared.lastVersion.load(), 1);
    }
    shared.stop = true;
    QTRY_COMPARE_WITH_TIMEOUT(shared.running.load(), 0, Timeout);
#endif
}

void tst_Hostile::timerParentedToApp()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_APPTIMER_V1, QHOT_FIXTURE_HOSTILE_APPTIMER_V2);
    QHotFunction<decltype(hostile_apptimer::start)> start{hot.module, "hostile_apptimer::start"};
    QHotFunction<decltype(hostile_apptimer::version)> version{hot.module, "hostile_apptimer::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    HostileShared shared;
    std::unique_ptr<QTimer> timer(start(&shared)); // deleting it destroys version 1's lambda
    QCOMPARE(timer->parent(), QCoreApplication::instance());
    QVERIFY(ranAgain(shared));
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QVERIFY(ranAgain(shared));
        QCOMPARE(shared.lastVersion.load(), 1);
    }
}

// Armed from aboutToReload, so the root (its context) is deleted in the same
// event, before it fires: it never calls the lambda, but destroys it (and the
// token it captured) with version code that is swapped out by then.
void tst_Hostile::singleShotOnVersionRoot()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_SINGLESHOT_V1, QHOT_FIXTURE_HOSTILE_SINGLESHOT_V2);
    QHotFunction<decltype(hostile_singleshot::arm)> arm{hot.module, "hostile_singleshot::arm"};
    QHotFunction<decltype(hostile_singleshot::version)> version{hot.module, "hostile_singleshot::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    HostileShared shared;
    std::weak_ptr<int> armed;
    connect(hot.module.library(), &QHotLibrary::aboutToReload, this, [&] {
        shared.token = std::make_shared<int>(0);
        armed = shared.token;
        arm(&shared);
        shared.token.reset(); // only the library's lambda holds it now
    });
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QTRY_VERIFY_WITH_TIMEOUT(armed.expired(), Timeout); // the single-shot object went
        QCOMPARE(shared.calls.load(), 0);                   // its context was gone: not called
    }
    disconnect(hot.module.library(), &QHotLibrary::aboutToReload, this, nullptr);
}

void tst_Hostile::queuedCallFromAboutToReload()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_QUEUED_V1, QHOT_FIXTURE_HOSTILE_QUEUED_V2);
    QHotFunction<decltype(hostile_queued::post)> post{hot.module, "hostile_queued::post"};
    QHotFunction<decltype(hostile_queued::version)> version{hot.module, "hostile_queued::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    HostileShared shared;
    QObject target;
    connect(hot.module.library(), &QHotLibrary::aboutToReload, &target, [&] { post(&target, &shared); });
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QTRY_COMPARE_WITH_TIMEOUT(shared.calls.load(), i, Timeout);
        QCOMPARE(shared.lastVersion.load(), hot.previous()); // posted, and run, by the old version
    }
}

void tst_Hostile::connectionWithoutContext()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_CONNECT_V1, QHOT_FIXTURE_HOSTILE_CONNECT_V2);
    QHotFunction<decltype(hostile_connect::hook)> hook{hot.module, "hostile_connect::hook"};
    QHotFunction<decltype(hostile_connect::version)> version{hot.module, "hostile_connect::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    HostileShared shared;
    QObject appObject;
    hook(&appObject, &shared);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        appObject.setObjectName(QString::number(i));
        QCOMPARE(shared.calls.load(), i);
        QCOMPARE(shared.lastVersion.load(), 1);
    }
}

void tst_Hostile::keptStdFunction()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_FUNCTION_V1, QHOT_FIXTURE_HOSTILE_FUNCTION_V2);
    QHotFunction<decltype(hostile_function::make)> make{hot.module, "hostile_function::make"};
    QHotFunction<decltype(hostile_function::version)> version{hot.module, "hostile_function::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    std::function<int()> kept = make();
    QCOMPARE(kept(), 11);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QCOMPARE(kept(), 11);
        std::function<int()> copy = kept; // the manager is version 1's code too
        QCOMPARE(copy(), 11);
        QCOMPARE(make()(), hot.live() * 11);
    }
}

void tst_Hostile::keptFunctionPointer()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_FNPTR_V1, QHOT_FIXTURE_HOSTILE_FNPTR_V2);
    QHotFunction<decltype(hostile_fnptr::pointer)> pointer{hot.module, "hostile_fnptr::pointer"};
    QHotFunction<decltype(hostile_fnptr::version)> version{hot.module, "hostile_fnptr::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    const hostile_fnptr::Fn kept = pointer();
    QCOMPARE(kept(), 11);
    const bool redirected = hot.library()->redirectRetired(); // then the new code runs
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QCOMPARE(kept(), redirected ? hot.live() * 11 : 11);
        QCOMPARE(pointer()(), hot.live() * 11);
    }
}

void tst_Hostile::keptObjectWithVtable()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_VTABLE_V1, QHOT_FIXTURE_HOSTILE_VTABLE_V2);
    QHotFunction<decltype(hostile_vtable::make)> make{hot.module, "hostile_vtable::make"};
    QHotFunction<decltype(hostile_vtable::version)> version{hot.module, "hostile_vtable::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    std::unique_ptr<HostileShape> kept = make();
    QCOMPARE(kept->value(), 101);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QCOMPARE(kept->value(), 101);
        QCOMPARE(make()->value(), hot.live() * hot.live() + 100);
    }
    kept.reset(); // its destructor is version 1's
}

void tst_Hostile::keptStringLiteral()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_LITERAL_V1, QHOT_FIXTURE_HOSTILE_LITERAL_V2);
    QHotFunction<decltype(hostile_literal::text)> text{hot.module, "hostile_literal::text"};
    QHotFunction<decltype(hostile_literal::version)> version{hot.module, "hostile_literal::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    const char *kept = text();
    QCOMPARE(QByteArray(kept), QByteArray("hostile literal of version 1"));
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QCOMPARE(QByteArray(kept), QByteArray("hostile literal of version 1"));
        QCOMPARE(QByteArray(text()), QByteArray("hostile literal of version ") + QByteArray::number(hot.live()));
    }
}

void tst_Hostile::messageHandler()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_HANDLER_V1, QHOT_FIXTURE_HOSTILE_HANDLER_V2);
    QHotFunction<decltype(hostile_handler::install)> install{hot.module, "hostile_handler::install"};
    QHotFunction<decltype(hostile_handler::version)> version{hot.module, "hostile_handler::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    HostileShared shared;
    // QtTest's own handler, put back however this function is left.
    const QtMessageHandler testHandler = qInstallMessageHandler(nullptr);
    qInstallMessageHandler(testHandler);
    const auto restore = qScopeGuard([testHandler] { qInstallMessageHandler(testHandler); });
    install(&shared);
    qDebug("hostile probe 0");
    QCOMPARE(shared.calls.load(), 1);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        qDebug("hostile probe %d", i);
        QCOMPARE(shared.calls.load(), i + 1);
        // Redirected to the newest version's handler where that is supported.
        QCOMPARE(shared.lastVersion.load(), hot.library()->redirectRetired() ? hot.live() : 1);
    }
}

void tst_Hostile::applicationEventFilter()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_FILTER_V1, QHOT_FIXTURE_HOSTILE_FILTER_V2);
    QHotFunction<decltype(hostile_filter::install)> install{hot.module, "hostile_filter::install"};
    QHotFunction<decltype(hostile_filter::version)> version{hot.module, "hostile_filter::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    HostileShared shared;
    std::unique_ptr<QObject> filter(install(&shared)); // deleting it runs version 1's destructor
    QObject receiver;
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QCoreApplication::sendEvent(&receiver, std::make_unique<QEvent>(QEvent::User).get());
        QCOMPARE(shared.calls.load(), i);
        QCOMPARE(shared.lastVersion.load(), 1);
    }
}

// A thread under the root that ignores interruption and runs no event loop:
// each swap asks it to stop, waits a bounded time, then takes it out from
// under the root (one warning naming it) instead of destroying it running.
void tst_Hostile::stubbornQThreadUnderVersionRoot()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_QTHREAD_V1, QHOT_FIXTURE_HOSTILE_QTHREAD_V2);
    QHotFunction<decltype(hostile_qthread::startStubborn)> start{hot.module, "hostile_qthread::startStubborn"};
    QHotFunction<decltype(hostile_qthread::version)> version{hot.module, "hostile_qthread::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    static HostileShared shared; // the stranded threads outlive this function's frames
    StopThreads stop(shared);
    std::vector<QPointer<QThread>> threads;
    threads.emplace_back(start(&shared));
    QVERIFY(threads.back()->parent());
    for (int i = 1; i <= Swaps; ++i) {
        const QString name = QStringLiteral("stubborn-v%1").arg(hot.live()); // started by the outgoing version
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("thread '%1' \\(QThread\\) under versionRoot\\(\\) did "
                                                               "not stop within \\d+ ms")
                                                        .arg(name)));
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        // Kept running, no longer under any root; the new version starts its own.
        QVERIFY(threads.back());
        QVERIFY(threads.back()->isRunning());
        QCOMPARE(threads.back()->parent(), nullptr);
        threads.emplace_back(start(&shared));
        QTRY_COMPARE_WITH_TIMEOUT(shared.running.load(), i + 1, Timeout);
    }
    QVERIFY(ranAgain(shared));
    // Once told to stop they end, and the stranded ones are deleted (their
    // destructor is their own version's code).
    shared.stop = true;
    QTRY_COMPARE_WITH_TIMEOUT(shared.running.load(), 0, Timeout);
    for (int i = 0; i < Swaps; ++i)
        QTRY_VERIFY_WITH_TIMEOUT(threads[size_t(i)].isNull(), Timeout);
    QVERIFY(threads.back()); // the live version's, under its root
}

// A thread that checks isInterruptionRequested() is stopped and deleted with
// its version's root at the swap, without a warning.
void tst_Hostile::politeQThreadUnderVersionRoot()
{
    Hot hot(QHOT_FIXTURE_HOSTILE_QTHREAD_V1, QHOT_FIXTURE_HOSTILE_QTHREAD_V2);
    QHotFunction<decltype(hostile_qthread::startPolite)> start{hot.module, "hostile_qthread::startPolite"};
    QHotFunction<decltype(hostile_qthread::version)> version{hot.module, "hostile_qthread::version"};
    QVERIFY2(hot.load(), qPrintable(hot.why()));
    static HostileShared shared;
    StopThreads stop(shared);
    QTest::failOnWarning(QRegularExpression(QStringLiteral("did not stop")));
    QPointer<QThread> thread = start(&shared);
    for (int i = 1; i <= Swaps; ++i) {
        QVERIFY(ranAgain(shared));
        QVERIFY2(hot.swap(), qPrintable(hot.why()));
        QCOMPARE(version(), hot.live());
        QVERIFY(thread.isNull()); // stopped and deleted with its root, in the swap
        QCOMPARE(shared.running.load(), 0);
        thread = start(&shared);
    }
}

// Beyond the budget (here 0, in a child process) a swapped-out copy is
// unloaded; its address range is then reserved, so a pointer the
// application kept faults instead of running whatever is mapped there next,
// and the fault is named first: the library, the version, the copy, and
// the hot function a stale call was for.
void tst_Hostile::useAfterUnloadIsNamed_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("said");
    const QString unloaded = QStringLiteral("QHotReload: .*libhostile\\.so: version 1 \\(its copy libhostile-v\\d+\\.so\\) was "
                                            "unloaded after it was swapped out .* address 0x[0-9a-f]+, ");
    const QString call = unloaded + QStringLiteral("a call of its hot function 'hostile_fnptr::answer'");
    QTest::newRow("a kept function pointer") << QStringList{QStringLiteral("call")} << call;
    QTest::newRow("a kept string literal")
            << QStringList{QStringLiteral("read")}
            << unloaded + QStringLiteral("in its data \\(offset 0x[0-9a-f]+: a string literal");
    // Under a handler installed earlier that returns when it finds itself
    // replaced (as QtTest's): the fault is named once and then ends the
    // process through that handler, instead of bouncing between the two.
    QTest::newRow("under an earlier handler")
            << QStringList{QStringLiteral("call"), QStringLiteral("chained")}
            << QStringLiteral("using the kept pointer\n") + call
                       + QStringLiteral("[^\n]*\nthe earlier handler ran\n$");
}

void tst_Hostile::useAfterUnloadIsNamed()
{
#if !defined(Q_OS_LINUX)
    QSKIP("Unloaded copies' ranges are reserved on Linux only for now");
#else
    QFETCH(QStringList, arguments);
    QFETCH(QString, said);
    QProcess child;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QHOTRELOAD_RETIRED_BUDGET"), QStringLiteral("0"));
    child.setProcessEnvironment(environment);
    child.start(QStringLiteral(QHOT_HOSTILE_UNLOADED_USE), arguments);
    if (!child.waitForFinished(Timeout)) {
        child.kill();
        child.waitForFinished();
        QFAIL(qPrintable(QStringLiteral("the child hangs; it said: ")
                         + QString::fromLocal8Bit(child.readAllStandardError().left(2000))));
    }
    const QString err = QString::fromLocal8Bit(child.readAllStandardError());
    QVERIFY2(err.contains(QLatin1String("using the kept pointer")), qPrintable(err));
    // Killed by the fault; under a sanitizer, which reports it and exits with
    // its own code (ASan 1, TSan 66).
    QVERIFY2(child.exitStatus() == QProcess::CrashExit || child.exitCode() == 1 || child.exitCode() == 66,
             qPrintable(err));
    QVERIFY2(QRegularExpression(said).match(err).hasMatch(), qPrintable(err));
#endif
}

QTEST_GUILESS_MAIN(tst_Hostile)

#include "tst_hostile.moc"
