// SPDX-License-Identifier: MIT
// The probe server ends with its application, however the application ends:
// a host program (probe_host) trial-loads a library, so its server runs, and
// is killed with SIGKILL; the server and its child must be gone soon after —
// while the child waits for a request, while it runs a trial that never ends,
// and while another process holds the application's end of the socket. And a
// server started from a thread of the application does not end with that
// thread.
//
// Linux: the processes are found and followed in /proc.

#include "testsupport.h"

#if defined(Q_OS_LINUX)
#include "processes.h"
#endif

#include <QtCore/QProcess>
#include <QtCore/QScopeGuard>
#include <QtCore/QTemporaryDir>
#include <QtTest/QTest>

#include <csignal>

using QHotTestSupport::fixture;

namespace {

// Generous: on a loaded machine a process killed by the kernel may take a
// while to be scheduled and reaped.
constexpr int EndMs = 60000;

#if defined(Q_OS_LINUX)

// probe_host, killed when the test leaves, however it leaves.
class Host : public QProcess
{
public:
    ~Host() override
    {
        kill();
        waitForFinished(EndMs);
    }
};

// Starts probe_host with \a arguments; the lines it printed up to its
// "ready", or none if it did not get there.
QList<QByteArray> startUntilReady(Host &host, const QStringList &arguments)
{
    host.start(QStringLiteral(QHOT_TEST_PROBE_HOST), arguments);
    if (!host.waitForStarted(EndMs)) {
        qWarning().noquote() << "probe_host did not start:" << host.errorString();
        return {};
    }
    QByteArray out;
    for (;;) {
        out += host.readAllStandardOutput();
        if (out.endsWith("ready\n"))
            return out.trimmed().split('\n');
        if (host.state() == QProcess::NotRunning || !host.waitForReadyRead(EndMs)) {
            qWarning().noquote() << "probe_host printed:" << out << host.readAllStandardError();
            return {};
        }
    }
}

QByteArray valueOf(const QList<QByteArray> &lines, const QByteArray &key)
{
    for (const QByteArray &line : lines) {
        if (line.startsWith(QByteArray(key + ' ')))
            return line.mid(key.size() + 1);
    }
    return {};
}

#endif

} // namespace

class tst_ProbeLifetime : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void serverEndsWithItsApplication_data();
    void serverEndsWithItsApplication();
    void serverOutlivesTheThreadThatStartedIt();
};

void tst_ProbeLifetime::initTestCase()
{
#if !defined(Q_OS_LINUX)
    QSKIP("the processes are followed in /proc (Linux)");
#elif defined(__SANITIZE_THREAD__)
    QSKIP("the probe's forked children do not answer under ThreadSanitizer; trial load is off by default there");
#endif
}

void tst_ProbeLifetime::serverEndsWithItsApplication_data()
{
    QTest::addColumn<QString>("mode");
    QTest::addColumn<QString>("library");

    QTest::newRow("child waits for a request") << QStringLiteral("idle") << fixture(QHOT_TEST_PROBE_FINE);
    QTest::newRow("trial under way") << QStringLiteral("trial") << fixture(QHOT_TEST_PROBE_HANGS);
    QTest::newRow("socket held by another process") << QStringLiteral("held") << fixture(QHOT_TEST_PROBE_FINE);
}

void tst_ProbeLifetime::serverEndsWithItsApplication()
{
#if defined(Q_OS_LINUX)
    using namespace ProbeProcesses;
    QFETCH(QString, mode);
    QFETCH(QString, library);

    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString hanging = dir.filePath(QStringLiteral("hanging"));
    Host host;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("QHOT_TEST_PROBE_HANGING"), hanging);
    host.setProcessEnvironment(environment);
    const QList<QByteArray> said = startUntilReady(host, {mode, library});
    QVERIFY2(!said.isEmpty(), "probe_host did not get ready");
    qint64 holder = valueOf(said, "holder").toLongLong();
    auto killHolder = qScopeGuard([&] {
        if (holder > 0)
            ::kill(pid_t(holder), SIGKILL);
    });
    QCOMPARE(mode == QLatin1String("held"), holder > 0);
    if (mode == QLatin1String("trial"))
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(hanging), EndMs); // the child runs the trial

    // The server, and its child: the one running the trial, or the one
    // waiting for the next request (it reads the socket; the last trial's
    // child, which may still be ending, reads /dev/null).
    QList<Process> servers;
    QTRY_COMPARE_WITH_TIMEOUT((servers = probeServersOf(host.processId())).size(), 1, EndMs);
    const Process server = servers.constFirst();
    const QByteArray childInput = mode == QLatin1String("trial") ? QByteArray("/dev/null") : QByteArray("socket:");
    QList<Process> children;
    QTRY_VERIFY_WITH_TIMEOUT((children = childrenOf(server.pid)).size() == 1
                                     && standardInput(children.constFirst().pid).startsWith(childInput),
                             EndMs);
    const Process child = children.constFirst();

    ::kill(pid_t(host.processId()), SIGKILL);
    QVERIFY(host.waitForFinished(EndMs));
    QCOMPARE(host.exitStatus(), QProcess::CrashExit);

    QTRY_VERIFY2_WITH_TIMEOUT(ended(server), qPrintable(QStringLiteral("the probe server (pid %1) is still running")
                                                                .arg(server.pid)),
                              EndMs);
    QTRY_VERIFY2_WITH_TIMEOUT(ended(child), qPrintable(QStringLiteral("the probe server's child (pid %1) is still "
                                                                      "running")
                                                               .arg(child.pid)),
                              EndMs);
    if (holder > 0) { // it still holds the socket: the kernel told the server
        const std::optional<Process> stillThere = process(holder);
        QVERIFY(stillThere && !ended(*stillThere));
    }
#endif
}

void tst_ProbeLifetime::serverOutlivesTheThreadThatStartedIt()
{
#if defined(Q_OS_LINUX)
    Host host;
    const QList<QByteArray> said = startUntilReady(host, {QStringLiteral("thread"), fixture(QHOT_TEST_PROBE_FINE)});
    QVERIFY2(!said.isEmpty(), "probe_host did not get ready");
    QList<QByteArray> servers;
    for (const QByteArray &line : said) {
        if (line.startsWith("server "))
            servers << line.mid(7);
    }
    // After the load in the thread, and after the thread ended and the main
    // thread loaded again: one server, the same.
    QCOMPARE(servers.size(), 2);
    QVERIFY2(servers.at(0) != "none", "no probe server after the first load");
    QCOMPARE(servers.at(1), servers.at(0));
#endif
}

QTEST_GUILESS_MAIN(tst_ProbeLifetime)
#include "tst_probelifetime.moc"
