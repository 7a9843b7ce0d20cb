// SPDX-License-Identifier: MIT
// How long a swap of a large hot library holds up the library's (GUI) thread.
//
// Two builds of a library with BENCH_BIG_MB megabytes of data alternate under
// the watched path (written beside it, then renamed over it). From the rename
// on, while each one is read, copied, trial-loaded, opened and swapped in, a
// 1 ms timer on the library's thread records the longest gap between its
// ticks: what a user would see as a frozen window. The same gap with nothing to do is the
// timer's own jitter (idle_gap_ms), and dlopen() of such a copy, timed apart
// (dlopen_ms), is what the swap cannot avoid on this thread: the loader maps
// the library and runs its static initializers there.
//
// Usage: bench_swap_stall [--swaps N]
// Last line: RESULT swap_stall size_mb=<m> gui_gap_ms_p50=<x> gui_gap_ms_max=<y>
//            dlopen_ms_p50=<d> idle_gap_ms=<i> save_to_live_ms_p50=<z> n=<n> failed=<f>

#include "benchutil.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QElapsedTimer>
#include <QtCore/QEventLoop>
#include <QtCore/QLibrary>
#include <QtCore/QTemporaryDir>
#include <QtCore/QTimer>

#include <algorithm>

using bench::fixed;
using bench::out;
using bench::percentile;

namespace {

constexpr int SwapTimeoutMs = 30000;

// The longest gap between ticks of a 1 ms timer on this thread while it runs.
class Heartbeat
{
public:
    Heartbeat()
    {
        m_timer.setTimerType(Qt::PreciseTimer);
        m_timer.setInterval(1);
        QObject::connect(&m_timer, &QTimer::timeout, [this] {
            const qint64 now = m_clock.nsecsElapsed();
            m_longest = std::max(m_longest, now - m_last);
            m_last = now;
        });
    }
    void start()
    {
        m_longest = 0;
        m_clock.start();
        m_last = 0;
        m_timer.start();
    }
    double stop()
    {
        m_timer.stop();
        // The gap still open when it stops counts too.
        m_longest = std::max(m_longest, m_clock.nsecsElapsed() - m_last);
        return double(m_longest) / 1e6;
    }

private:
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_last = 0;
    qint64 m_longest = 0;
};

void runFor(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

int answerOf(const QHotLibrary &lib)
{
    using Fn = int (*)();
    const auto fn = reinterpret_cast<Fn>(lib.resolve("answer"));
    return fn ? fn() : -1;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addHelpOption();
    const QCommandLineOption swapsOption(QStringLiteral("swaps"), QStringLiteral("Swaps to measure (default 10)."),
                                         QStringLiteral("n"), QStringLiteral("10"));
    parser.addOption(swapsOption);
    parser.process(app);
    const int swaps = std::max(1, parser.value(swapsOption).toInt());

    const QByteArray builds[2] = {bench::readAll(QStringLiteral(BENCH_BIG_A_FILE)),
                                  bench::readAll(QStringLiteral(BENCH_BIG_B_FILE))};
    if (builds[0].isEmpty() || builds[1].isEmpty()) {
        out() << "cannot read the fixtures " << BENCH_BIG_A_FILE << " and " << BENCH_BIG_B_FILE << Qt::endl;
        return 1;
    }
    QTemporaryDir dir;
    const QString watched = dir.filePath(QStringLiteral("libbig.so"));
    const QString staged = dir.filePath(QStringLiteral(".libbig.so.new"));
    if (!dir.isValid() || !bench::writeFile(watched, builds[0])) {
        out() << "cannot write " << watched << Qt::endl;
        return 1;
    }

    QHotLibrary lib(watched);
    if (!lib.load()) {
        out() << "cannot load: " << lib.errorString() << Qt::endl;
        return 1;
    }
    out() << "library: " << fixed(double(builds[0].size()) / (1024 * 1024), 1) << " MB, trial load "
          << (lib.trialLoad() ? "on" : "off") << Qt::endl;

    Heartbeat heartbeat;
    heartbeat.start();
    runFor(300);
    const double idleGap = heartbeat.stop();

    std::vector<double> gaps, dlopens, saveToLive;
    int failed = 0;
    for (int i = 0; i < swaps; ++i) {
        const int next = (i + 1) % 2;
        // dlopen() of a fresh copy of the next build, apart: the part of the
        // swap that stays on this thread.
        const QString probeCopy = dir.filePath(QStringLiteral("dlopen-%1.so").arg(i));
        if (bench::writeFile(probeCopy, builds[next])) {
            QLibrary plain(probeCopy);
            QElapsedTimer opening;
            opening.start();
            if (plain.load()) {
                dlopens.push_back(double(opening.nsecsElapsed()) / 1e6);
                plain.unload();
            }
            QFile::remove(probeCopy);
        }

        if (!bench::writeFile(staged, builds[next])) {
            out() << "cannot write " << staged << Qt::endl;
            return 1;
        }
        QEventLoop loop;
        const auto done = QObject::connect(&lib, &QHotLibrary::reloaded, &loop, &QEventLoop::quit);
        const auto refused = QObject::connect(&lib, &QHotLibrary::reloadFailed, &loop, [&] {
            ++failed;
            loop.quit();
        });
        QTimer::singleShot(SwapTimeoutMs, &loop, &QEventLoop::quit);
        QElapsedTimer clock;
        clock.start();
        // The rename is the linker's work, done here for want of a linker:
        // it frees the replaced 50 MB file, 15-20 ms on this thread, which
        // a real linker spends in its own process. The watch begins after it.
        bench::renameOver(staged, watched);
        heartbeat.start();
        loop.exec();
        const double toLive = double(clock.nsecsElapsed()) / 1e6;
        runFor(20); // what the swap leaves for the next events counts too
        const double gap = heartbeat.stop();
        QObject::disconnect(done);
        QObject::disconnect(refused);
        if (answerOf(lib) != next + 1) {
            ++failed;
            out() << "swap " << i + 1 << ": not live (answer " << answerOf(lib) << ")" << Qt::endl;
            continue;
        }
        gaps.push_back(gap);
        saveToLive.push_back(toLive);
        out() << "swap " << i + 1 << ": longest gap " << fixed(gap) << " ms, live after " << fixed(toLive)
              << " ms" << Qt::endl;
    }

    const double maxGap = gaps.empty() ? 0.0 : *std::max_element(gaps.begin(), gaps.end());
    out() << "RESULT swap_stall size_mb=" << fixed(double(builds[0].size()) / (1024 * 1024), 1)
          << " gui_gap_ms_p50=" << fixed(percentile(gaps, 50)) << " gui_gap_ms_max=" << fixed(maxGap)
          << " dlopen_ms_p50=" << fixed(percentile(dlopens, 50)) << " idle_gap_ms=" << fixed(idleGap)
          << " save_to_live_ms_p50=" << fixed(percentile(saveToLive, 50)) << " n=" << gaps.size()
          << " failed=" << failed << Qt::endl;
    return failed == 0 ? 0 : 1;
}
