// SPDX-License-Identifier: MIT
// Call overhead of a hot function (issue 3): what a call through the
// QHOT_MODULE callable costs next to other ways of calling the same function
// of the same loaded library.
//
//   hot      - the callable, on the library's thread (the main thread here):
//              owner-thread check, call-depth counter, indirect call.
//   indirect - a plain function pointer to the same function, resolved once;
//              read through a volatile on every call so the optimizer can
//              neither inline the callee nor hoist the load (the callable
//              reloads its pointer on every call too).
//   lookup   - what a per-call lookup costs, as the Rust hot-lib-reloader
//              crate does it: take a read lock, look the symbol up (dlsym
//              on the loaded copy's handle, as its libloading does; elsewhere
//              than Unix QHotLibrary::resolve), call, unlock.
//   marshaled - the callable called from a worker thread while the main
//              thread runs its event loop: the round trip of one call, per
//              call. For scale, the same round trip of a bare
//              QMetaObject::invokeMethod(BlockingQueuedConnection).
//
// Each of hot/indirect/lookup is timed over --calls calls, --repeats times,
// interleaved so that noise hits all three alike; the figure is the median.
//
// Usage: bench_call_overhead [--calls N] [--repeats R] [--marshaled M]
// Last line: RESULT call_overhead ratio_vs_indirect=<a/b> ratio_vs_lookup=<a/c> marshaled_us=<p50>
//            idle_cpu_ms=<process CPU time in a second with nothing called>

#include "benchutil.h"
#include "fixture/add.h"

#include <QHotReload/QHotModule>

#include <QtCore/QCommandLineParser>
#include <QtCore/QCoreApplication>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <chrono>
#include <ctime>
#include <exception>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <vector>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#endif

QHOT_MODULE(hot_bench, QHOT_LIBRARY_FILE_bench_add, bench_add);

namespace {

using bench::fixed;
using bench::out;
using bench::percentile;
using AddFn = int (*)(int, int);
using Clock = std::chrono::steady_clock;

// Where each loop's sum goes, so no loop's calls can be dropped.
volatile quint64 g_sink = 0;
// The plain pointer, read anew on every call.
AddFn volatile g_plainAdd = nullptr;

// The lookup way's loader: the lock a reload would take for writing, and the
// library the symbol is looked up in.
std::shared_mutex g_loaderLock;
#if defined(Q_OS_UNIX)
void *g_loaderHandle = nullptr;
#else
QHotLibrary *g_loaderLibrary = nullptr;
#endif

AddFn lookUp(const char *symbol)
{
#if defined(Q_OS_UNIX)
    return reinterpret_cast<AddFn>(dlsym(g_loaderHandle, symbol));
#else
    return reinterpret_cast<AddFn>(g_loaderLibrary->resolve(symbol));
#endif
}

constexpr int Addend = 3;

// What each loop must sum to: bench_add(i, Addend) for i in [0, calls).
quint64 expectedSum(int calls)
{
    const auto n = quint64(calls);
    return n * (n - 1) / 2 + n * quint64(Addend);
}

// Each loop is its own function, so that objdump shows each alone.
Q_NEVER_INLINE quint64 loopHot(int calls)
{
    quint64 sum = 0;
    for (int i = 0; i < calls; ++i)
        sum += quint64(hot_bench::bench_add(i, Addend));
    g_sink = sum;
    return sum;
}

Q_NEVER_INLINE quint64 loopIndirect(int calls)
{
    quint64 sum = 0;
    for (int i = 0; i < calls; ++i)
        sum += quint64(g_plainAdd(i, Addend));
    g_sink = sum;
    return sum;
}

Q_NEVER_INLINE quint64 loopLookup(int calls)
{
    quint64 sum = 0;
    for (int i = 0; i < calls; ++i) {
        // Held across the call, as the crate holds it: a reload must not
        // unload the code under a running call.
        std::shared_lock lock(g_loaderLock);
        const AddFn fn = lookUp("bench_add");
        sum += quint64(fn(i, Addend));
    }
    g_sink = sum;
    return sum;
}

struct Way
{
    const char *name;
    quint64 (*loop)(int);
    std::vector<double> nsPerCall;    // wall time: the figure
    std::vector<double> cpuNsPerCall; // this thread's CPU time: the same, less time others held the CPU
    double median() const { return percentile(nsPerCall, 50); }
};

// Times one loop; false if it did not sum to what the calls must give.
bool timeLoop(Way &way, int calls, QString *error)
{
    const qint64 cpuStart = bench::threadCpuNs();
    const auto start = Clock::now();
    const quint64 sum = way.loop(calls);
    const auto ns = std::chrono::duration<double, std::nano>(Clock::now() - start).count();
    const qint64 cpuNs = bench::threadCpuNs() - cpuStart;
    if (sum != expectedSum(calls)) {
        *error = QStringLiteral("%1 loop summed %2, expected %3").arg(QLatin1String(way.name)).arg(sum).arg(expectedSum(calls));
        return false;
    }
    way.nsPerCall.push_back(ns / calls);
    if (cpuStart >= 0)
        way.cpuNsPerCall.push_back(double(cpuNs) / calls);
    return true;
}

struct Marshaled
{
    std::vector<double> hotUs;
    std::vector<double> bareUs;
    QString error;
};

// Runs on a worker thread while the main thread is in app.exec(); quits it when done.
void marshaledCalls(int calls, QObject *mainContext, Marshaled *result)
{
    result->hotUs.reserve(size_t(calls));
    result->bareUs.reserve(size_t(calls));
    try {
        for (int i = 0; i < calls && result->error.isEmpty(); ++i) {
            const auto start = Clock::now();
            const int got = hot_bench::bench_add(i, Addend);
            result->hotUs.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            if (got != i + Addend)
                result->error = QStringLiteral("marshaled bench_add(%1, %2) returned %3").arg(i).arg(Addend).arg(got);
        }
        // The floor: the same trip with nothing of QHotReload in it.
        for (int i = 0; i < calls && result->error.isEmpty(); ++i) {
            int got = 0;
            const auto start = Clock::now();
            const bool invoked = QMetaObject::invokeMethod(
                    mainContext, [&got, i] { got = g_plainAdd(i, Addend); }, Qt::BlockingQueuedConnection);
            result->bareUs.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
            if (!invoked || got != i + Addend)
                result->error = QStringLiteral("blocking invokeMethod returned %1 (invoked: %2)").arg(got).arg(invoked);
        }
    } catch (const std::exception &e) {
        result->error = QStringLiteral("marshaled call threw: ") + QString::fromLocal8Bit(e.what());
    }
    QMetaObject::invokeMethod(QCoreApplication::instance(), &QCoreApplication::quit, Qt::QueuedConnection);
}

QString goal(bool met)
{
    return met ? QStringLiteral("goal met") : QStringLiteral("goal MISSED");
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("bench_call_overhead"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Measures the cost of a call through a QHOT_MODULE callable."));
    parser.addHelpOption();
    const QCommandLineOption callsOption(QStringLiteral("calls"),
                                         QStringLiteral("Calls per timed loop (default 5000000)."),
                                         QStringLiteral("N"), QStringLiteral("5000000"));
    const QCommandLineOption repeatsOption(QStringLiteral("repeats"),
                                           QStringLiteral("Timed loops per way; the median counts (default 9)."),
                                           QStringLiteral("R"), QStringLiteral("9"));
    const QCommandLineOption marshaledOption(QStringLiteral("marshaled"),
                                             QStringLiteral("Calls from a worker thread (default 20000)."),
                                             QStringLiteral("M"), QStringLiteral("20000"));
    parser.addOptions({callsOption, repeatsOption, marshaledOption});
    parser.process(app);

    bool ok1 = false, ok2 = false, ok3 = false;
    const int calls = parser.value(callsOption).toInt(&ok1);
    const int repeats = parser.value(repeatsOption).toInt(&ok2);
    const int marshaledCount = parser.value(marshaledOption).toInt(&ok3);
    // The sums stay exact in 64 bits and i + Addend stays an int.
    if (!ok1 || !ok2 || !ok3 || calls < 1 || calls > 1000000000 || repeats < 1 || marshaledCount < 1) {
        out() << "--calls (1..1e9), --repeats and --marshaled need positive numbers\n";
        return 2;
    }

    const auto fail = [](const QString &why) {
        out() << "BENCHMARK FAILED: " << why << '\n'
              << "RESULT call_overhead ratio_vs_indirect=0.000 ratio_vs_lookup=0.000 marshaled_us=0.00 idle_cpu_ms=0.00\n";
        out().flush();
        return 1;
    };

    if (!hot_bench::hotModule().load())
        return fail(QStringLiteral("cannot load the library: ") + hot_bench::hotModule().errorString());
    QHotLibrary *library = hot_bench::hotModule().library();

    // The plain pointer: the manifest's address of the function the callable calls.
    using ManifestFn = const QHotReload::Abi::Manifest *(*)();
    const auto manifestFn = reinterpret_cast<ManifestFn>(library->resolve(QHOTRELOAD_MANIFEST_SYMBOL));
    const QHotReload::Abi::Manifest *manifest = manifestFn ? manifestFn() : nullptr;
    for (quint32 i = 0; manifest && i < manifest->functionCount; ++i) {
        if (qstrcmp(manifest->functions[i].name, "bench_add") == 0)
            g_plainAdd = reinterpret_cast<AddFn>(manifest->functions[i].address);
    }
    if (!g_plainAdd)
        return fail(QStringLiteral("the library's manifest is missing or does not list bench_add"));

    // The lookup way's own handle on the loaded copy. Not a second QLibrary
    // on the copy's path: Qt shares one QLibraryPrivate per path, and that
    // QLibrary's unload() would unload the copy from under QHotLibrary.
#if defined(Q_OS_UNIX)
    // RTLD_NOLOAD: only the copy already loaded; the loader counts this reference.
    g_loaderHandle = dlopen(QFile::encodeName(library->loadedFileName()).constData(), RTLD_NOW | RTLD_NOLOAD);
    if (!g_loaderHandle)
        return fail(QStringLiteral("cannot get a handle on the loaded copy: ") + QString::fromLocal8Bit(dlerror()));
    const auto releaseLoader = [] { dlclose(g_loaderHandle); g_loaderHandle = nullptr; };
#else
    g_loaderLibrary = library;
    const auto releaseLoader = [] { g_loaderLibrary = nullptr; };
#endif
    if (lookUp("bench_add") != g_plainAdd) {
        releaseLoader();
        return fail(QStringLiteral("bench_add by name is not the manifest's bench_add: the ways would call different code"));
    }

    std::vector<Way> ways{{"hot", &loopHot, {}, {}}, {"indirect", &loopIndirect, {}, {}}, {"lookup", &loopLookup, {}, {}}};
    QString error;
    // A warm-up round: the first hot call takes the slow way (it marks this
    // thread as the owner), and caches and branch predictors settle.
    {
        std::vector<Way> warm = ways;
        for (Way &way : warm) {
            if (!timeLoop(way, qMin(calls, 100000), &error)) {
                releaseLoader();
                return fail(error);
            }
        }
    }
    for (int r = 0; r < repeats; ++r) {
        for (Way &way : ways) {
            if (!timeLoop(way, calls, &error)) {
                releaseLoader();
                return fail(error);
            }
        }
    }
    releaseLoader();

    Marshaled marshaled;
    std::unique_ptr<QThread> worker(QThread::create(&marshaledCalls, marshaledCount, &app, &marshaled));
    worker->setObjectName(QStringLiteral("bench caller"));
    worker->start();
    app.exec();
    worker->wait();
    if (!marshaled.error.isEmpty())
        return fail(marshaled.error);

    // Nothing called for a second, a worker thread waiting in its event loop:
    // what the process burns meanwhile. A marshaled call waits awake for at
    // most MarshalSpin, inside the call; between calls nothing spins.
    QThread idleWorker;
    idleWorker.setObjectName(QStringLiteral("bench idle worker"));
    idleWorker.start();
    const std::clock_t idleCpuStart = std::clock();
    QTimer::singleShot(1000, &app, &QCoreApplication::quit);
    app.exec();
    const double idleCpuMs = double(std::clock() - idleCpuStart) * 1000.0 / CLOCKS_PER_SEC;
    idleWorker.quit();
    idleWorker.wait();

    const double hot = ways[0].median();
    const double indirect = ways[1].median();
    const double lookup = ways[2].median();
    const double ratioIndirect = hot / indirect;
    const double ratioLookup = hot / lookup;
    const double marshaledP50 = percentile(marshaled.hotUs, 50);

    auto &o = out();
    o << "call overhead of int bench_add(int, int), median of " << repeats << " x " << calls
      << " calls, ns per call (min .. max over the repeats):\n";
    for (const Way &way : ways) {
        const auto [mn, mx] = std::minmax_element(way.nsPerCall.begin(), way.nsPerCall.end());
        o << "    " << QString::fromLatin1(way.name).leftJustified(9) << fixed(way.median(), 3) << " ns  ("
          << fixed(*mn, 3) << " .. " << fixed(*mx, 3) << ")";
        if (!way.cpuNsPerCall.empty())
            o << "   thread CPU time: " << fixed(percentile(way.cpuNsPerCall, 50), 3) << " ns";
        o << '\n';
    }
    o << "    hot - indirect = " << fixed(hot - indirect, 3) << " ns per call\n";
    if (!ways[0].cpuNsPerCall.empty()) {
        o << "    by thread CPU time: hot / indirect = "
          << fixed(percentile(ways[0].cpuNsPerCall, 50) / percentile(ways[1].cpuNsPerCall, 50), 3)
          << ", hot / lookup = " << fixed(percentile(ways[0].cpuNsPerCall, 50) / percentile(ways[2].cpuNsPerCall, 50), 3)
          << '\n';
    }
    o << "    hot / indirect = " << fixed(ratioIndirect, 3) << "  (" << goal(ratioIndirect <= 1.5) << ": <= 1.5)\n";
    o << "    hot / lookup   = " << fixed(ratioLookup, 3) << "  (" << goal(ratioLookup <= 0.05) << ": <= 0.05)\n";
    o << "marshaled round trip from a worker thread, " << marshaled.hotUs.size() << " calls, us:\n";
    o << "    hot callable          p50 " << fixed(marshaledP50) << "  p90 " << fixed(percentile(marshaled.hotUs, 90))
      << "  p99 " << fixed(percentile(marshaled.hotUs, 99)) << "  (" << goal(marshaledP50 <= 20) << ": p50 <= 20 us, idle machine)\n";
    o << "    bare blocking invoke  p50 " << fixed(percentile(marshaled.bareUs, 50)) << "  p90 "
      << fixed(percentile(marshaled.bareUs, 90)) << "  p99 " << fixed(percentile(marshaled.bareUs, 99)) << '\n';
    o << "idle for 1 s, nothing called: process CPU time " << fixed(idleCpuMs) << " ms\n";
    o << "RESULT call_overhead ratio_vs_indirect=" << fixed(ratioIndirect, 3) << " ratio_vs_lookup="
      << fixed(ratioLookup, 3) << " marshaled_us=" << fixed(marshaledP50) << " idle_cpu_ms=" << fixed(idleCpuMs)
      << '\n';
    o.flush();
    return 0;
}
