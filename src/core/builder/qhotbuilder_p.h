// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_BUILDER_QHOTBUILDER_P_H
#define QHOTRELOAD_BUILDER_QHOTBUILDER_P_H

#include "qhotbuilder.h"

#include "depscan_p.h"
#include "settle_p.h"
#include "watcher_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QElapsedTimer>
#include <QtCore/QHash>
#include <QtCore/QProcess>
#include <QtCore/QSet>
#include <QtCore/QThread>
#include <QtCore/QTimer>

#include <atomic>
#include <functional>

using QHotReload::Internal::DependencyAnswer;

/*
    QHotBuilder's state. Its concerns, one file each under src/core/builder:
    sourcewatch.cpp (watching sources and the headers they include, telling a
    real save from a touch, learning dependencies), buildrun.cpp (running the
    build, its state and timings, a library out of date at start),
    errorline.cpp (the first error of a build's output), depscan.cpp (reading
    the build tree's dependency records); qhotbuilder.cpp is the public API
    and wires the parts. Calls run one way: the API into the build run and
    the source watch, the build run into the source watch; the source watch
    tells what it found through sourcesSaved and dependenciesLearned.
*/
class QHotBuilderPrivate
{
public:
    explicit QHotBuilderPrivate(QHotBuilder *q);

    bool nothingToBuild() const;

    void rewatch();
    void updateWatches();
    void scanDependencies();
    void takeDependencies(int generation, const DependencyAnswer &answer);
    void forgetDependencies();
    void stopScan();
    QByteArray digest(const QString &path) const;
    void onChanged(QHotReload::Internal::FileWatcher::Change change);
    void follow(const QHotReload::Internal::Settle::Step &step);
    void checkSources();
    void startBuild();
    void finishBuild(bool ok, const QString &whyNotRun);
    void stopProcess();
    void takeSteps();
    void setState(QHotBuilder::State s);
    void setPending(bool p);
    QString markerPath() const;
    void checkOutOfDate();

    Q_DECLARE_PUBLIC(QHotBuilder)
    QHotBuilder *q_ptr;
    bool enabled = false;
    QHotBuilder::State state = QHotBuilder::Idle;
    bool pending = false;
    QString target;
    QString buildDir;
    QString config;
    QString cmake;
    QStringList sources;
    // Project headers the objects included at their last build (not in sources).
    QStringList dependencies;
    int delay = 0;
    QString firstError;
    QString output;
    int buildCount = 0;

    // The same two first stages as QHotLibrary's: the watcher follows every
    // source and header (one kernel watch per directory), and Settle says
    // when to look: at once where the kernel tells that the editor closed
    // the file, after delay ms without a change elsewhere.
    QHotReload::Internal::FileWatcher watcher;
    QHotReload::Internal::Settle settle{{}, 0};
    // Content per source as last seen: a save that leaves the bytes as they
    // were (or a touch, or an editor's backup file in the same directory)
    // starts no build, and mtime granularity cannot hide a quick second save.
    // Every watched file (sources and dependencies) is a key.
    QHash<QString, QByteArray> digests;
    // Files a notification named since the last check: only they are hashed
    // again, so hundreds of watched headers cost nothing per save.
    QSet<QString> dirty;
    QTimer look;
    // The dependency scan runs on a thread of its own: it may run ninja and
    // read hundreds of depfiles.
    QThread *scan = nullptr;
    std::atomic_bool scanCancelled{false};
    bool rescan = false;
    // Which scan's answer is awaited: one from a scan stopped since is stale.
    int scanGeneration = 0;
    QProcess *process = nullptr;
    QByteArray processOutput;
    // Where the next unread line of processOutput starts.
    qsizetype lineStart = 0;
    // Since the build's start, when its last step other than a link ended.
    int compileMs = -1;
    QElapsedTimer clock;
    // Started at the first change seen since the last build started: the
    // save the next build answers. sinceSave is that of the running build.
    QElapsedTimer nextSave;
    QElapsedTimer sinceSave;
    QString libraryFile;
    // Whether the library may still be found out of date: from enabling until
    // a build starts.
    bool checkPending = false;
    // The next build answers no save (it was found out of date).
    bool noSave = false;

    // What the source watch tells, set where the parts are wired (the
    // constructor): contents of watched files changed (a save to build), and
    // the headers the objects include were learned (a start-up check may run).
    std::function<void()> sourcesSaved;
    std::function<void()> dependenciesLearned;
};

#endif
