// SPDX-License-Identifier: MIT
#include "qhotlibrary_p.h"

#include "crashguard_p.h"
#include "linkedlibraries_p.h"
#include "logging_p.h"
#include "metatypes_p.h"
#include "ownership_p.h"

#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>

using namespace QHotReload::Internal;
namespace Abi = QHotReload::Abi;

// The reload path, top-down: the watcher speaks (onFileChanged), the settle
// rules say when to look (follow), a look reads the file once (check), what it
// read is judged final or not (judge), a final snapshot is loaded as a version
// (take), and the version is swapped in as soon as nothing holds it back
// (tryFinishSwap, swap.cpp).

QHotLibraryPrivate::QHotLibraryPrivate(QHotLibrary *q)
    : q_ptr(q)
    , tables(std::make_unique<FunctionTables>(q))
    , sync(std::make_shared<SyncState>())
{
    tables->describe = [this](const QString &what) { return describe(what); };
    sync->owner = q;
    // Queued: the swap runs on the library's thread, between events.
    sync->wakeOwner = [q] {
        QMetaObject::invokeMethod(q, [q] { QHotLibraryPrivate::get(q)->tryFinishSwap(); }, Qt::QueuedConnection);
    };
    registerSharedMetaTypes();
    watcher = new FileWatcher(q);
    background = std::make_unique<Background>(q);
    checkTimer = new QTimer(q);
    checkTimer->setSingleShot(true);
    swapRetryTimer = new QTimer(q);
    swapRetryTimer->setSingleShot(true);
    swapRetryTimer->setInterval(5);
    QObject::connect(swapRetryTimer, &QTimer::timeout, q, [this] { tryFinishSwap(); });
    QObject::connect(watcher, &FileWatcher::changed, q, [this](FileWatcher::Change change) { onFileChanged(change); });
    QObject::connect(checkTimer, &QTimer::timeout, q, [this] { check(); });
}

QHotLibraryPrivate::~QHotLibraryPrivate() = default;

bool QHotLibraryPrivate::onOwnerThread() const
{
    return QThread::currentThread() == q_ptr->thread();
}

// --- follow → settle → snapshot ----------------------------------------------

void QHotLibraryPrivate::startWatching()
{
    if (autoReload && active && watcher->filePath().isEmpty())
        watcher->watch(filePath);
}

void QHotLibraryPrivate::stopLooking()
{
    checkTimer->stop();
    settle.reset();
    stopBackground();
}

void QHotLibraryPrivate::onFileChanged(FileWatcher::Change change)
{
    follow(settle.changed(change));
}

// Does what the settle rules said: look again in a while, or wait for the
// watcher. A look planned sooner is kept.
void QHotLibraryPrivate::follow(const Settle::Step &step)
{
    if (step.kind == Settle::Step::Keep)
        return;
    if (step.kind == Settle::Step::Wait) {
        checkTimer->stop();
        return;
    }
    Q_ASSERT(step.kind == Settle::Step::LookIn);
    if (!checkTimer->isActive() || checkTimer->remainingTime() > step.delayMs)
        checkTimer->start(step.delayMs);
}

// One look at the file. Where the kernel says when writers are done, this
// runs once per completion and decides at once; elsewhere it polls until the
// file has been complete and quiet for a while (see Settle). The read runs
// off this thread (a large library would stall the GUI); looked() goes on.
void QHotLibraryPrivate::check()
{
    if (!active || !autoReload)
        return;
    if (background->isBusy()) {
        lookAgain = true; // once the read or copy under way is done
        return;
    }
    settle.setKernel(watcher->mode() == FileWatcher::Mode::Kernel);
    auto snapshot = std::make_shared<Snapshot>();
    background->run([snapshot, path = filePath, allow = allowWritableByOthers] { *snapshot = takeSnapshot(path, allow); },
                    [this, snapshot] {
                        looked(std::move(*snapshot));
                        lookAgainIfAsked();
                    });
}

// A look asked for while the background was busy, now that it is not.
void QHotLibraryPrivate::lookAgainIfAsked()
{
    if (lookAgain && !background->isBusy()) {
        lookAgain = false;
        check();
    }
}

void QHotLibraryPrivate::stopBackground()
{
    background->cancel();
    if (preparing && !preparing->copyPath.isEmpty())
        QFile::remove(preparing->copyPath);
    preparing.reset();
}

// What one read of the file saw: final (judged), refused, or to be looked at again.
// (unload() and autoReload off cancel a look under way: stopLooking()).
void QHotLibraryPrivate::looked(Snapshot snapshot)
{
    const QByteArray &id = snapshot.identity;
    Settle::Look look;
    look.exists = snapshot.exists;
    look.writerAtIt = snapshot.writer == OpenWriter::Open || snapshot.changedWhileRead;
    look.identity = id;
    look.known = !id.isEmpty() && (id == current.identity || id == pending.identity || id == rejectedIdentity);
    look.takeable = snapshot.isTakeable();
    look.incomplete = snapshot.refusal.isEmpty() && snapshot.readiness.state == Readiness::Incomplete;
    look.empty = snapshot.bytes.isEmpty();
    look.reason = describe(snapshot.reason());

    const Settle::Step step = settle.looked(look);
    switch (step.kind) {
    case Settle::Step::Take:
        judge(std::move(snapshot));
        return;
    case Settle::Step::Refuse:
        refuse(id, step.reason, false);
        return;
    case Settle::Step::LookIn:
        if (look.writerAtIt)
            qCDebug(lcWatcher).noquote() << look.reason << "- waiting for its writer";
        else if (look.exists && !look.takeable)
            qCDebug(lcWatcher).noquote() << look.reason << "- looking again";
        break;
    case Settle::Step::Wait:
    case Settle::Step::Keep:
        break;
    }
    follow(step);
}

// Takes \a snapshot, whose bytes are final, or says once why it cannot be
// taken. Its copy and trial load run off this thread; takePrepared() goes on.
void QHotLibraryPrivate::judge(Snapshot snapshot)
{
    if (!snapshot.isTakeable()) {
        // Refused for good; an unreadable or unsafe file's identity is its
        // size and time, which a fix of its permissions changes: looked at anew.
        refuse(snapshot.identity, describe(snapshot.reason()), false);
        return;
    }
    VersionSource source = versionSource(snapshot, Origin::File);
    snapshot = {};
    // The worker holds the only reference to the bytes and lets go of them
    // there (letGo: freeing a large build's buffer at once stalls the GUI).
    // The hand-back needs all but the bytes (the copy is on disk by then).
    VersionSource told = source;
    told.bytes = {};
    auto copy = std::make_shared<PreparedCopy>();
    preparing = copy;
    // The worker touches dir alone: every other use waits for it (stopBackground()).
    background->run(
            [this, source = std::move(source), copy]() mutable {
                *copy = prepareCopy(dir, source);
                letGo(source.bytes);
            },
            [this, told = std::move(told), copy] {
                preparing.reset();
                takePrepared(told, *copy);
                lookAgainIfAsked();
            });
}

// The copy of judge()'s bytes is written and trial-loaded: opened, checked
// and staged here, on the library's thread (dlopen runs the static
// initializers), or refused.
void QHotLibraryPrivate::takePrepared(VersionSource source, const PreparedCopy &copy)
{
    if (copy.copyPath.isEmpty()) {
        if (copy.notCopied)
            copyFailed(source.identity, describe(copy.error), true);
        else
            refuse(source.identity, describe(copy.error), false);
        return;
    }
    source.slots = tables->allSlots(); // a module may have come since
    const bool first = !current;
    QString why;
    bool outside = false;
    LoadedVersion version = openVersion(copy.copyPath, source, &why, &outside);
    if (!version) {
        refuse(source.identity, describe(why), outside);
        return;
    }
    stage(std::move(version), Origin::File);
    if (first)
        announceFirstVersion(); // load() had failed: the file came good since
}

// Bytes refused for what they are (not a library, a changed signature) stay
// refused until they change. Bytes refused for a cause outside them (a
// dependency missing or unreadable) are tried again when that cause may have
// gone: at a change in the library's directory, or reload(). Such a refusal is
// reported once, not again at each attempt that meets the same cause.
void QHotLibraryPrivate::refuse(const QByteArray &identity, const QString &reason, bool outside)
{
    if (!outside) {
        settle.retryDone();
        retryReason.clear();
        rejectedIdentity = identity;
        reportFailure(reason);
        return;
    }
    const bool again = settle.refusedOutside(identity) && reason == retryReason;
    retryReason = reason;
    if (again) {
        qCDebug(lcLoader).noquote() << reason << "- still; tried again when its directory changes";
        return;
    }
    qCInfo(lcLoader).noquote() << "the cause is outside the library's bytes; they are tried again when its "
                                  "directory changes, or on reload()";
    reportFailure(reason);
}

// For load() and reload(): the file as it is now, taken or refused at once.
bool QHotLibraryPrivate::takeNow(QString *reason, Readiness::State *readiness)
{
    stopBackground(); // a look under way would read what this reads now
    const Snapshot snapshot = takeSnapshot(filePath, allowWritableByOthers);
    if (readiness)
        *readiness = snapshot.readiness.state;
    if (!snapshot.exists) {
        *reason = describe(QStringLiteral("does not exist"));
        return false;
    }
    if (!snapshot.isTakeable()) {
        *reason = describe(snapshot.reason());
        return false;
    }
    bool notCopied = false;
    bool outside = false;
    if (take(snapshot, reason, &notCopied, Origin::File, &outside))
        return true;
    if (notCopied)
        copyFailed(snapshot.identity, *reason, false); // the caller reports it
    // The caller reports it; what a change beside the file may cure is
    // looked at again then (the first version too: load() keeps watching).
    if (outside) {
        settle.refusedOutside(snapshot.identity);
        retryReason = *reason;
    }
    return false;
}

// Nothing is wrong with the bytes: the place to copy them to is missing or
// full. Reported once for these bytes; tried again at the next look (a
// watcher event) and on a timer that backs off, so a disk that gets room or
// a temporary directory that comes back is noticed without a busy loop.
void QHotLibraryPrivate::copyFailed(const QByteArray &identity, const QString &reason, bool report)
{
    bool first = false;
    const Settle::Step again = settle.copyFailed(identity, &first);
    if (!first)
        qCDebug(lcLoader).noquote() << reason << "- trying again in" << again.delayMs << "ms";
    if (report && first)
        reportFailure(reason);
    if (active && autoReload)
        follow(again);
}

// --- load → stage ----------------------------------------------------------------

VersionSource QHotLibraryPrivate::versionSource(const Snapshot &snapshot, Origin origin)
{
    VersionSource source;
    source.filePath = filePath;
    source.serial = ++copyCounter;
    source.bytes = snapshot.bytes;
    source.identity = snapshot.identity;
    source.requiredSymbols = requiredSymbols;
    source.slots = tables->allSlots();
    // A rollback brings back bytes that ran here before: no trial for them.
    source.trialLoadMs = trialLoad && origin == Origin::File ? trialLoadTimeout : 0;
    source.replacesRunning = bool(current);
    return source;
}

// Loads \a snapshot's bytes as a new version, all of it on this thread (for
// load(), reload() and a rollback, which answer at once).
bool QHotLibraryPrivate::take(const Snapshot &snapshot, QString *reason, bool *notCopied, Origin origin,
                              bool *outside)
{
    QString why;
    LoadedVersion version = loadVersion(dir, versionSource(snapshot, origin), &why, notCopied, outside);
    if (!version) {
        *reason = describe(why);
        return false;
    }
    stage(std::move(version), origin);
    return true;
}

// The first version starts at once; a later one waits as the pending version
// until nothing holds the swap back (a newer one replaces it meanwhile).
void QHotLibraryPrivate::stage(LoadedVersion version, Origin origin)
{
    settle.retryDone();
    retryReason.clear();
    version.isRollback = origin == Origin::Rollback;
    if (!current) {
        startWith(std::move(version));
        return;
    }
    discard(pending); // a newer rebuild landed while the previous one waited for blockers
    pending = std::move(version);
    tryFinishSwap();
}

// The first version: nothing to swap out, no one to warn.
void QHotLibraryPrivate::startWith(LoadedVersion version)
{
    Q_Q(QHotLibrary);
    current = std::move(version);
    install(current);
    sync->version.store(1);
    Q_EMIT q->loadedFileNameChanged();
    Q_EMIT q->loadedChanged();
    Q_EMIT q->versionChanged();
}

void QHotLibraryPrivate::announceFirstVersion()
{
    Q_Q(QHotLibrary);
    setError(QString());
    {
        std::lock_guard lock(sync->mutex);
        sync->updated.store(true);
        ++sync->reloadGeneration;
    }
    sync->cv.notify_all();
    Q_EMIT q->reloaded();
}

// --- QHotLibrary ---------------------------------------------------------------------

QHotLibrary::QHotLibrary(QObject *parent)
    : QObject(parent)
    , d_ptr(std::make_unique<QHotLibraryPrivate>(this))
{
}

QHotLibrary::QHotLibrary(const QString &fileName, QObject *parent)
    : QHotLibrary(parent)
{
    d_ptr->filePath = locateLibrary(fileName);
}

QHotLibrary::~QHotLibrary()
{
    Q_D(QHotLibrary);
    {
        std::lock_guard lock(d->sync->mutex);
        d->sync->owner = nullptr;
        d->sync->destroyed = true;
    }
    d->sync->cv.notify_all();
    d->watcher->stop();
    d->stopBackground();
    d->discardAll();
    d->tables.reset(); // tells the modules
    // d->dir goes with d_ptr and takes the directory with it.
}

QString QHotLibrary::fileName() const
{
    Q_D(const QHotLibrary);
    return d->filePath;
}

void QHotLibrary::setFileName(const QString &fileName)
{
    Q_D(QHotLibrary);
    const QString path = locateLibrary(fileName);
    if (path == d->filePath)
        return;
    unload();
    d->filePath = path;
    Q_EMIT fileNameChanged();
}

QString QHotLibrary::loadedFileName() const
{
    Q_D(const QHotLibrary);
    return d->current.copyPath;
}

bool QHotLibrary::load()
{
    Q_D(QHotLibrary);
    if (d->current)
        return true;
    if (d->filePath.isEmpty()) {
        d->setError(QStringLiteral("QHotLibrary::load: no file name set"));
        return false;
    }
    d->active = true;
    d->startWatching();
    QString reason;
    Readiness::State readiness = Readiness::Invalid;
    if (d->takeNow(&reason, &readiness)) {
        d->setError(QString());
        return true;
    }
    d->setError(reason);
    if (readiness == Readiness::Incomplete)
        d->follow(d->settle.startedIncomplete()); // it may be being written right now
    return false;
}

bool QHotLibrary::unload()
{
    Q_D(QHotLibrary);
    const bool wasLoaded = bool(d->current);
    d->active = false;
    d->watcher->stop();
    d->stopLooking();
    d->rejectedIdentity.clear();
    d->retryReason.clear();
    d->discardAll();
    if (wasLoaded) {
        d->sync->version.store(0);
        Q_EMIT loadedFileNameChanged();
        Q_EMIT loadedChanged();
        Q_EMIT versionChanged();
    }
    return wasLoaded;
}

bool QHotLibrary::reload()
{
    Q_D(QHotLibrary);
    if (!d->current)
        return load();
    QString reason;
    if (d->takeNow(&reason))
        return true;
    d->reportFailure(reason);
    return false;
}

bool QHotLibrary::isLoaded() const
{
    Q_D(const QHotLibrary);
    return bool(d->current);
}

int QHotLibrary::version() const
{
    Q_D(const QHotLibrary);
    return d->sync->version.load();
}

bool QHotLibrary::wasUpdated()
{
    Q_D(QHotLibrary);
    return d->sync->updated.exchange(false);
}

bool QHotLibrary::autoReload() const
{
    Q_D(const QHotLibrary);
    return d->autoReload;
}

void QHotLibrary::setAutoReload(bool enabled)
{
    Q_D(QHotLibrary);
    if (d->autoReload == enabled)
        return;
    d->autoReload = enabled;
    if (enabled) {
        d->startWatching();
        if (d->active)
            d->follow(Settle::Step::lookIn(0)); // catch up with what happened while off
    } else {
        d->watcher->stop();
        d->stopLooking();
    }
    Q_EMIT autoReloadChanged();
}

QString QHotLibrary::errorString() const
{
    Q_D(const QHotLibrary);
    return d->error;
}

QFunctionPointer QHotLibrary::resolve(const char *symbol) const
{
    Q_D(const QHotLibrary);
    return d->current ? d->current.library->resolve(symbol) : nullptr;
}

QVariant QHotLibrary::call(const QString &name, const QVariantList &arguments)
{
    Q_D(QHotLibrary);
    const auto fail = [d](const QString &why) {
        qCWarning(lcLoader).noquote() << why;
        d->setError(why);
        return QVariant();
    };
    if (!d->onOwnerThread())
        return fail(QStringLiteral("QHotLibrary::call(%1): must be called on the library's thread").arg(name));
    if (!d->current)
        return fail(d->describe(QStringLiteral("is not loaded; cannot call '%1'").arg(name)));
    if (!d->current.manifest) {
        return fail(d->describe(QStringLiteral("has no hot-function manifest; call() reaches only the "
                                               "functions listed with QHOT_LIBRARY")));
    }
    const Abi::FunctionInfo *f = findFunction(*d->current.manifest, name);
    if (!f)
        return fail(d->describe(QStringLiteral("has no hot function '%1'").arg(name)));
    ++d->directCalls;
    const auto done = qScopeGuard([d] { --d->directCalls; });
    QString why;
    QVariant result = QHotReload::Detail::callListed(*f, arguments, &why);
    if (!why.isEmpty())
        return fail(why);
    d->setError(QString());
    QHotReload::detail::takeOwnership(result);
    return result;
}

bool QHotLibrary::event(QEvent *event)
{
    Q_D(QHotLibrary);
    if (event->type() == QEvent::ThreadChange) {
        // The straight call path is for the old thread; the next call on the
        // new one takes the slow path, which opens it there.
        d->tables->closeStraightPath();
    }
    return QObject::event(event);
}
