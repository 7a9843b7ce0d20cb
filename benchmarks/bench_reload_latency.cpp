// SPDX-License-Identifier: MIT
// Reload latency: from the moment a new complete library file is in place at
// the watched path to QHotLibrary::reloaded().
//
// Two ways a new file lands, measured separately:
//   rename   - the file is written elsewhere and renamed over the watched path
//              (atomic; t0 = right after rename() returns). The RESULT figure.
//   linker   - as GNU ld does it: unlink, create, write in a few chunks, close,
//              from another thread while the library watches
//              (t0 = right after close() returns).
// Versions A (answer() == 1) and B (answer() == 2) alternate. After each
// reload the live version must answer the expected value and the private copy
// must hold exactly the complete fixture's bytes; anything else is a torn load.
//
// With --load N, N threads spin beside the benchmark the whole time (a busy
// machine: writers and the library are descheduled at any moment); torn loads
// must stay 0 there too.
//
// Usage: bench_reload_latency [--reloads N] [--gap-ms M] [--load N] [--breakdown]
// Last line: RESULT reload_latency_ms p50=<x> p99=<y> n=<n> torn=<t>
//            linker_p50=<x> linker_p99=<y> load=<N>
// (p50/p99/n: rename-over; torn: both ways together).

#include "cpuload.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QCryptographicHash>
#include <QtCore/QDir>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QFileSystemWatcher>
#include <QtCore/QLibrary>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTextStream>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio> // ::rename
#include <memory>
#include <thread>
#include <vector>

#if defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

namespace {

// Generous: the machine this runs on is a loaded 2-core box. A reload that
// takes this long is reported as timed out, not waited for further.
constexpr int ReloadTimeoutMs = 10000;
constexpr int LinkerChunks = 4;

QTextStream &out()
{
    static QTextStream stream(stdout);
    return stream;
}

struct Fixture
{
    QByteArray bytes;
    int answer = 0;
    QString name;
};

QByteArray readAll(const QString &path, QString *error = nullptr)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = file.errorString();
        return {};
    }
    return file.readAll();
}

// Writes the whole of bytes to a new file; the sequence a linker performs.
// Unbuffered, so each chunk is its own write(2) and a reader may see the file
// between them.
bool writeInChunks(const QString &path, const QByteArray &bytes, int chunks, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Unbuffered)) {
        *error = file.errorString();
        return false;
    }
    const qsizetype chunk = (bytes.size() + chunks - 1) / chunks;
    for (qsizetype offset = 0; offset < bytes.size(); offset += chunk) {
        const qsizetype len = qMin(chunk, bytes.size() - offset);
        if (file.write(bytes.constData() + offset, len) != len) {
            *error = file.errorString();
            return false;
        }
    }
    file.close();
    return true;
}

// Replaces target by source in one step: whoever opens target sees the old
// file or the new one, never a mix. (QFile::rename refuses to overwrite.)
bool renameOver(const QString &source, const QString &target)
{
#if defined(Q_OS_WIN)
    return MoveFileExW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(source).utf16()),
                       reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(target).utf16()),
                       MOVEFILE_REPLACE_EXISTING)
            != 0;
#else
    return ::rename(QFile::encodeName(source).constData(), QFile::encodeName(target).constData()) == 0;
#endif
}

double percentile(std::vector<double> sorted, double p)
{
    if (sorted.empty())
        return 0.0;
    std::sort(sorted.begin(), sorted.end());
    // Nearest rank: the smallest value with at least p% of the samples at or below it.
    const auto rank = static_cast<size_t>(std::ceil(p / 100.0 * double(sorted.size())));
    return sorted[qBound<size_t>(1, rank, sorted.size()) - 1];
}

QString ms(double v)
{
    return QString::number(v, 'f', 2);
}

struct ModeResult
{
    QString name;
    std::vector<double> latencyMs;   // t0 -> reloaded
    std::vector<double> notifyMs;    // t0 -> our own watcher saw the change (--breakdown)
    std::vector<double> aboutMs;     // t0 -> aboutToReload (new copy opened, old still loaded)
    int torn = 0;
    int wrongAnswer = 0;
    int failures = 0;
    int timeouts = 0;
    int unexpected = 0;              // reloads nobody asked for, or version jumps
    int writerErrors = 0;
    int beforeT0 = 0;                // linker way: taken before the writer's close() returned
    QStringList messages;

    bool ok() const
    {
        return torn == 0 && wrongAnswer == 0 && failures == 0 && timeouts == 0 && unexpected == 0
                && writerErrors == 0 && !latencyMs.empty();
    }

    void note(const QString &message)
    {
        // Enough to see what went wrong without flooding the summary.
        if (messages.size() < 5)
            messages << message;
    }

    void print() const
    {
        auto &o = out();
        if (latencyMs.empty()) {
            o << name << ": no reload measured\n";
        } else {
            const auto [mn, mx] = std::minmax_element(latencyMs.begin(), latencyMs.end());
            o << name << ": n=" << latencyMs.size() << "  min=" << ms(*mn)
              << "  p50=" << ms(percentile(latencyMs, 50)) << "  p90=" << ms(percentile(latencyMs, 90))
              << "  p99=" << ms(percentile(latencyMs, 99)) << "  max=" << ms(*mx) << " ms\n";
        }
        if (beforeT0 > 0) {
            // The file is complete after its last write; close() adds nothing
            // to it. A writer thread preempted before it could read the clock
            // gives these negative figures.
            o << "    " << beforeT0 << " reload(s) done before the writer's close() returned (negative latency)\n";
        }
        if (!notifyMs.empty() && !aboutMs.empty()) {
            o << "    breakdown (p50): change seen by a watcher of our own " << ms(percentile(notifyMs, 50))
              << " ms, aboutToReload " << ms(percentile(aboutMs, 50)) << " ms, reloaded "
              << ms(percentile(latencyMs, 50)) << " ms after t0\n";
        }
        o << "    torn loads: " << torn << " (bytes differ) + " << wrongAnswer << " (wrong answer)"
          << ", reloadFailed: " << failures << ", timeouts: " << timeouts
          << ", unexpected reloads: " << unexpected << ", writer errors: " << writerErrors << '\n';
        for (const QString &m : messages)
            o << "    ! " << m << '\n';
        o.flush();
    }
};

enum class Mode { RenameOver, LinkerWrite };

class Bench
{
public:
    Bench(const QString &dir, const Fixture &a, const Fixture &b, int gapMs, bool breakdown)
        : m_dir(dir), m_a(a), m_b(b), m_gapMs(gapMs), m_breakdown(breakdown)
    {
        // Staged beside, not inside, the watched directory: only the rename
        // itself happens where the library looks, so nothing before t0 wakes it.
        QDir(m_dir).mkpath(QStringLiteral("watched"));
        QDir(m_dir).mkpath(QStringLiteral("staging"));
        m_watched = m_dir + QStringLiteral("/watched/libbench_answer.so");
        m_staged = m_dir + QStringLiteral("/staging/libbench_answer.so");
    }

    bool setUp(QString *error)
    {
        QString writeError;
        if (!writeInChunks(m_watched, m_a.bytes, 1, &writeError)) {
            *error = QStringLiteral("cannot write %1: %2").arg(m_watched, writeError);
            return false;
        }
        m_library = std::make_unique<QHotLibrary>(m_watched);
        m_library->setRequiredSymbols({QStringLiteral("answer")});
        if (!m_library->load()) {
            *error = m_library->errorString();
            return false;
        }
        m_live = &m_a;
        if (const int got = callAnswer(); got != m_a.answer) {
            *error = QStringLiteral("first load answers %1, expected %2").arg(got).arg(m_a.answer);
            return false;
        }

        QObject::connect(m_library.get(), &QHotLibrary::aboutToReload, m_library.get(), [this] {
            if (m_waiting)
                m_aboutNs = m_clock.nsecsElapsed();
        });
        QObject::connect(m_library.get(), &QHotLibrary::reloaded, m_library.get(), [this] {
            // Taken in the slot, not after the loop returns: the figure ends
            // when the application is told, not when we get round to it.
            const qint64 now = m_clock.nsecsElapsed();
            if (!m_waiting) {
                ++m_current->unexpected;
                m_current->note(QStringLiteral("reloaded() while no new file was put in place"));
                return;
            }
            m_reloadedNs = now;
            m_loop.quit();
        });
        QObject::connect(m_library.get(), &QHotLibrary::reloadFailed, m_library.get(),
                         [this](const QString &reason) {
                             ++m_current->failures;
                             m_current->note(QStringLiteral("reloadFailed: ") + reason);
                             if (m_waiting)
                                 m_loop.quit();
                         });
        if (m_breakdown) {
            // A second inotify watch on the same directory: when it fires is
            // about when the library's watch fires too.
            m_ownWatcher.addPath(QFileInfo(m_watched).absolutePath());
            QObject::connect(&m_ownWatcher, &QFileSystemWatcher::directoryChanged, &m_ownWatcher, [this] {
                if (m_waiting && m_notifyNs < 0)
                    m_notifyNs = m_clock.nsecsElapsed();
            });
        }
        m_clock.start();
        return true;
    }

    ModeResult run(Mode mode, int reloads)
    {
        ModeResult result;
        result.name = mode == Mode::RenameOver ? QStringLiteral("rename-over (atomic)")
                                               : QStringLiteral("linker-like (unlink, create, write x%1, close)")
                                                         .arg(LinkerChunks);
        m_current = &result;
        for (int i = 0; i < reloads; ++i) {
            const Fixture &next = m_live == &m_a ? m_b : m_a;
            if (!reloadOnce(mode, next, &result))
                break; // the state is unknown after a time-out; stop this mode
            pause(m_gapMs);
        }
        m_current = &m_idle;
        return result;
    }

private:
    int callAnswer() const
    {
        using AnswerFn = int (*)();
        const auto fn = reinterpret_cast<AnswerFn>(m_library->resolve("answer"));
        return fn ? fn() : -1;
    }

    // Time between rebuilds, as a developer's edit-build cycle has: lets the
    // stray notifications of the previous swap drain before the next file
    // lands. Part of the scenario, not a way to wait for anything.
    void pause(int msecs)
    {
        if (msecs <= 0)
            return;
        QEventLoop loop;
        QTimer::singleShot(msecs, &loop, &QEventLoop::quit);
        loop.exec();
    }

    bool reloadOnce(Mode mode, const Fixture &next, ModeResult *result)
    {
        const int versionBefore = m_library->version();
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &m_loop, &QEventLoop::quit);

        m_reloadedNs = -1;
        m_aboutNs = -1;
        m_notifyNs = -1;
        const int failuresBefore = result->failures;
        std::atomic<qint64> t0{-1};
        std::unique_ptr<QThread> writer;

        if (mode == Mode::RenameOver) {
            QString error;
            if (!writeInChunks(m_staged, next.bytes, 1, &error)) {
                ++result->writerErrors;
                result->note(QStringLiteral("cannot stage %1: %2").arg(m_staged, error));
                return false;
            }
            m_waiting = true;
            const bool renamed = renameOver(m_staged, m_watched);
            t0 = m_clock.nsecsElapsed();
            if (!renamed) {
                m_waiting = false;
                ++result->writerErrors;
                result->note(QStringLiteral("cannot rename %1 over %2").arg(m_staged, m_watched));
                return false;
            }
        } else {
            // Another thread writes while this one runs the library's event
            // loop, so the library can look at the file half-written.
            m_waiting = true;
            QString writerError;
            writer.reset(QThread::create([this, &next, &t0, &writerError] {
                QFile::remove(m_watched);
                if (writeInChunks(m_watched, next.bytes, LinkerChunks, &writerError))
                    t0 = m_clock.nsecsElapsed();
            }));
            writer->start();
            timeout.start(ReloadTimeoutMs);
            m_loop.exec();
            writer->wait();
            if (t0 < 0) {
                m_waiting = false;
                ++result->writerErrors;
                result->note(QStringLiteral("cannot write %1: %2").arg(m_watched, writerError));
                return false;
            }
        }

        if (mode == Mode::RenameOver) {
            timeout.start(ReloadTimeoutMs);
            m_loop.exec();
        }
        m_waiting = false;

        if (m_reloadedNs < 0) {
            if (result->failures == failuresBefore) {
                ++result->timeouts;
                result->note(QStringLiteral("no reloaded() within %1 ms (version %2 -> %3)")
                                     .arg(ReloadTimeoutMs).arg(versionBefore).arg(m_library->version()));
            }
            return false;
        }

        result->latencyMs.push_back(double(m_reloadedNs - t0) / 1e6);
        if (m_reloadedNs < t0)
            ++result->beforeT0;
        if (m_aboutNs >= 0)
            result->aboutMs.push_back(double(m_aboutNs - t0) / 1e6);
        // In the linker way the unlink already wakes the watchers before t0.
        if (mode == Mode::RenameOver && m_notifyNs >= 0)
            result->notifyMs.push_back(double(m_notifyNs - t0) / 1e6);

        if (m_library->version() != versionBefore + 1) {
            ++result->unexpected;
            result->note(QStringLiteral("version went from %1 to %2 for one new file")
                                 .arg(versionBefore).arg(m_library->version()));
        }
        m_live = &next;
        if (const int got = callAnswer(); got != next.answer) {
            ++result->wrongAnswer;
            result->note(QStringLiteral("version %1 answers %2, expected %3 (%4)")
                                 .arg(m_library->version()).arg(got).arg(next.answer).arg(next.name));
        }
        QString readError;
        const QString copy = m_library->loadedFileName();
        const QByteArray loaded = readAll(copy, &readError);
        if (loaded != next.bytes) {
            ++result->torn;
            result->note(QStringLiteral("loaded copy %1 has %2 bytes (%3), the complete %4 has %5")
                                 .arg(copy).arg(loaded.size())
                                 .arg(readError.isEmpty() ? QStringLiteral("content differs") : readError,
                                      next.name)
                                 .arg(next.bytes.size()));
        }
        return true;
    }

    QString m_dir;
    QString m_watched;
    QString m_staged;
    const Fixture &m_a;
    const Fixture &m_b;
    const Fixture *m_live = nullptr;
    int m_gapMs;
    bool m_breakdown;

    std::unique_ptr<QHotLibrary> m_library;
    QFileSystemWatcher m_ownWatcher;
    QEventLoop m_loop;
    QElapsedTimer m_clock; // monotonic
    bool m_waiting = false;
    qint64 m_reloadedNs = -1;
    qint64 m_aboutNs = -1;
    qint64 m_notifyNs = -1;
    ModeResult m_idle;     // collects stray signals between runs
    ModeResult *m_current = &m_idle;
};

// What each step of the pipeline costs on its own here, done with the same Qt
// calls the library makes (for --breakdown; the library's internals are not
// reachable from outside).
void printStepCosts(const QString &dir, const Fixture &fixture, int rounds)
{
    std::vector<double> read, hash, write, open, close, maps, remove;
    const QString source = dir + QStringLiteral("/steps-source.so");
    QString error;
    writeInChunks(source, fixture.bytes, 1, &error);
    QElapsedTimer t;
    for (int i = 0; i < rounds; ++i) {
        t.start();
        const QByteArray bytes = readAll(source);
        read.push_back(double(t.nsecsElapsed()) / 1e6);

        t.start();
        const QByteArray digest = QCryptographicHash::hash(bytes, QCryptographicHash::Sha1);
        hash.push_back(double(t.nsecsElapsed()) / 1e6);
        Q_UNUSED(digest);

        const QString copy = dir + QStringLiteral("/steps-copy-%1.so").arg(i);
        t.start();
        {
            QFile file(copy);
            if (file.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
                file.write(bytes);
                file.flush();
                file.close();
                file.setPermissions(QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
            }
        }
        write.push_back(double(t.nsecsElapsed()) / 1e6);

        QLibrary library(copy);
        library.setLoadHints(QLibrary::ResolveAllSymbolsHint);
        t.start();
        const bool loaded = library.load() && library.resolve("answer");
        open.push_back(double(t.nsecsElapsed()) / 1e6);

        t.start();
        if (loaded)
            library.unload();
        close.push_back(double(t.nsecsElapsed()) / 1e6);

        t.start();
        {
            QFile procMaps(QStringLiteral("/proc/self/maps"));
            if (procMaps.open(QIODevice::ReadOnly | QIODevice::Text))
                procMaps.readAll().contains(QFile::encodeName(copy));
        }
        maps.push_back(double(t.nsecsElapsed()) / 1e6);

        t.start();
        QFile::remove(copy);
        remove.push_back(double(t.nsecsElapsed()) / 1e6);
    }
    QFile::remove(source);
    auto &o = out();
    o << "step costs, p50 / p99 over " << rounds << " rounds (" << fixture.bytes.size() << "-byte library):\n";
    const auto line = [&o](const char *what, const std::vector<double> &v) {
        o << "    " << what << ms(percentile(v, 50)) << " / " << ms(percentile(v, 99)) << " ms\n";
    };
    line("read file               ", read);
    line("SHA-1                   ", hash);
    line("write private copy      ", write);
    line("QLibrary load + resolve ", open);
    line("QLibrary unload         ", close);
    line("scan /proc/self/maps    ", maps);
    line("remove old copy         ", remove);
    o.flush();
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_reload_latency"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Measures QHotLibrary reload latency: from a new complete library file at the "
            "watched path to reloaded()."));
    parser.addHelpOption();
    const QCommandLineOption reloadsOption(QStringLiteral("reloads"),
                                           QStringLiteral("Reloads per way of writing (default 200)."),
                                           QStringLiteral("N"), QStringLiteral("200"));
    const QCommandLineOption gapOption(QStringLiteral("gap-ms"),
                                       QStringLiteral("Event-loop time between rebuilds (default 20)."),
                                       QStringLiteral("M"), QStringLiteral("20"));
    const QCommandLineOption loadOption(QStringLiteral("load"),
                                        QStringLiteral("Threads that spin beside the benchmark (default 0)."),
                                        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption breakdownOption(
            QStringLiteral("breakdown"),
            QStringLiteral("Also time when the change is seen and when aboutToReload() comes, "
                           "and what each pipeline step costs alone."));
    parser.addOptions({reloadsOption, gapOption, loadOption, breakdownOption});
    parser.process(app);

    bool ok = false;
    const int reloads = parser.value(reloadsOption).toInt(&ok);
    if (!ok || reloads < 1) {
        out() << "--reloads needs a positive number\n";
        return 2;
    }
    const int gapMs = parser.value(gapOption).toInt(&ok);
    if (!ok || gapMs < 0) {
        out() << "--gap-ms needs a number >= 0\n";
        return 2;
    }
    const bool breakdown = parser.isSet(breakdownOption);
    const int load = parser.value(loadOption).toInt(&ok);
    if (!ok || load < 0) {
        out() << "--load needs a number >= 0\n";
        return 2;
    }

    Fixture a{readAll(QStringLiteral(BENCH_ANSWER_A_FILE)), 1, QStringLiteral("version A")};
    Fixture b{readAll(QStringLiteral(BENCH_ANSWER_B_FILE)), 2, QStringLiteral("version B")};
    if (a.bytes.isEmpty() || b.bytes.isEmpty() || a.bytes == b.bytes) {
        out() << "cannot read two different fixture libraries: " << BENCH_ANSWER_A_FILE << ", "
              << BENCH_ANSWER_B_FILE << '\n';
        return 2;
    }

    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        out() << "cannot create a temporary directory: " << tmp.errorString() << '\n';
        return 2;
    }

    ModeResult renameResult;
    ModeResult linkerResult;
    {
        QHotTestSupport::CpuLoad spinning(load);
        Bench bench(tmp.path(), a, b, gapMs, breakdown);
        QString error;
        if (!bench.setUp(&error)) {
            out() << "cannot load the first version: " << error << '\n';
            return 2;
        }
        renameResult = bench.run(Mode::RenameOver, reloads);
        linkerResult = bench.run(Mode::LinkerWrite, reloads);
    }

    out() << "reload latency, t0 = new complete file in place, t1 = reloaded() (" << a.bytes.size()
          << "/" << b.bytes.size() << "-byte libraries, " << gapMs << " ms between rebuilds, " << load
          << " spinning thread(s) beside)\n";
    renameResult.print();
    linkerResult.print();
    if (breakdown)
        printStepCosts(tmp.path(), a, qMax(reloads, 50));

    const bool passed = renameResult.ok() && linkerResult.ok();
    if (!passed)
        out() << "BENCHMARK FAILED: a reload failed, timed out, was torn or was unexpected\n";
    out() << "RESULT reload_latency_ms p50=" << ms(percentile(renameResult.latencyMs, 50))
          << " p99=" << ms(percentile(renameResult.latencyMs, 99)) << " n=" << renameResult.latencyMs.size()
          << " torn=" << (renameResult.torn + renameResult.wrongAnswer + linkerResult.torn + linkerResult.wrongAnswer)
          << " linker_p50=" << ms(percentile(linkerResult.latencyMs, 50))
          << " linker_p99=" << ms(percentile(linkerResult.latencyMs, 99)) << " load=" << load << '\n';
    out().flush();
    return passed ? 0 : 1;
}
