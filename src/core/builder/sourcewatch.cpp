// SPDX-License-Identifier: MIT
// QHotBuilder's sources and dependencies: which files are watched, whether a
// notification is a real save, and learning the headers the objects include.
#include "qhotbuilder_p.h"

#include "linkedlibraries_p.h"
#include "logging_p.h"
#include "watcher_p.h"

#include <QtCore/QCryptographicHash>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>

namespace {
// How soon a file still open by its writer is looked at again.
constexpr int WriterPollMs = 5;
} // namespace

QHotBuilderPrivate::QHotBuilderPrivate(QHotBuilder *q)
    : q_ptr(q)
{
    settle.setSingleShot(true);
    settle.setInterval(delay);
    QObject::connect(&settle, &QTimer::timeout, q, [this] { checkSources(); });
    QObject::connect(&watcher, &QFileSystemWatcher::fileChanged, q, [this](const QString &path) {
        qCDebug(lcBuilder) << "source changed:" << path;
        rearm(path);
        dirty.insert(path);
        if (!nextSave.isValid())
            nextSave.start();
        settle.start(delay);
    });
    QObject::connect(&watcher, &QFileSystemWatcher::directoryChanged, q,
                     [this](const QString &dir) {
                         qCDebug(lcBuilder) << "directory changed:" << dir;
                         // A save by rename replaced the file's inode: its watch
                         // is dead or follows the old file.
                         for (auto it = digests.cbegin(); it != digests.cend(); ++it) {
                             if (QFileInfo(it.key()).absolutePath() == dir)
                                 dirty.insert(it.key());
                         }
                         for (const QString &file : std::as_const(dirty))
                             rearm(file);
                         if (!nextSave.isValid())
                             nextSave.start();
                         settle.start(delay);
                     });
}

void QHotBuilderPrivate::rewatch()
{
    settle.stop();
    const QStringList files = watcher.files();
    if (!files.isEmpty())
        watcher.removePaths(files);
    const QStringList dirs = watcher.directories();
    if (!dirs.isEmpty())
        watcher.removePaths(dirs);
    digests.clear();
    dirty.clear();
    if (enabled)
        updateWatches();
}

// Watches sources and dependencies, adding and dropping only what changed: a
// file watched already keeps the content last seen, so a save made while the
// set changes is not taken for the state before it.
// No target (QHOT_BUILD_INFO() with hot reload off), or one linked into
// this application (hot reload off, QML's HotBuilder { target: … }): a save
// could only start a build that fails or one whose output nothing loads.
bool QHotBuilderPrivate::nothingToBuild() const
{
    return target.isEmpty() || QHotReload::Detail::linkedLibrary(target);
}

void QHotBuilderPrivate::updateWatches()
{
    // Nothing to build: nothing wanted, so every watch and digest is dropped below.
    QStringList wanted;
    if (!nothingToBuild()) {
        wanted = sources;
        for (const QString &file : std::as_const(dependencies)) {
            if (!sources.contains(file))
                wanted.append(file);
        }
    }
    const QSet<QString> wantedSet(wanted.cbegin(), wanted.cend());

    QStringList dropped;
    for (auto it = digests.cbegin(); it != digests.cend(); ++it) {
        if (!wantedSet.contains(it.key()))
            dropped.append(it.key());
    }
    const QStringList watchedFiles = watcher.files();
    for (const QString &file : std::as_const(dropped)) {
        digests.remove(file);
        dirty.remove(file);
        if (watchedFiles.contains(file))
            watcher.removePath(file);
    }

    QStringList wantedDirs;
    for (const QString &file : std::as_const(wanted)) {
        const QString dir = QFileInfo(file).absolutePath();
        if (!wantedDirs.contains(dir))
            wantedDirs.append(dir);
        if (digests.contains(file))
            continue;
        digests.insert(file, digest(file));
        if (QFileInfo::exists(file) && !watcher.addPath(file))
            qCWarning(lcBuilder) << "cannot watch" << file;
    }
    const QStringList watchedDirs = watcher.directories();
    for (const QString &dir : watchedDirs) {
        if (!wantedDirs.contains(dir))
            watcher.removePath(dir);
    }
    for (const QString &dir : std::as_const(wantedDirs)) {
        if (!watchedDirs.contains(dir) && !watcher.addPath(dir))
            qCWarning(lcBuilder) << "cannot watch directory" << dir;
    }
}

void QHotBuilderPrivate::rearm(const QString &path)
{
    if (!enabled || !digests.contains(path))
        return;
    if (watcher.files().contains(path))
        watcher.removePath(path);
    if (QFileInfo::exists(path))
        watcher.addPath(path);
}

void QHotBuilderPrivate::scanDependencies()
{
    if (!enabled || nothingToBuild() || buildDir.isEmpty())
        return;
    if (scan) {
        rescan = true; // the running scan may have read the build tree too early
        return;
    }
    const QHotReload::Internal::DependencyQuery query{buildDir, target, config, sources};
    scanCancelled = false;
    const int generation = ++scanGeneration;
    scan = QThread::create([this, query, generation] {
        const DependencyAnswer answer = QHotReload::Internal::scanDependencies(query, scanCancelled);
        // Queued to the builder's thread; dropped if the builder is gone.
        QMetaObject::invokeMethod(
                q_ptr, [this, generation, answer] { takeDependencies(generation, answer); },
                Qt::QueuedConnection);
    });
    scan->setObjectName(QStringLiteral("QHotBuilder dependency scan"));
    scan->start(QThread::LowPriority);
}

void QHotBuilderPrivate::takeDependencies(int generation, const DependencyAnswer &answer)
{
    if (generation != scanGeneration)
        return;
    if (scan) {
        scan->wait();
        delete scan;
        scan = nullptr;
    }
    if (rescan) {
        rescan = false;
        scanDependencies();
        return;
    }
    if (!enabled)
        return;
    if (!answer.whyNone.isEmpty()) {
        // Keep what was learned before: the sources are watched in any case.
        qCDebug(lcBuilder).noquote() << "headers of" << target << "not learned:" << answer.whyNone
                                     << "- watching its listed sources only";
    } else if (answer.files != dependencies) {
        qCDebug(lcBuilder) << target << "depends on" << answer.files.size() << "project files";
        dependencies = answer.files;
        updateWatches();
        Q_EMIT q_ptr->dependenciesChanged();
    }
    // At start, a header newer than the library counts as much as a source;
    // once checked with what the build tree knows, the check is done.
    checkOutOfDate();
    checkPending = false;
}

void QHotBuilderPrivate::stopScan()
{
    rescan = false;
    if (!scan)
        return;
    scanCancelled = true;
    scan->wait();
    delete scan;
    scan = nullptr;
    ++scanGeneration;
}

// The target or its build tree changed: what was learned is someone else's.
void QHotBuilderPrivate::forgetDependencies()
{
    stopScan();
    if (!dependencies.isEmpty()) {
        dependencies.clear();
        if (enabled)
            updateWatches();
        Q_EMIT q_ptr->dependenciesChanged();
    }
    scanDependencies();
}

QByteArray QHotBuilderPrivate::digest(const QString &path) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash hash(QCryptographicHash::Sha1);
    hash.addData(&file);
    return hash.result();
}

void QHotBuilderPrivate::checkSources()
{
    if (!enabled)
        return;
    QStringList saved;
    // In watching order, so sources come first.
    QStringList changed;
    for (const QString &file : std::as_const(sources)) {
        if (dirty.contains(file))
            changed.append(file);
    }
    for (const QString &file : std::as_const(dependencies)) {
        if (dirty.contains(file) && !changed.contains(file))
            changed.append(file);
    }
    dirty.clear();
    bool writing = false;
    for (const QString &file : std::as_const(changed)) {
        if (!digests.contains(file))
            continue;
        // Built at once, so never from a file its writer is still filling:
        // it is looked at again shortly (no notification comes at the close).
        if (QFile open(file); open.open(QIODevice::ReadOnly)
            && QHotReload::Internal::openWriter(open) == QHotReload::Internal::OpenWriter::Open) {
            qCDebug(lcBuilder) << "still being written:" << file;
            dirty.insert(file);
            writing = true;
            continue;
        }
        const QByteArray now = digest(file);
        // Missing: an editor between removing and renaming; when the file is
        // back its content decides.
        if (now.isEmpty())
            continue;
        QByteArray &before = digests[file];
        if (before != now) {
            qCDebug(lcBuilder) << "content changed:" << file;
            before = now;
            saved.append(file);
        }
    }
    if (writing)
        settle.start(qMax(delay, WriterPollMs));
    if (saved.isEmpty())
        return;
    for (const QString &file : std::as_const(saved))
        Q_EMIT q_ptr->sourceSaved(file);
    q_ptr->build();
}
