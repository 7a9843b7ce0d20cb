// SPDX-License-Identifier: MIT
//
// The reload-events example: a worker thread runs the app's loop and calls
// hot functions; it waits for aboutToReload between ticks, gets a blocker
// that holds the swap, saves the library's state with the old code, releases
// the blocker, waits for the reload and restores the state into the new code.
// Without a display (or with --demo) it runs a scripted demo that rebuilds
// the library and checks the order of those events.

#include "demo.h"
#include "eventlog.h"
#include "hotcounter.h"
#include "livebuild.h"
#include "runmode.h"
#include "window.h"
#include "worker.h"

#include <QtCore/QTextStream>
#include <QtWidgets/QApplication>

int main(int argc, char *argv[])
{
    const QString description = QStringLiteral(
            "A worker thread that holds each reload while it saves the hot library's state, and "
            "restores it into the new version. Without a display, runs a scripted demo.");
    return RunMode::runDemoOrWindow(argc, argv, description, runScriptedDemo, [](QApplication &app) {
        hot_counter::hotModule().load();

        EventsWindow window;
        EventLog log;
        log.setPrinter([&window](const EventLog::Entry &entry) {
            const QString line = QStringLiteral("%1 ms [%2] %3").arg(entry.ms).arg(entry.thread, entry.text);
            // Recorded on either thread; the window is the main thread's.
            QMetaObject::invokeMethod(&window, [&window, line] { window.appendEvent(line); }, Qt::QueuedConnection);
        });
#if QHOTRELOAD_ENABLED
        QHotLibrary *library = hot_counter::hotModule().library();
        QObject::connect(library, &QHotLibrary::aboutToReload, &window, [&log] {
            log.record(QStringLiteral("about"), QStringLiteral("main"), QStringLiteral("aboutToReload()"));
        });
        QObject::connect(library, &QHotLibrary::reloaded, &window, [&log, library] {
            log.record(QStringLiteral("reloaded"), QStringLiteral("main"),
                       QStringLiteral("reloaded(): version %1").arg(library->version()));
        });
        QObject::connect(library, &QHotLibrary::reloadFailed, &window, [&log](const QString &reason) {
            log.record(QStringLiteral("failed"), QStringLiteral("main"), QStringLiteral("reloadFailed(): ") + reason);
        });
        const LiveBuild build = QHOT_EXAMPLE_LIVE_BUILD();
        QTextStream(stdout) << "reload-events: edit " << build.sourceFile(QStringLiteral("counter.cpp")) << Qt::endl
                            << "then rebuild the library with: " << build.commandLine() << Qt::endl;
#endif

        CounterWorker worker(log, 500);
        QObject::connect(&worker, &CounterWorker::ticked, &window, &EventsWindow::showTick);
        window.show();
        worker.start();
        const int result = app.exec();
        // The worker's calls run on this thread, which no longer spins: a call in
        // flight gives up after the marshal time-out rather than hang.
        worker.requestStop();
        worker.wait();
        return result;
    });
}
