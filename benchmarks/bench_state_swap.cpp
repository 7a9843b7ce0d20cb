// SPDX-License-Identifier: MIT
// State swap (issue 4): how long a swap takes when the library carries its
// state across it with QHOT_LIBRARY_STATE hooks, next to the same swap with
// no state.
//
// The library keeps a registry of --entries records (QHash<QString, qint64>);
// its save hook returns them as a QVariantMap of that many entries, its
// restore hook takes the map, checks the count and rebuilds the registry
// (fixture/state.cpp says why this and not a map kept as is). t0 is right
// after a new complete file is renamed over the watched path; t1 is
// reloaded(), which comes after the new version's restore hook has run.
// Versions A and B alternate. After each swap the live version must be the
// one just put in place, hold every record with the first version's checksum,
// and count one more swap; a refused restore (stateRestoreFailed) fails the run.
//
// Usage: bench_state_swap [--swaps N] [--entries E] [--gap-ms M]
// Last line: RESULT state_swap_ms entries=<E> p50=<x>   (with state)

#include "benchutil.h"

#include <QHotReload/QHotLibrary>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>

#include <memory>
#include <vector>

namespace {

using bench::fixed;
using bench::out;
using bench::percentile;

// Generous: the machine this runs on is a loaded 2-core box.
constexpr int SwapTimeoutMs = 10000;

const char SaveNsProperty[] = "benchStateSaveNs";
const char RestoreNsProperty[] = "benchStateRestoreNs";
const char SaveCpuNsProperty[] = "benchStateSaveCpuNs";
const char RestoreCpuNsProperty[] = "benchStateRestoreCpuNs";

struct Version
{
    QByteArray bytes;
    int number = 0; // what benchstate::version() answers
};

struct Result
{
    QString name;
    std::vector<double> swapMs;    // t0 -> reloaded
    std::vector<double> aboutMs;   // t0 -> aboutToReload (new copy open, old still running)
    std::vector<double> saveMs;    // inside the save hook
    std::vector<double> restoreMs; // inside the restore hook
    // The main thread's CPU time over the same spans: what the work costs
    // whatever else holds the CPU (the whole swap runs on the main thread).
    std::vector<double> swapCpuMs;
    std::vector<double> saveCpuMs;
    std::vector<double> restoreCpuMs;
    int problems = 0;
    QStringList messages;

    void fail(const QString &message)
    {
        ++problems;
        if (messages.size() < 5)
            messages << message;
    }

    void print() const
    {
        auto &o = out();
        if (swapMs.empty()) {
            o << name << ": no swap measured\n";
        } else {
            const auto [mn, mx] = std::minmax_element(swapMs.begin(), swapMs.end());
            o << name << ": n=" << swapMs.size() << "  min=" << fixed(*mn) << "  p50=" << fixed(percentile(swapMs, 50))
              << "  p90=" << fixed(percentile(swapMs, 90)) << "  p99=" << fixed(percentile(swapMs, 99))
              << "  max=" << fixed(*mx) << " ms\n";
            o << "    p50 of: aboutToReload at " << fixed(percentile(aboutMs, 50)) << " ms";
            if (!saveMs.empty())
                o << ", save hook " << fixed(percentile(saveMs, 50)) << " ms, restore hook "
                  << fixed(percentile(restoreMs, 50)) << " ms";
            o << '\n';
            if (!swapCpuMs.empty()) {
                o << "    main-thread CPU time, p50: swap " << fixed(percentile(swapCpuMs, 50)) << " ms";
                if (!saveCpuMs.empty())
                    o << ", save hook " << fixed(percentile(saveCpuMs, 50)) << " ms, restore hook "
                      << fixed(percentile(restoreCpuMs, 50)) << " ms";
                o << '\n';
            }
        }
        o << "    problems: " << problems << '\n';
        for (const QString &m : messages)
            o << "    ! " << m << '\n';
        o.flush();
    }
};

class SwapRun
{
public:
    SwapRun(const QString &dir, const Version &a, const Version &b, bool carriesState, int entries)
        : m_a(a), m_b(b), m_carriesState(carriesState), m_entries(entries)
    {
        // Staged beside the watched directory: only the rename happens where
        // the library looks, so nothing before t0 wakes it.
        QDir(dir).mkpath(QStringLiteral("watched"));
        QDir(dir).mkpath(QStringLiteral("staging"));
        m_watched = dir + QStringLiteral("/watched/libbench_state.so");
        m_staged = dir + QStringLiteral("/staging/libbench_state.so");
        m_result.name = carriesState ? QStringLiteral("with state (%1-entry QVariantMap)").arg(entries)
                                     : QStringLiteral("without state (no hooks)");
    }

    Result run(int swaps, int gapMs)
    {
        if (!setUp())
            return m_result;
        for (int i = 0; i < swaps; ++i) {
            if (!swapOnce(i % 2 == 0 ? m_b : m_a, i + 1))
                break; // the state is unknown after a time-out; stop here
            pause(gapMs);
        }
        return m_result;
    }

private:
    qint64 callInt(const char *function, const QVariantList &arguments = {})
    {
        const QVariant v = m_library->call(QString::fromLatin1(function), arguments);
        return v.isValid() ? v.toLongLong() : -1;
    }

    bool setUp()
    {
        if (!bench::writeFile(m_watched, m_a.bytes)) {
            m_result.fail(QStringLiteral("cannot write ") + m_watched);
            return false;
        }
        m_library = std::make_unique<QHotLibrary>(m_watched);
        if (!m_library->load()) {
            m_result.fail(QStringLiteral("first load: ") + m_library->errorString());
            return false;
        }
        m_library->call(QStringLiteral("benchstate::prepare"), {m_entries});
        if (callInt("benchstate::recordCount") != m_entries) {
            m_result.fail(QStringLiteral("the first version holds %1 records after prepare(%2)")
                                  .arg(callInt("benchstate::recordCount"))
                                  .arg(m_entries));
            return false;
        }
        m_checksum = callInt("benchstate::checksum");

        QObject::connect(m_library.get(), &QHotLibrary::aboutToReload, m_library.get(), [this] {
            if (m_waiting)
                m_aboutNs = m_clock.nsecsElapsed();
        });
        QObject::connect(m_library.get(), &QHotLibrary::reloaded, m_library.get(), [this] {
            // Taken in the slot: the figure ends when the application is told.
            const qint64 now = m_clock.nsecsElapsed();
            if (!m_waiting) {
                m_result.fail(QStringLiteral("reloaded() while no new file was put in place"));
                return;
            }
            m_reloadedNs = now;
            m_reloadedCpuNs = bench::threadCpuNs();
            m_loop.quit();
        });
        QObject::connect(m_library.get(), &QHotLibrary::reloadFailed, m_library.get(), [this](const QString &why) {
            m_result.fail(QStringLiteral("reloadFailed: ") + why);
            if (m_waiting)
                m_loop.quit();
        });
        QObject::connect(m_library.get(), &QHotLibrary::stateRestoreFailed, m_library.get(),
                         [this](const QString &why) { m_result.fail(QStringLiteral("stateRestoreFailed: ") + why); });
        m_clock.start();
        return true;
    }

    // Time between rebuilds, as an edit-build cycle has: lets the stray
    // notifications of the previous swap drain. Part of the scenario, not a
    // way to wait for anything.
    void pause(int msecs)
    {
        if (msecs <= 0)
            return;
        QEventLoop loop;
        QTimer::singleShot(msecs, &loop, &QEventLoop::quit);
        loop.exec();
    }

    bool swapOnce(const Version &next, int swapNumber)
    {
        const int problemsBefore = m_result.problems;
        if (!bench::writeFile(m_staged, next.bytes)) {
            m_result.fail(QStringLiteral("cannot stage ") + m_staged);
            return false;
        }
        QCoreApplication::instance()->setProperty(SaveNsProperty, QVariant());
        QCoreApplication::instance()->setProperty(RestoreNsProperty, QVariant());
        QCoreApplication::instance()->setProperty(SaveCpuNsProperty, QVariant());
        QCoreApplication::instance()->setProperty(RestoreCpuNsProperty, QVariant());
        m_reloadedNs = -1;
        m_reloadedCpuNs = -1;
        m_aboutNs = -1;
        QTimer timeout;
        timeout.setSingleShot(true);
        QObject::connect(&timeout, &QTimer::timeout, &m_loop, &QEventLoop::quit);

        m_waiting = true;
        const bool renamed = bench::renameOver(m_staged, m_watched);
        const qint64 t0 = m_clock.nsecsElapsed();
        const qint64 cpuT0 = bench::threadCpuNs();
        if (!renamed) {
            m_waiting = false;
            m_result.fail(QStringLiteral("cannot rename %1 over %2").arg(m_staged, m_watched));
            return false;
        }
        timeout.start(SwapTimeoutMs);
        m_loop.exec();
        m_waiting = false;

        if (m_reloadedNs < 0) {
            if (m_result.problems == problemsBefore)
                m_result.fail(QStringLiteral("swap %1: no reloaded() within %2 ms").arg(swapNumber).arg(SwapTimeoutMs));
            return false;
        }
        m_result.swapMs.push_back(double(m_reloadedNs - t0) / 1e6);
        if (cpuT0 >= 0 && m_reloadedCpuNs >= 0)
            m_result.swapCpuMs.push_back(double(m_reloadedCpuNs - cpuT0) / 1e6);
        if (m_aboutNs >= 0)
            m_result.aboutMs.push_back(double(m_aboutNs - t0) / 1e6);

        // Did the swap bring the new code, and (with hooks) all of the state?
        if (const qint64 got = callInt("benchstate::version"); got != next.number)
            m_result.fail(QStringLiteral("swap %1: version %2 is live, expected %3").arg(swapNumber).arg(got).arg(next.number));
        const qint64 records = callInt("benchstate::recordCount");
        if (m_carriesState) {
            const qint64 sum = callInt("benchstate::checksum");
            const qint64 generation = callInt("benchstate::generation");
            if (records != m_entries || sum != m_checksum || generation != swapNumber) {
                m_result.fail(QStringLiteral("swap %1: %2 records, checksum %3, generation %4; expected %5, %6, %7")
                                      .arg(swapNumber).arg(records).arg(sum).arg(generation)
                                      .arg(m_entries).arg(m_checksum).arg(swapNumber));
            }
            const QVariant saveNs = QCoreApplication::instance()->property(SaveNsProperty);
            const QVariant restoreNs = QCoreApplication::instance()->property(RestoreNsProperty);
            if (!saveNs.isValid() || !restoreNs.isValid()) {
                m_result.fail(QStringLiteral("swap %1: a state hook did not run").arg(swapNumber));
            } else {
                m_result.saveMs.push_back(saveNs.toDouble() / 1e6);
                m_result.restoreMs.push_back(restoreNs.toDouble() / 1e6);
                const QVariant saveCpu = QCoreApplication::instance()->property(SaveCpuNsProperty);
                const QVariant restoreCpu = QCoreApplication::instance()->property(RestoreCpuNsProperty);
                if (saveCpu.isValid() && restoreCpu.isValid() && saveCpu.toLongLong() >= 0
                    && restoreCpu.toLongLong() >= 0) {
                    m_result.saveCpuMs.push_back(saveCpu.toDouble() / 1e6);
                    m_result.restoreCpuMs.push_back(restoreCpu.toDouble() / 1e6);
                }
            }
        } else if (records != 0) {
            // No hooks: the new version starts with an empty registry.
            m_result.fail(QStringLiteral("swap %1: %2 records without state hooks").arg(swapNumber).arg(records));
        }
        return true;
    }

    const Version &m_a;
    const Version &m_b;
    bool m_carriesState;
    int m_entries;
    QString m_watched;
    QString m_staged;
    std::unique_ptr<QHotLibrary> m_library;
    qint64 m_checksum = 0;
    QEventLoop m_loop;
    QElapsedTimer m_clock; // monotonic
    bool m_waiting = false;
    qint64 m_reloadedNs = -1;
    qint64 m_aboutNs = -1;
    qint64 m_reloadedCpuNs = -1;
    Result m_result;
};

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_state_swap"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
            "Measures a swap that carries a library's state through QHOT_LIBRARY_STATE hooks."));
    parser.addHelpOption();
    const QCommandLineOption swapsOption(QStringLiteral("swaps"), QStringLiteral("Swaps per run (default 60)."),
                                         QStringLiteral("N"), QStringLiteral("60"));
    const QCommandLineOption entriesOption(QStringLiteral("entries"),
                                           QStringLiteral("Records the state carries (default 10000)."),
                                           QStringLiteral("E"), QStringLiteral("10000"));
    const QCommandLineOption gapOption(QStringLiteral("gap-ms"),
                                       QStringLiteral("Event-loop time between rebuilds (default 20)."),
                                       QStringLiteral("M"), QStringLiteral("20"));
    parser.addOptions({swapsOption, entriesOption, gapOption});
    parser.process(app);

    bool ok1 = false, ok2 = false, ok3 = false;
    const int swaps = parser.value(swapsOption).toInt(&ok1);
    const int entries = parser.value(entriesOption).toInt(&ok2);
    const int gapMs = parser.value(gapOption).toInt(&ok3);
    if (!ok1 || !ok2 || !ok3 || swaps < 1 || entries < 1 || gapMs < 0) {
        out() << "--swaps and --entries need positive numbers, --gap-ms a number >= 0\n";
        return 2;
    }

    const Version stateA{bench::readAll(QStringLiteral(BENCH_STATE_A_FILE)), 1};
    const Version stateB{bench::readAll(QStringLiteral(BENCH_STATE_B_FILE)), 2};
    const Version plainA{bench::readAll(QStringLiteral(BENCH_NOSTATE_A_FILE)), 1};
    const Version plainB{bench::readAll(QStringLiteral(BENCH_NOSTATE_B_FILE)), 2};
    for (const Version *v : {&stateA, &stateB, &plainA, &plainB}) {
        if (v->bytes.isEmpty()) {
            out() << "cannot read the fixture libraries\n";
            return 2;
        }
    }
    QTemporaryDir tmp;
    if (!tmp.isValid()) {
        out() << "cannot create a temporary directory: " << tmp.errorString() << '\n';
        return 2;
    }

    // Without state first: it warms the same paths (watcher, loader, private
    // directory) for both, and a state run's failure cannot disturb it.
    Result plain;
    Result withState;
    {
        SwapRun run(tmp.path() + QStringLiteral("/nostate"), plainA, plainB, false, entries);
        plain = run.run(swaps, gapMs);
    }
    {
        SwapRun run(tmp.path() + QStringLiteral("/state"), stateA, stateB, true, entries);
        withState = run.run(swaps, gapMs);
    }

    out() << "state swap, t0 = new complete file renamed in place, t1 = reloaded() (restore hook done), " << swaps
          << " swaps alternating two versions, " << gapMs << " ms between rebuilds\n";
    plain.print();
    withState.print();
    const bool passed = plain.problems == 0 && withState.problems == 0 && int(plain.swapMs.size()) == swaps
            && int(withState.swapMs.size()) == swaps;
    if (passed && !withState.swapMs.empty()) {
        const double p50 = percentile(withState.swapMs, 50);
        out() << "    state adds " << fixed(p50 - percentile(plain.swapMs, 50)) << " ms at p50"
              << (p50 <= 15.0 ? " (goal met: p50 <= 15 ms)" : " (goal MISSED: p50 <= 15 ms)") << '\n';
    }
    if (!passed)
        out() << "BENCHMARK FAILED: a swap failed, timed out, lost state or was unexpected\n";
    out() << "RESULT state_swap_ms entries=" << entries << " p50=" << fixed(percentile(withState.swapMs, 50)) << '\n';
    out().flush();
    return passed ? 0 : 1;
}
