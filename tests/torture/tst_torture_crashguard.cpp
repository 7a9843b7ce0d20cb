// SPDX-License-Identifier: MIT
// The crash guard: a version whose step() crashes is caught inside the call
// made through a QHOT_MODULE callable, rolled back to the version before it
// with the state that version saved, and not loaded again until its file
// changes. A crash anywhere else, or with the guard off, still ends the
// process: that is checked in a child process (this binary, run with
// --crash-child <mode>).

#include "torturetest.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QProcess>
#include <QtCore/QScopeGuard>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

#include <csignal>
#include <cstdio>
#include <thread>

#if defined(Q_OS_UNIX)
#include <sys/resource.h>
#endif

using namespace QHotTorture;

namespace {

// The module names its library as applications do, by a bare name, which is
// found in the working directory: the test makes that a temporary directory
// before the first call creates the library.
QByteArray g_modulePath;

// The child's null: a global the compiler cannot prove unwritten. A null it
// can see (even read from a local volatile) is a store GCC deletes at -O2.
int *g_nowhere = nullptr;

void enterDirectory(const QString &dir)
{
    QDir::setCurrent(dir);
    g_modulePath = QFile::encodeName(QDir(dir).filePath(QStringLiteral("libtorture_guarded.so")));
}

} // namespace

QHOT_MODULE_SCOPED(hot_torture, "torture_guarded", torture, step, answer, steps);

namespace {

//! Where the child's own copies go: a temporary directory of its own.
int runCrashChild(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
#if defined(Q_OS_UNIX)
    // Dying is the point; a core file is not.
    struct rlimit noCore = {0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
#endif
    const QByteArray mode = argv[2];
    QTemporaryDir dir;
    if (!dir.isValid())
        return 2;
    enterDirectory(dir.path());
    const bool crashingLibrary = mode == "unguarded-hot-call";
    const char *first = crashingLibrary ? QHOT_TORTURE_CRASH_SEGV : QHOT_TORTURE_V2;
    if (!writeFile(QFile::decodeName(g_modulePath), readFile(fixture(first))))
        return 3;
    if (!hot_torture::hotModule().load()) {
        std::fprintf(stderr, "child: %s\n", qPrintable(hot_torture::hotModule().errorString()));
        return 4;
    }
    QHotLibrary *lib = hot_torture::hotModule().library();
    if (mode != "unguarded-hot-call" && !lib->setCrashGuard(true))
        return 5;
    torture::State state{0};
    if (!crashingLibrary) {
        hot_torture::step(state); // the guarded path works
        if (state.counter != 1 || hot_torture::answer() != 2)
            return 6;
    }

    std::printf("crashing now\n");
    std::fflush(stdout);
    if (mode == "guarded-host-code") {
        *g_nowhere = 1;
    } else if (mode == "guarded-host-thread") {
        std::thread([] { *g_nowhere = 1; }).join();
    } else if (mode == "unguarded-hot-call") {
        hot_torture::step(state);
    } else {
        return 7;
    }
    std::printf("survived\n");
    std::fflush(stdout);
    return 0;
}

} // namespace

class tst_TortureCrashGuard : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void offByDefault();
    void rollsBack_data();
    void rollsBack();
    void notSwallowed_data();
    void notSwallowed();

private:
    QTemporaryDir m_dir;
    QString m_oldDirectory;
};

void tst_TortureCrashGuard::initTestCase()
{
#if !defined(Q_OS_UNIX)
    QSKIP("the crash guard is POSIX only for now");
#else
    ::umask(022);
#endif
    QVERIFY(m_dir.isValid());
    m_oldDirectory = QDir::currentPath();
    enterDirectory(m_dir.path());
}

void tst_TortureCrashGuard::cleanupTestCase()
{
    if (!m_oldDirectory.isEmpty())
        QDir::setCurrent(m_oldDirectory);
}

void tst_TortureCrashGuard::offByDefault()
{
    QVERIFY(writeRenameOver(QFile::decodeName(g_modulePath), readFile(fixture(QHOT_TORTURE_V2))));
    QHotLibrary *lib = hot_torture::hotModule().library();
    const auto cleanup = qScopeGuard([lib] { delete lib; });
    QVERIFY(!lib->crashGuard());
    QSignalSpy changed(lib, &QHotLibrary::crashGuardChanged);
    QVERIFY(lib->setCrashGuard(true));
    QVERIFY(lib->crashGuard());
    QCOMPARE(changed.count(), 1);
    QVERIFY(lib->setCrashGuard(false));
    QVERIFY(!lib->crashGuard());
}

void tst_TortureCrashGuard::rollsBack_data()
{
    QTest::addColumn<QString>("crashing");
    QTest::addColumn<QString>("signal");
    QTest::addColumn<bool>("fromWorker");
    const QString segv = fixture(QHOT_TORTURE_CRASH_SEGV);
    const QString fpe = fixture(QHOT_TORTURE_CRASH_FPE);
    QTest::newRow("null dereference") << segv << QStringLiteral("SIGSEGV") << false;
    QTest::newRow("division by zero") << fpe << QStringLiteral("SIGFPE") << false;
    QTest::newRow("null dereference, called from a worker thread") << segv << QStringLiteral("SIGSEGV") << true;
}

void tst_TortureCrashGuard::rollsBack()
{
    QFETCH(QString, crashing);
    QFETCH(QString, signal);
    QFETCH(bool, fromWorker);

    const QString path = QFile::decodeName(g_modulePath);
    QCOMPARE(hot_torture::hotModule().library()->fileName(), path);
    const QString nativePath = QDir::toNativeSeparators(path);
    const QByteArray v2 = readFile(fixture(QHOT_TORTURE_V2));
    const QByteArray v4 = readFile(crashing);
    QVERIFY(writeRenameOver(path, v2));

    QHotLibrary *lib = hot_torture::hotModule().library();
    QVERIFY(lib);
    const auto cleanup = qScopeGuard([lib] { delete lib; }); // the next row starts afresh
    QVERIFY(lib->setCrashGuard(true));
    QVERIFY2(hot_torture::hotModule().load(), qPrintable(hot_torture::hotModule().errorString()));
    QSignalSpy crashed(lib, &QHotLibrary::crashed);
    QSignalSpy failed(lib, &QHotLibrary::reloadFailed);
    QSignalSpy restoreFailed(lib, &QHotLibrary::stateRestoreFailed);

    // v2 live, with state on both sides.
    torture::State app{0};
    for (int i = 0; i < 3; ++i)
        hot_torture::step(app);
    QCOMPARE(app.counter, 3);
    QCOMPARE(hot_torture::steps(), 3);
    QCOMPARE(hot_torture::answer(), 2);
    QCOMPARE(lib->version(), 1);

    // v4 arrives and takes v2's state.
    QVERIFY(writeRenameOver(path, v4));
    QTRY_COMPARE_WITH_TIMEOUT(lib->version(), 2, Timeout);
    QCOMPARE(hot_torture::answer(), 4);
    QCOMPARE(hot_torture::steps(), 3);

    // The crashing call returns; the application is still here.
    if (fromWorker) {
        std::atomic<bool> done{false};
        std::thread worker([&] {
            hot_torture::step(app);
            done = true;
        });
        const auto join = qScopeGuard([&] { worker.join(); });
        QTRY_VERIFY_WITH_TIMEOUT(done.load(), Timeout);
    } else {
        hot_torture::step(app);
    }
    QCOMPARE(crashed.count(), 1);
    const QList<QVariant> args = crashed.first();
    // QHOT_MODULE names its callables fully qualified ("::torture::step").
    QString function = args.at(0).toString();
    if (function.startsWith(QLatin1String("::")))
        function = function.mid(2);
    QCOMPARE(function, QStringLiteral("torture::step"));
    QCOMPARE(args.at(1).toString(), signal);
    const QString reason = args.at(2).toString();
    qInfo().noquote() << "crashed:" << reason;
    QVERIFY2(reason.startsWith(nativePath + QLatin1Char(' ')), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("torture::step'")) && reason.contains(signal), qPrintable(reason));
    QVERIFY2(reason.contains(QLatin1String("rolling back")), qPrintable(reason));

    // v2 is live again (a new version number), with the state it saved when
    // it was swapped out; v4's count of the crashed call is gone with v4.
    QTRY_COMPARE_WITH_TIMEOUT(lib->version(), 3, Timeout);
    QCOMPARE(hot_torture::answer(), 2);
    QCOMPARE(hot_torture::steps(), 3);
    QCOMPARE(app.counter, 3); // the crash came before the application's state was touched
    QCOMPARE(readFile(lib->loadedFileName()), v2);
    QCOMPARE(restoreFailed.count(), 0);
    QCOMPARE(failed.count(), 0);
    hot_torture::step(app);
    QCOMPARE(app.counter, 4);
    QCOMPARE(hot_torture::steps(), 4);

    // v4's file is unchanged: a new time on it is not a reason to load it again.
    {
        WatcherEvents events;
        QTRY_VERIFY_WITH_TIMEOUT(settled(*lib), Timeout);
        const int seen = events.count();
        QVERIFY(touch(path));
        QTRY_VERIFY_WITH_TIMEOUT(events.count() > seen, Timeout);
        QTRY_VERIFY_WITH_TIMEOUT(settled(*lib), Timeout);
    }
    QCOMPARE(lib->version(), 3);
    QCOMPARE(hot_torture::answer(), 2);
    QCOMPARE(failed.count(), 0);

    // New bytes in v4's file: tried again (and caught again).
    const QByteArray v4b = v4 + QByteArray(64, '\0');
    QVERIFY(writeRenameOver(path, v4b));
    QTRY_COMPARE_WITH_TIMEOUT(lib->version(), 4, Timeout);
    QCOMPARE(hot_torture::answer(), 4);
    QCOMPARE(hot_torture::steps(), 4);
    hot_torture::step(app);
    QCOMPARE(crashed.count(), 2);
    QTRY_COMPARE_WITH_TIMEOUT(lib->version(), 5, Timeout);
    QCOMPARE(hot_torture::answer(), 2);
    QCOMPARE(hot_torture::steps(), 4);
    QCOMPARE(app.counter, 4);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(readFile(path), v4b); // the guard never touches the watched file
}

void tst_TortureCrashGuard::notSwallowed_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("guard on, null dereference in host code") << QStringLiteral("guarded-host-code");
    QTest::newRow("guard on, null dereference on a host thread") << QStringLiteral("guarded-host-thread");
    QTest::newRow("guard off, null dereference in a hot call") << QStringLiteral("unguarded-hot-call");
}

void tst_TortureCrashGuard::notSwallowed()
{
    QFETCH(QString, mode);
    QProcess child;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    // Sanitizers would catch the signal and exit instead of dying by it.
    for (const QString &var : {QStringLiteral("ASAN_OPTIONS"), QStringLiteral("TSAN_OPTIONS"), QStringLiteral("UBSAN_OPTIONS")}) {
        const QString old = env.value(var);
        env.insert(var, (old.isEmpty() ? QString() : old + QLatin1Char(':'))
                                + QStringLiteral("handle_segv=0:handle_sigfpe=0:handle_sigill=0:handle_sigbus=0"));
    }
    child.setProcessEnvironment(env);
    child.start(QCoreApplication::applicationFilePath(), {QStringLiteral("--crash-child"), mode});
    QVERIFY2(child.waitForStarted(Timeout), qPrintable(child.errorString()));
    QVERIFY(child.waitForFinished(60000));
    const QByteArray out = child.readAllStandardOutput();
    const QByteArray err = child.readAllStandardError();
    QVERIFY2(out.contains("crashing now"), QByteArray(out + err).constData()); // it got as far as the crash
    QVERIFY2(!out.contains("survived"), out.constData());
    QCOMPARE(child.exitStatus(), QProcess::CrashExit);
    QCOMPARE(child.exitCode(), SIGSEGV); // on Unix, the signal that ended it
}

int main(int argc, char **argv)
{
    if (argc >= 3 && qstrcmp(argv[1], "--crash-child") == 0)
        return runCrashChild(argc, argv);
    QCoreApplication app(argc, argv);
    tst_TortureCrashGuard test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}

#include "tst_torture_crashguard.moc"
