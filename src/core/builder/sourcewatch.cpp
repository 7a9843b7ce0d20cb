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

using QHotReload::Internal::FileWatcher;
using QHotReload::Internal::OpenWriter;
using QHotReload::Internal::Settle;
using QHotReload::Internal::openWriter;

QHotBuilderPrivate::QHotBuilderPrivate(QHotBuilder *q)
    : q_ptr(q)
{
    look.setSingleShot(true);
    QObject::connect(&look, &QTimer::timeout, q, [this] { checkSources(); });
    QObject::connect(&watcher, &FileWatcher::fileChanged, q, [this](const QString &path, FileWatcher::Change) {
        qCDebug(lcBuilder) << "source changed:" << path;
        dirty.insert(path);
        if (!nextSave.isValid())
            nextSave.start();
    });
    QObject::connect(&watcher, &FileWatcher::changed, q, [this](FileWatcher::Change change) { onChanged(change); });
}

void QHotBuilderPrivate::onChanged(FileWatcher::Change change)
{
    settle.setKernel(watcher.mode() == FileWatcher::Mode::Kernel);
    // A file being written waits for its close, but does not hold back a
    // look already planned at others (a file kept open must not block them).
    if (change == FileWatcher::Change::Written && look.isActive())
        return;
    follow(settle.changed(change));
}

void QHotBuilderPrivate::follow(const Settle::Step &step)
{
    switch (step.kind) {
    case Settle::Step::Keep:
        return;
    case Settle::Step::Wait:
        look.stop();
        return;
    case Settle::Step::LookIn:
        // Where the kernel tells, the delay gathers saves of several files;
        // elsewhere Settle's quiet period is the delay.
        look.start(settle.isKernel() ? qMax(step.delayMs, delay) : step.delayMs);
        return;
    case Settle::Step::Take:
    case Settle::Step::Refuse:
        break; // answers to a look, not to a change
    }
}

void QHotBuilderPrivate::rewatch()
{
    look.stop();
    watcher.stop();
    settle.reset();
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
    for (const QString &file : std::as_const(dropped)) {
        digests.remove(file);
        dirty.remove(file);
    }
    for (const QString &file : std::as_const(wanted)) {
        if (!digests.contains(file))
            digests.insert(file, digest(file));
    }
    if (wanted.isEmpty()) {
        look.stop();
        watcher.stop();
        return;
    }
    watcher.watch(wanted);
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
    dependenciesLearned();
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

// A look at the files the watcher named: Settle says whether what changed
// is final (its editor is done), and a real change of content is a save.
void QHotBuilderPrivate::checkSources()
{
    if (!enabled)
        return;
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
    Settle::Look seen;
    QList<QPair<QString, QByteArray>> saved;
    QSet<QString> writing;
    for (const QString &file : std::as_const(changed)) {
        if (!digests.contains(file))
            continue;
        // Built at once, so never from a file its writer is still filling:
        // its close is looked at, the other files now.
        if (QFile open(file); open.open(QIODevice::ReadOnly) && openWriter(open) == OpenWriter::Open) {
            qCDebug(lcBuilder) << "still being written:" << file;
            writing.insert(file);
            continue;
        }
        const QByteArray now = digest(file);
        // Missing: an editor between removing and renaming; when the file is
        // back the watcher says so, and its content decides.
        if (now.isEmpty())
            continue;
        seen.exists = true;
        if (digests.value(file) != now) {
            saved.append({file, now});
            seen.identity += file.toUtf8() + '\0' + now;
        }
    }
    seen.exists = seen.exists || !writing.isEmpty();
    seen.writerAtIt = saved.isEmpty() && !writing.isEmpty();
    seen.known = saved.isEmpty();
    seen.takeable = true;
    const Settle::Step step = settle.looked(seen);
    if (step.kind != Settle::Step::Take) {
        if (step.kind == Settle::Step::Wait && writing.isEmpty())
            dirty.clear(); // nothing new, or every file named is gone for now
        return follow(step);
    }
    dirty = writing; // looked at again when their writers close them
    for (const auto &[file, now] : std::as_const(saved)) {
        qCDebug(lcBuilder) << "content changed:" << file;
        digests[file] = now;
        Q_EMIT q_ptr->sourceSaved(file);
    }
    sourcesSaved();
}
