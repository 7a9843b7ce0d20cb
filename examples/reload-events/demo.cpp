// SPDX-License-Identifier: MIT
#include "demo.h"

#include "eventlog.h"
#include "hotcounter.h"
#include "livedemo.h"
#include "worker.h"

#include <QtCore/QScopeGuard>

#include <algorithm>

#if QHOTRELOAD_ENABLED
#include "reloadwatch.h"
#endif

namespace {

constexpr int TickMs = 20;

#if QHOTRELOAD_ENABLED

// One reload seen by the worker: hold it, rebuild, and check the order.
bool reloadRound(LiveDemo &demo, ReloadWatch &watch, EventLog &log, CounterWorker &worker, int step)
{
    // No need to catch the worker between two ticks: its observer holds the
    // swap until the worker has been told, wherever it is when the build lands.
    const int from = log.size();
    const int carriedBefore = worker.reloadsCarried();
    if (!watch.rebuildAndWaitForReload())
        return false;
    if (!demo.waitUntil([&] { return worker.reloadsCarried() > carriedBefore || log.find(QStringLiteral("timeout"), from).sequence >= 0; },
                        LiveDemo::ReloadTimeoutMs, QStringLiteral("the worker's first tick with the new code")))
        return false;

    for (const QString &bad : { QStringLiteral("missed"), QStringLiteral("timeout"), QStringLiteral("error") }) {
        const EventLog::Entry entry = log.find(bad, from);
        if (entry.sequence >= 0)
            return demo.fail(QStringLiteral("the worker: ") + entry.text);
    }

    // The order that must hold, whatever the timing. (The worker wakes with
    // its blocker while the main thread emits aboutToReload(), so those two
    // may come in either order; the save, a call run on the main thread,
    // comes after the emission.)
    const QStringList chain = { QStringLiteral("blocker"), QStringLiteral("saved"), QStringLiteral("released"),
                                QStringLiteral("swapped"), QStringLiteral("restored"), QStringLiteral("newcode") };
    QList<EventLog::Entry> entries;
    for (const QString &key : chain) {
        entries << log.find(key, from);
        if (entries.last().sequence < 0)
            return demo.fail(QStringLiteral("no '%1' event in this reload").arg(key));
        if (entries.size() > 1 && entries.last().sequence < entries.at(entries.size() - 2).sequence)
            return demo.fail(QStringLiteral("'%1' came before '%2'").arg(key, chain.at(entries.size() - 2)));
    }
    const EventLog::Entry about = log.find(QStringLiteral("about"), from);
    const EventLog::Entry reloaded = log.find(QStringLiteral("reloaded"), from);
    if (about.sequence < 0 || reloaded.sequence < 0)
        return demo.fail(QStringLiteral("aboutToReload() or reloaded() was not seen on the main thread"));
    if (about.sequence > entries.at(1).sequence)
        return demo.fail(QStringLiteral("the worker saved before aboutToReload() was emitted"));
    if (reloaded.sequence < entries.at(2).sequence)
        return demo.fail(QStringLiteral("reloaded() came before the worker released its blocker: the swap did not wait"));

    QStringList order;
    QList<EventLog::Entry> all = entries;
    all << about << reloaded;
    std::sort(all.begin(), all.end(), [](const auto &a, const auto &b) { return a.sequence < b.sequence; });
    for (const EventLog::Entry &entry : std::as_const(all))
        order << QStringLiteral("%1 %2 (+%3 ms)").arg(entry.thread, entry.key).arg(entry.ms - about.ms);
    demo.say(QStringLiteral("   order: ") + order.join(QStringLiteral(" -> ")));

    const int expected = worker.lastSaved() + step;
    if (worker.firstAfterReload() != expected) {
        return demo.fail(QStringLiteral("expected tick() = %1 (the saved count %2 plus %3) after the reload, got %4")
                                 .arg(expected)
                                 .arg(worker.lastSaved())
                                 .arg(step)
                                 .arg(worker.firstAfterReload()));
    }
    demo.say(QStringLiteral("   the count crossed the reload: saved %1, the new code's first tick() = %2")
                     .arg(worker.lastSaved())
                     .arg(worker.firstAfterReload()));
    return true;
}

bool run(LiveDemo &demo)
{
    demo.say(QStringLiteral("reload-events: the scripted QHotReload demo (no display, or --demo)"));
    demo.say(QStringLiteral("1. Build reload_events_logic from counter.cpp (usually up to date already)"));
    if (!demo.startFromPristine() || !demo.buildOrFail())
        return false;

    demo.say(QStringLiteral("2. Load it on the main thread and start the worker thread's loop"));
    if (!hot_counter::hotModule().load())
        return demo.fail(hot_counter::hotModule().errorString());
    QHotLibrary *library = hot_counter::hotModule().library();
    ReloadWatch watch(demo, library);

    EventLog log;
    log.setPrinter([&demo](const EventLog::Entry &entry) {
        demo.say(QStringLiteral("   [%1] %2").arg(entry.thread, entry.text));
    });
    const auto aboutConnection = QObject::connect(library, &QHotLibrary::aboutToReload, library, [&] {
        log.record(QStringLiteral("about"), QStringLiteral("main"),
                   QStringLiteral("aboutToReload(): the new version passed its checks, version %1 still runs")
                           .arg(library->version()));
    });
    const auto reloadedConnection = QObject::connect(library, &QHotLibrary::reloaded, library, [&] {
        log.record(QStringLiteral("reloaded"), QStringLiteral("main"),
                   QStringLiteral("reloaded(): version %1 is live").arg(library->version()));
    });
    const auto disconnect = qScopeGuard([&] {
        QObject::disconnect(aboutConnection);
        QObject::disconnect(reloadedConnection);
    });

    CounterWorker worker(log, TickMs);
    const auto stopWorker = qScopeGuard([&] {
        // The worker's calls run on this thread: keep its event loop going until the worker is done.
        worker.requestStop();
        demo.waitUntil([&] { return worker.isFinished(); }, LiveDemo::ReloadTimeoutMs,
                       QStringLiteral("the worker's end"));
    });
    worker.start();
    if (!demo.waitUntil([&] { return worker.lastValue() >= 5; }, LiveDemo::ReloadTimeoutMs,
                        QStringLiteral("five ticks of the worker")))
        return false;
    demo.say(QStringLiteral("   the worker ticks every %1 ms: tick() = %2 so far (version 1 counts by 1)")
                     .arg(TickMs)
                     .arg(worker.lastValue()));

    demo.say(QStringLiteral("3. Edit the build's copy of counter.cpp: tick() counts by 100; rebuild"));
    if (!demo.edit(QStringLiteral("counter.cpp"), { { QStringLiteral("g_count += 1;"), QStringLiteral("g_count += 100;") } })
        || !reloadRound(demo, watch, log, worker, 100))
        return false;

    demo.say(QStringLiteral("4. Put the original counter.cpp back and rebuild"));
    if (!demo.restoreAll() || !reloadRound(demo, watch, log, worker, 1))
        return false;

    worker.requestStop();
    if (!demo.waitUntil([&] { return worker.isFinished(); }, LiveDemo::ReloadTimeoutMs, QStringLiteral("the worker's end")))
        return false;
    demo.say(QStringLiteral("PASSED: 2 reloads, each held by the worker's blocker while it saved the count with "
                            "the old code, then restored into the new code (%1); counter.cpp is back to the original")
                     .arg(watch.figures().join(QStringLiteral("; "))));
    return true;
}

#else // QHOTRELOAD_ENABLED

bool run(LiveDemo &demo)
{
    demo.say(QStringLiteral("reload-events: hot reload is off in this build (QHOTRELOAD_ENABLED=OFF): "
                            "the worker ticks the statically linked counter; there are no reload events"));
    EventLog log;
    CounterWorker worker(log, TickMs);
    worker.start();
    if (!demo.waitUntil([&] { return worker.lastValue() >= 3; }, LiveDemo::ReloadTimeoutMs,
                        QStringLiteral("three ticks of the worker")))
        return false;
    worker.requestStop();
    worker.wait();
    demo.say(QStringLiteral("PASSED: tick() = %1").arg(worker.lastValue()));
    return true;
}

#endif // QHOTRELOAD_ENABLED

} // namespace

int runScriptedDemo()
{
    LiveDemo demo(QHOT_EXAMPLE_LIVE_BUILD(), { QStringLiteral("counter.cpp") });
    return run(demo) ? 0 : 1;
}
