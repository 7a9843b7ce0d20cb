// SPDX-License-Identifier: MIT
// The trial load: a new version whose static initializer throws, aborts,
// segfaults, hangs or exits is loaded by qhotreload-probe first and refused
// there; the application never loads it, keeps its running version, and takes
// the next good build. A library that needs the application's own symbols
// cannot be judged by the probe and is loaded as without a trial.
//
// Run with QHOTRELOAD_TRIAL_LOAD=0 and the process dies (or freezes for an
// hour) at the first bad version: that is what the probe is for.

#include "testsupport.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QDir>
#include <QtCore/QLoggingCategory>
#include <QtCore/QRegularExpression>
#include <QtCore/QTemporaryDir>
#include <QtTest/QSignalSpy>
#include <QtTest/QTest>

using QHotTestSupport::fixture;
using QHotTestSupport::readFile;
using QHotTestSupport::Timeout;
using QHotTestSupport::WatchedLibrary;

// Called by probe_hostsymbol_v*; only this executable defines it.
extern "C" Q_DECL_EXPORT int qhot_probe_host_value()
{
    return 40;
}

namespace {

int answerOf(const QHotLibrary &lib)
{
    using Fn = int (*)();
    const auto fn = reinterpret_cast<Fn>(lib.resolve("answer"));
    return fn ? fn() : -1;
}

// Long enough for a good library's trial on a loaded machine; the hanging
// one gets a short limit of its own.
constexpr int GenerousLimitMs = 20000;

} // namespace

class tst_TrialLoad : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void badVersionIsRefused_data();
    void badVersionIsRefused();
    void badFirstVersionIsRefused();
    void hostSymbolsFallBackToLoadingInProcess();
    void trialRunsOffTheLibrarysThread();
    void properties();

private:
    QTemporaryDir m_markers;
};

void tst_TrialLoad::initTestCase()
{
#if defined(__SANITIZE_THREAD__)
    QSKIP("the probe's forked children do not answer under ThreadSanitizer; trial load is off by default there");
#endif
    // The fallback is said at debug level; the test listens for it.
    QLoggingCategory::setFilterRules(QStringLiteral("qhotreload.probe.debug=true"));
    // Before the first trial starts the probe server: its trials inherit it.
    QVERIFY(m_markers.isValid());
    qputenv("QHOT_TEST_PROBE_HANGING", QFile::encodeName(m_markers.filePath(QStringLiteral("hanging"))));
}

void tst_TrialLoad::badVersionIsRefused_data()
{
    QTest::addColumn<QString>("bad");
    QTest::addColumn<int>("limitMs");
    QTest::addColumn<QString>("cause");

    QTest::newRow("throws") << fixture(QHOT_TEST_PROBE_THROWS) << GenerousLimitMs
                            << QStringLiteral("a static initializer threw an exception "
                                              "\\(std::runtime_error: the settings file is missing\\)");
    QTest::newRow("aborts") << fixture(QHOT_TEST_PROBE_ABORTS) << GenerousLimitMs
                            << QStringLiteral("a static initializer aborted \\(SIGABRT\\); "
                                              "it printed \"probe fixture: giving up\"");
#if defined(__SANITIZE_ADDRESS__)
    // AddressSanitizer's runtime in the probe reports the fault and exits 1:
    // still refused, named by that exit.
    QTest::newRow("segfaults") << fixture(QHOT_TEST_PROBE_SEGFAULTS) << GenerousLimitMs
                               << QStringLiteral("a static initializer ended the process \\(exit code 1\\); it printed \".*\"");
#else
    QTest::newRow("segfaults") << fixture(QHOT_TEST_PROBE_SEGFAULTS) << GenerousLimitMs
                               << QStringLiteral("a static initializer crashed \\(SIGSEGV\\)");
#endif
    QTest::newRow("hangs") << fixture(QHOT_TEST_PROBE_HANGS) << 1000
                           << QStringLiteral("a static initializer did not return within 1000 ms \\(trialLoadTimeout\\)");
    QTest::newRow("exits") << fixture(QHOT_TEST_PROBE_EXITS) << GenerousLimitMs
                           << QStringLiteral("a static initializer ended the process \\(exit code 3\\)");
}

void tst_TrialLoad::badVersionIsRefused()
{
    QFETCH(QString, bad);
    QFETCH(int, limitMs);
    QFETCH(QString, cause);

    WatchedLibrary watched(fixture(QHOT_TEST_FIXTURE_ANSWER_V1), QStringLiteral("liblogic.so"));
    QVERIFY(watched.isValid());
    QHotLibrary lib(watched.path());
    lib.setTrialLoadTimeout(GenerousLimitMs);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(answerOf(lib), 1);
    const QString running = lib.loadedFileName();

    QSignalSpy aboutToReload(&lib, &QHotLibrary::aboutToReload);
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);
    lib.setTrialLoadTimeout(limitMs);
    QVERIFY(watched.replaceLikeLd(bad));

    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout + limitMs);
    const QString reason = failed.at(0).at(0).toString();
    const QRegularExpression expected(QRegularExpression::escape(watched.nativePath())
                                      + QStringLiteral(" refused: ") + cause
                                      + QStringLiteral(" in a trial load; the running version is kept$"));
    QVERIFY2(expected.match(reason).hasMatch(), qPrintable(reason));
    QCOMPARE(lib.errorString(), reason);
    // Nothing of the running version was touched: no swap began (its state
    // was never asked for), and it still answers.
    QCOMPARE(aboutToReload.count(), 0);
    QCOMPARE(reloaded.count(), 0);
    QCOMPARE(lib.version(), 1);
    QCOMPARE(lib.loadedFileName(), running);
    QCOMPARE(answerOf(lib), 1);

    // The next good build is taken as usual.
    lib.setTrialLoadTimeout(GenerousLimitMs);
    QVERIFY(watched.replaceLikeLd(fixture(QHOT_TEST_FIXTURE_ANSWER_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(failed.count(), 1);
    QCOMPARE(aboutToReload.count(), 1);
    QCOMPARE(lib.version(), 2);
    QCOMPARE(answerOf(lib), 2);
}

void tst_TrialLoad::badFirstVersionIsRefused()
{
    WatchedLibrary watched(fixture(QHOT_TEST_PROBE_SEGFAULTS), QStringLiteral("liblogic.so"));
    QVERIFY(watched.isValid());
    QHotLibrary lib(watched.path());
    lib.setTrialLoadTimeout(GenerousLimitMs);
    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);

    QVERIFY(!lib.load());
#if defined(__SANITIZE_ADDRESS__)
    QVERIFY2(lib.errorString().startsWith(watched.nativePath()
                                          + QStringLiteral(" refused: a static initializer ended the process "
                                                           "(exit code 1)")),
             qPrintable(lib.errorString()));
    QVERIFY2(lib.errorString().endsWith(QStringLiteral("in a trial load; it was not loaded")),
             qPrintable(lib.errorString()));
#else
    QCOMPARE(lib.errorString(),
             watched.nativePath()
                     + QStringLiteral(" refused: a static initializer crashed (SIGSEGV) in a trial load; "
                                      "it was not loaded"));
#endif
    QVERIFY(!lib.isLoaded());
    QCOMPARE(lib.version(), 0);

    // Still watched: the fixed build is the first version.
    QVERIFY(watched.replaceLikeLd(fixture(QHOT_TEST_PROBE_FINE)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(lib.version(), 1);
    QCOMPARE(answerOf(lib), 9);
}

void tst_TrialLoad::hostSymbolsFallBackToLoadingInProcess()
{
    WatchedLibrary watched(fixture(QHOT_TEST_PROBE_HOSTSYMBOL_V1), QStringLiteral("liblogic.so"));
    QVERIFY(watched.isValid());
    QHotLibrary lib(watched.path());
    lib.setTrialLoadTimeout(GenerousLimitMs);

    // Said once, at debug level, for every version that needs it.
    QTest::ignoreMessage(QtDebugMsg,
                         QRegularExpression(QStringLiteral("^no trial load for .*liblogic-v\\d+\\.so \\(.*undefined "
                                                           "symbol: qhot_probe_host_value\\); it is loaded in "
                                                           "the application without one$")));
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));
    QCOMPARE(answerOf(lib), 41);

    QSignalSpy reloaded(&lib, &QHotLibrary::reloaded);
    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);
    QVERIFY(watched.replaceLikeLd(fixture(QHOT_TEST_PROBE_HOSTSYMBOL_V2)));
    QTRY_COMPARE_WITH_TIMEOUT(reloaded.count(), 1, Timeout);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(answerOf(lib), 42);
}

// A new build is read, copied and trial-loaded off the library's thread: while
// a trial runs (here one that hangs until its limit), the application's event
// loop goes on, and the build is judged once the trial ends.
void tst_TrialLoad::trialRunsOffTheLibrarysThread()
{
    const QString hanging = m_markers.filePath(QStringLiteral("hanging"));
    QFile::remove(hanging);
    WatchedLibrary watched(fixture(QHOT_TEST_FIXTURE_ANSWER_V1), QStringLiteral("liblogic.so"));
    QVERIFY(watched.isValid());
    QHotLibrary lib(watched.path());
    lib.setTrialLoadTimeout(GenerousLimitMs);
    QVERIFY2(lib.load(), qPrintable(lib.errorString()));

    QSignalSpy failed(&lib, &QHotLibrary::reloadFailed);
    const int limitMs = 4000;
    lib.setTrialLoadTimeout(limitMs);
    QVERIFY(watched.replaceLikeLd(fixture(QHOT_TEST_PROBE_HANGS)));
    // This loop runs while the probe's initializer hangs: the trial has begun
    // and is not over. Were the trial on this thread, the loop would run only
    // after it, with the build refused already.
    QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(hanging), Timeout);
    QCOMPARE(failed.count(), 0);
    QCOMPARE(lib.version(), 1);
    QCOMPARE(answerOf(lib), 1); // the running version answers meanwhile

    QTRY_COMPARE_WITH_TIMEOUT(failed.count(), 1, Timeout + limitMs);
    QVERIFY2(failed.at(0).at(0).toString().contains(QStringLiteral("did not return within 4000 ms")),
             qPrintable(failed.at(0).at(0).toString()));
    QCOMPARE(lib.version(), 1);
}

void tst_TrialLoad::properties()
{
    QHotLibrary lib;
    // On unless the environment turns the default off.
    QCOMPARE(lib.trialLoad(), qgetenv("QHOTRELOAD_TRIAL_LOAD") != "0");
    QSignalSpy trialLoadChanged(&lib, &QHotLibrary::trialLoadChanged);
    QSignalSpy timeoutChanged(&lib, &QHotLibrary::trialLoadTimeoutChanged);
    lib.setTrialLoad(!lib.trialLoad());
    lib.setTrialLoad(lib.trialLoad());
    QCOMPARE(trialLoadChanged.count(), 1);
    QCOMPARE(lib.setProperty("trialLoadTimeout", 1234), true);
    QCOMPARE(lib.trialLoadTimeout(), 1234);
    lib.setTrialLoadTimeout(0);
    QCOMPARE(lib.trialLoadTimeout(), 1);
    QCOMPARE(timeoutChanged.count(), 2);
}

QTEST_GUILESS_MAIN(tst_TrialLoad)
#include "tst_trialload.moc"
