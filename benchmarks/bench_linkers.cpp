// SPDX-License-Identifier: MIT
// From a real linker's exit to the new code live, for each linker found on
// the machine (GNU ld.bfd, gold, lld, mold). The compiler driver links one of
// two object files (answer() == 1 or 2) straight into the watched path, as a
// build does, while a QHotLibrary watches it; t0 is when the driver has exited
// (seen by a thread that only waits for it), t1 is reloaded().
//
// A reload that lands before the exit is seen counts as 0 ms (the new code was
// live by then). After each reload the private copy must be exactly what the
// linker wrote and answer() the expected value; anything else is a torn load.
//
// Usage: bench_linkers [--links N] [--linker bfd|gold|lld|mold]...
// Last line: RESULT linker_to_live_ms <linker>_p50=<x> <linker>_p99=<y> ... torn=<t> linkers=<n>

#include "benchutil.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFileInfo>
#include <QtCore/QProcess>
#include <QtCore/QStandardPaths>
#include <QtCore/QTemporaryDir>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <atomic>
#include <memory>

using bench::fixed;
using bench::out;
using bench::percentile;

namespace {

constexpr int ReloadTimeoutMs = 10000;

struct Linker
{
    QString name;   // what -fuse-ld= takes
    QString binary; // what must be on PATH for it
};

const QList<Linker> &knownLinkers()
{
    static const QList<Linker> linkers{{QStringLiteral("bfd"), QStringLiteral("ld.bfd")},
                                       {QStringLiteral("gold"), QStringLiteral("ld.gold")},
                                       {QStringLiteral("lld"), QStringLiteral("ld.lld")},
                                       {QStringLiteral("mold"), QStringLiteral("mold")}};
    return linkers;
}

struct LinkerResult
{
    QString name;
    std::vector<double> toLiveMs;  // linker exit -> reloaded(), 0 if reloaded first
    std::vector<double> linkMs;    // start -> exit of the driver
    int beforeExit = 0;
    int torn = 0;
    int failures = 0;
    QString firstProblem;

    void problem(const QString &what)
    {
        ++failures;
        if (firstProblem.isEmpty())
            firstProblem = what;
    }
};

class Bench
{
public:
    Bench(const QString &compiler, const QString &dir, const QStringList &objects)
        : m_compiler(compiler), m_dir(dir), m_objects(objects)
    {
        m_watched = QDir(dir).filePath(QStringLiteral("watched/libbench_linked.so"));
        QDir(dir).mkpath(QStringLiteral("watched"));
    }

    //! Links version \a index with \a linker; returns the driver's exit status and sets \a started/\a exited (ns).
    bool link(const QString &linker, int index, qint64 *started, std::atomic<qint64> *exited, QString *error)
    {
        QString failure;
        // The driver runs and is waited for on a thread of its own: the
        // library's thread keeps running its event loop meanwhile.
        std::unique_ptr<QThread> runner(QThread::create([&] {
            QProcess driver;
            driver.setProcessChannelMode(QProcess::MergedChannels);
            *started = m_clock.nsecsElapsed();
            driver.start(m_compiler, {QStringLiteral("-shared"), QStringLiteral("-fuse-ld=") + linker,
                                      m_objects.at(index), QStringLiteral("-o"), m_watched});
            if (!driver.waitForFinished(60000)) {
                failure = driver.errorString();
                return;
            }
            exited->store(m_clock.nsecsElapsed());
            if (driver.exitStatus() != QProcess::NormalExit || driver.exitCode() != 0)
                failure = QString::fromLocal8Bit(driver.readAll()).trimmed();
        }));
        QEventLoop loop;
        QObject::connect(runner.get(), &QThread::finished, &loop, &QEventLoop::quit);
        runner->start();
        loop.exec();
        runner->wait();
        *error = failure;
        return failure.isEmpty();
    }

    LinkerResult run(const QString &linker, int links)
    {
        LinkerResult result;
        result.name = linker;
        m_clock.start();
        // The first version, linked by this linker before anything watches.
        qint64 started = 0;
        std::atomic<qint64> exited{-1};
        QString error;
        QFile::remove(m_watched);
        if (!link(linker, 0, &started, &exited, &error)) {
            result.problem(QStringLiteral("cannot link: ") + error);
            return result;
        }
        QHotLibrary library(m_watched);
        library.setRequiredSymbols({QStringLiteral("answer")});
        if (!library.load()) {
            result.problem(library.errorString());
            return result;
        }
        qint64 reloadedNs = -1;
        QEventLoop waiting;
        QObject::connect(&library, &QHotLibrary::reloaded, &library, [&] {
            reloadedNs = m_clock.nsecsElapsed();
            waiting.quit();
        });
        QObject::connect(&library, &QHotLibrary::reloadFailed, &library, [&](const QString &reason) {
            result.problem(QStringLiteral("reloadFailed: ") + reason);
            waiting.quit();
        });

        for (int i = 1; i <= links; ++i) {
            const int index = i % 2;
            const int version = library.version();
            reloadedNs = -1;
            exited = -1;
            if (!link(linker, index, &started, &exited, &error)) {
                result.problem(QStringLiteral("cannot link: ") + error);
                break;
            }
            if (library.version() == version) {
                QTimer timeout;
                timeout.setSingleShot(true);
                QObject::connect(&timeout, &QTimer::timeout, &waiting, &QEventLoop::quit);
                timeout.start(ReloadTimeoutMs);
                waiting.exec();
            }
            if (reloadedNs < 0) {
                if (result.failures == 0)
                    result.problem(QStringLiteral("no reload within %1 ms").arg(ReloadTimeoutMs));
                break;
            }
            result.linkMs.push_back(double(exited - started) / 1e6);
            if (reloadedNs < exited)
                ++result.beforeExit;
            result.toLiveMs.push_back(qMax(0.0, double(reloadedNs - exited) / 1e6));
            const auto answer = reinterpret_cast<int (*)()>(library.resolve("answer"));
            const QByteArray linked = bench::readAll(m_watched);
            if (!answer || answer() != index + 1 || bench::readAll(library.loadedFileName()) != linked)
                ++result.torn;
        }
        return result;
    }

private:
    QString m_compiler;
    QString m_dir;
    QStringList m_objects;
    QString m_watched;
    QElapsedTimer m_clock;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_linkers"));
    QCommandLineParser parser;
    parser.setApplicationDescription(
            QStringLiteral("Time from each real linker's exit to the new code live in a QHotLibrary."));
    parser.addHelpOption();
    const QCommandLineOption linksOption(QStringLiteral("links"), QStringLiteral("Links per linker (default 50)."),
                                         QStringLiteral("N"), QStringLiteral("50"));
    const QCommandLineOption linkerOption(QStringLiteral("linker"),
                                          QStringLiteral("Only this linker (bfd, gold, lld, mold); repeatable."),
                                          QStringLiteral("name"));
    parser.addOptions({linksOption, linkerOption});
    parser.process(app);
    bool ok = false;
    const int links = parser.value(linksOption).toInt(&ok);
    if (!ok || links < 1) {
        out() << "--links needs a positive number\n";
        return 2;
    }
    const QStringList only = parser.values(linkerOption);

    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        out() << "cannot create a temporary directory: " << tmp.errorString() << '\n';
        return 2;
    }
    Bench bench(QStringLiteral(BENCH_CXX_COMPILER), tmp.path(),
                {QStringLiteral(BENCH_LINKED_OBJECT_A), QStringLiteral(BENCH_LINKED_OBJECT_B)});

    QList<LinkerResult> results;
    for (const Linker &linker : knownLinkers()) {
        if (!only.isEmpty() && !only.contains(linker.name))
            continue;
        if (QStandardPaths::findExecutable(linker.binary).isEmpty()) {
            out() << linker.name << ": not on this machine (" << linker.binary << "), skipped\n";
            continue;
        }
        results.append(bench.run(linker.name, links));
        const LinkerResult &r = results.last();
        out() << r.name << ": n=" << r.toLiveMs.size() << "  exit -> live p50=" << fixed(percentile(r.toLiveMs, 50))
              << " p99=" << fixed(percentile(r.toLiveMs, 99)) << " max=" << fixed(percentile(r.toLiveMs, 100))
              << " ms  (link p50 " << fixed(percentile(r.linkMs, 50)) << " ms; live before the exit was seen: "
              << r.beforeExit << "; torn: " << r.torn << ")\n";
        if (!r.firstProblem.isEmpty())
            out() << "    ! " << r.firstProblem << '\n';
        out().flush();
    }

    bool passed = !results.isEmpty();
    int torn = 0;
    QString figures;
    for (const LinkerResult &r : std::as_const(results)) {
        torn += r.torn;
        passed = passed && r.failures == 0 && r.torn == 0 && int(r.toLiveMs.size()) == links;
        figures += QStringLiteral(" %1_p50=%2 %1_p99=%3").arg(r.name, fixed(percentile(r.toLiveMs, 50)),
                                                               fixed(percentile(r.toLiveMs, 99)));
    }
    if (!passed)
        out() << "BENCHMARK FAILED: a link or a reload failed, timed out or was torn\n";
    out() << "RESULT linker_to_live_ms" << figures << " torn=" << torn << " linkers=" << results.size() << '\n';
    out().flush();
    return passed ? 0 : 1;
}
