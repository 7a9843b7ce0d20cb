// SPDX-License-Identifier: MIT
#include "qhotlibrary_p.h"

#include "linkedlibraries_p.h"
#include "logging_p.h"
#include "metatypes_p.h"
#include "ownership_p.h"
#include "qhotmodule_p.h"

#include <QtCore/QCoreApplication>
#include <QtCore/QHashFunctions>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QFileInfo>
#include <QtCore/QScopeGuard>
#include <QtCore/QThread>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#include <sys/stat.h>
#elif defined(Q_OS_WIN)
#include <qt_windows.h>
#endif

#include <chrono>
#include <optional>

using namespace QHotReload::Internal;
namespace Abi = QHotReload::Abi;

namespace {

//! Milliseconds from the environment variable \a name, or \a fallback; read once per variable.
int msFromEnvironment(const char *name, int fallback)
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue(name, &ok);
    return ok && fromEnv >= 0 ? fromEnv : fallback;
}

// How long a file that cannot be taken must stay unchanged before it is
// reported. A file cut short is most likely still being written (a linker
// that pauses, an editor saving in chunks): give it longer than a file that
// is plainly not a library for this process.
constexpr int IncompleteSettleMs = 1500;
constexpr int RefusedSettleMs = 200;
// GNU ld creates its output empty when it starts and writes it at the end,
// which on a busy machine or with LTO can take long: an empty file is a link
// in progress far more often than a mistake.
int emptySettleMs()
{
    static const int ms = msFromEnvironment("QHOTRELOAD_EMPTY_FILE_TIMEOUT_MS", 60000);
    return ms;
}
// Polling while a file is not ready: quick at first, backing off.
constexpr int FirstPollMs = 2;
constexpr int MaxPollMs = 50;
// After a close event, how long a writer may still count as having the file
// open (the kernel lets go of it just after it reports the close).
constexpr int ClosingMs = 1000;
// Where no kernel says when a writer is done (see FileWatcher): how long a
// complete-looking file must keep the same bytes, with no change event, before
// it is taken. Long enough for a writer descheduled on a loaded machine;
// a writer that stalls longer than this without closing can still be taken
// half-way, which is why the kernel's word is used wherever there is one.
int quietMs()
{
    static const int ms = msFromEnvironment("QHOTRELOAD_QUIET_MS", 300);
    return ms;
}
// Trying again bytes that could not be copied: a disk that is full stays full
// for a while, so back off, but not so far that a fix goes unnoticed for long.
constexpr int FirstCopyRetryMs = 500;
constexpr int MaxCopyRetryMs = 30000;

// Tells one build's bytes from another's within this process: the size and two
// 64-bit hashes with different seeds. Not a cryptographic digest, and it need
// not be: whoever could forge a collision can write the library itself. SHA-1
// cost 1.6 ms per look at a 770 KB library, twice per swap; this is 0.07 ms.
QByteArray contentIdentity(const QByteArray &bytes)
{
    const auto hash = [&bytes](size_t seed) {
        return quint64(qHashBits(bytes.constData(), size_t(bytes.size()), seed));
    };
    const quint64 words[3] = {quint64(bytes.size()), hash(0x9e3779b9u), hash(0x85ebca6bu)};
    return QByteArray(reinterpret_cast<const char *>(words), sizeof(words));
}

} // namespace

// --- Helpers -------------------------------------------------------------------

namespace QHotReload::Internal {

Snapshot takeSnapshot(const QString &filePath, bool allowWritableByOthers)
{
    Snapshot s;
    QFile file(filePath);
    if (!file.exists())
        return s;
    s.exists = true;
    const QFileInfo info(filePath);
    if (!allowWritableByOthers) {
        s.refusal = writableByOthers(info);
        if (!s.refusal.isEmpty()) {
            s.identity = "unsafe:" + QByteArray::number(info.size()) + ':'
                    + QByteArray::number(info.lastModified().toMSecsSinceEpoch());
            return s;
        }
    }
    if (!file.open(QIODevice::ReadOnly)) {
        s.refusal = QStringLiteral("cannot be read: %1").arg(file.errorString());
        s.identity = "unreadable:" + QByteArray::number(info.size()) + ':'
                + QByteArray::number(info.lastModified().toMSecsSinceEpoch());
        return s;
    }
    s.writer = openWriter(file);
    if (s.writer == OpenWriter::Open) {
        s.readiness = {Readiness::Incomplete,
                       QStringLiteral("is still open for writing (a linker at work?); it is taken once closed")};
        return s;
    }
    // One read: readiness, identity and the private copy all come from these
    // bytes, so what is loaded is exactly what was checked.
#if defined(Q_OS_UNIX)
    struct stat before;
    const bool statted = ::fstat(file.handle(), &before) == 0;
#endif
    s.bytes = file.readAll();
    s.identity = contentIdentity(s.bytes);
    s.readiness = checkReadiness(s.bytes);
#if defined(Q_OS_UNIX)
    // Written to while we read it: the bytes may be a mix of two moments.
    struct stat after;
    if (statted && ::fstat(file.handle(), &after) == 0
        && (after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec
            || after.st_mtim.tv_nsec != before.st_mtim.tv_nsec || qint64(s.bytes.size()) != qint64(after.st_size))) {
        s.readiness = {Readiness::Incomplete, QStringLiteral("changed while it was being read")};
        s.changedWhileRead = true;
    }
#endif
    return s;
}

QString writableByOthers(const QFileInfo &info)
{
#if defined(Q_OS_UNIX)
    // Whoever can write the file, or replace it in its directory, can run code
    // in this process: only the owner (and root) may.
    const QString advice = QStringLiteral("; anyone could put code into this process, so it is refused (fix the "
                                          "permissions, or allow it with QHotLibrary::setAllowWritableByOthers())");
    if (info.permissions() & QFileDevice::WriteOther)
        return QStringLiteral("is writable by other users") + advice;
    // The directory of the path given and, for a symlink, of the file it names.
    QStringList dirs{info.absolutePath()};
    if (info.isSymLink() && !info.canonicalFilePath().isEmpty())
        dirs.append(QFileInfo(info.canonicalFilePath()).absolutePath());
    for (const QString &dir : std::as_const(dirs)) {
        struct stat dirStat;
        if (::stat(QFile::encodeName(dir).constData(), &dirStat) == 0 && (dirStat.st_mode & S_IWOTH)
            && !(dirStat.st_mode & S_ISVTX)) {
            return QStringLiteral("is in a directory other users can write to (and replace it)") + advice;
        }
    }
#else
    Q_UNUSED(info);
#endif
    return {};
}

QString platformLibraryName(const QString &name)
{
    const QFileInfo info(name);
    if (!info.suffix().isEmpty() || name.contains(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
        return name;
#if defined(Q_OS_WIN)
    return name + QStringLiteral(".dll");
#elif defined(Q_OS_DARWIN)
    return QStringLiteral("lib") + name + QStringLiteral(".dylib");
#else
    return QStringLiteral("lib") + name + QStringLiteral(".so");
#endif
}

QString locateLibrary(const QString &name)
{
    // No name is no file, not "lib.so" in the working directory.
    if (name.isEmpty())
        return {};
    const QString file = platformLibraryName(name);
    if (QDir::isAbsolutePath(file))
        return QDir::cleanPath(file);
    if (QCoreApplication::instance()) {
        const QString besideApp = QDir(QCoreApplication::applicationDirPath()).filePath(file);
        if (QFileInfo::exists(besideApp))
            return QDir::cleanPath(besideApp);
    }
    // As the crate finds its lib_dir: the working directory, then its parents.
    QDir dir = QDir::current();
    do {
        const QString candidate = dir.filePath(file);
        if (QFileInfo::exists(candidate))
            return QDir::cleanPath(candidate);
    } while (dir.cdUp());
    return QDir::cleanPath(QDir::current().filePath(file));
}

bool isMapped(const QString &path)
{
#if defined(Q_OS_UNIX)
    // Ask the loader, not /proc/self/maps: RTLD_NOLOAD only finds a library
    // that is still loaded (what a STB_GNU_UNIQUE symbol does), in microseconds.
    void *handle = ::dlopen(QFile::encodeName(path).constData(), RTLD_NOW | RTLD_NOLOAD);
    if (!handle)
        return false;
    ::dlclose(handle);
    return true;
#elif defined(Q_OS_WIN)
    return ::GetModuleHandleW(reinterpret_cast<const wchar_t *>(QDir::toNativeSeparators(path).utf16())) != nullptr;
#else
    Q_UNUSED(path);
    return false;
#endif
}

void SyncState::lastBlockReleased()
{
    if (!owner)
        return;
    QHotLibrary *library = owner;
    // Queued: the swap runs on the library's thread, between events.
    QMetaObject::invokeMethod(library, [library] {
        QHotLibraryPrivate::get(library)->tryFinishSwap();
    }, Qt::QueuedConnection);
}

void SyncState::countObserverBlocks()
{
    for (ObserverState *observer : observers) {
        if ((observer->holds || observer->waitingAbout) && !observer->blockCounted) {
            observer->blockCounted = true;
            ++blockers;
        }
    }
}

void SyncState::releaseObserverBlock(ObserverState &observer)
{
    if (!observer.blockCounted)
        return;
    observer.blockCounted = false;
    if (--blockers == 0)
        lastBlockReleased();
}

} // namespace QHotReload::Internal

// --- QHotReloadBlocker -----------------------------------------------------------

QHotReloadBlockerPrivate::~QHotReloadBlockerPrivate()
{
    std::lock_guard lock(sync->mutex);
    if (--sync->blockers == 0)
        sync->lastBlockReleased();
}

QHotReloadBlocker::QHotReloadBlocker() noexcept = default;
QHotReloadBlocker::~QHotReloadBlocker() = default;
QHotReloadBlocker::QHotReloadBlocker(const QHotReloadBlocker &other) noexcept = default;
QHotReloadBlocker &QHotReloadBlocker::operator=(const QHotReloadBlocker &other) noexcept = default;
QHotReloadBlocker::QHotReloadBlocker(QHotReloadBlocker &&other) noexcept = default;
QHotReloadBlocker &QHotReloadBlocker::operator=(QHotReloadBlocker &&other) noexcept = default;
QHotReloadBlocker::QHotReloadBlocker(std::shared_ptr<QHotReloadBlockerPrivate> dd) noexcept
    : d(std::move(dd)) {}

bool QHotReloadBlocker::isValid() const noexcept
{
    return d != nullptr;
}

void QHotReloadBlocker::release() noexcept
{
    d.reset();
}

// --- QHotLibraryPrivate ------------------------------------------------------------

QHotLibraryPrivate::QHotLibraryPrivate(QHotLibrary *q)
    : q_ptr(q)
    , sync(std::make_shared<SyncState>())
{
    sync->owner = q;
    registerSharedMetaTypes();
    watcher = new FileWatcher(q);
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

QString QHotLibraryPrivate::describe(const QString &what) const
{
    return QDir::toNativeSeparators(filePath) + QLatin1Char(' ') + what;
}

void QHotLibraryPrivate::setError(const QString &e)
{
    Q_Q(QHotLibrary);
    if (error == e)
        return;
    error = e;
    Q_EMIT q->errorStringChanged();
}

void QHotLibraryPrivate::reportFailure(const QString &reason)
{
    Q_Q(QHotLibrary);
    qCWarning(lcLoader).noquote() << "reload refused:" << reason;
    setError(reason);
    Q_EMIT q->reloadFailed(reason);
}

void QHotLibraryPrivate::startWatching()
{
    if (autoReload && active && watcher->filePath().isEmpty())
        watcher->watch(filePath);
}

void QHotLibraryPrivate::scheduleCheck(int delayMs)
{
    if (!checkTimer->isActive() || checkTimer->remainingTime() > delayMs)
        checkTimer->start(delayMs);
}

void QHotLibraryPrivate::onFileChanged(FileWatcher::Change change)
{
    switch (change) {
    case FileWatcher::Change::Written:
        // A writer is at it, and its close will be the next word: a look
        // now would only read a file half-way.
        checkTimer->stop();
        return;
    case FileWatcher::Change::Completed:
        completedAt.start();
        pollDelayMs = 0; // the writer lets go microseconds after its close is reported
        scheduleCheck(0);
        return;
    case FileWatcher::Change::Touched:
        // Many notifications for one rebuild are coalesced into one look.
        quiet.lastEvent.start();
        pollDelayMs = FirstPollMs;
        scheduleCheck(0);
        return;
    }
}

// One look at the file. Where the kernel says when writers are done, this
// runs once per completion and decides at once; elsewhere it polls until the
// file has been complete and quiet for a while.
void QHotLibraryPrivate::check()
{
    if (!active || !autoReload)
        return;
    const Snapshot snapshot = takeSnapshot(filePath, allowWritableByOthers);
    if (!snapshot.exists) {
        // Deleted (a linker about to write it anew): the directory watch
        // tells us when it is back. Whatever was pending on it is moot.
        candidate = {};
        return;
    }
    const bool kernel = watcher->mode() == FileWatcher::Mode::Kernel;
    if (snapshot.writer == OpenWriter::Open || snapshot.changedWhileRead) {
        // A writer is at it. Where the kernel tells, its close is the next
        // word, except just after a close: the kernel reports it before it
        // lets go of the writer's count, so a look at once can still see it
        // open. Then (and where the kernel does not tell) look again shortly;
        // such a look costs an open, not a read.
        qCDebug(lcWatcher).noquote() << describe(snapshot.readiness.reason) << "- waiting for its writer";
        if (!kernel || (completedAt.isValid() && completedAt.elapsed() < ClosingMs)) {
            scheduleCheck(pollDelayMs);
            pollDelayMs = qMin(MaxPollMs, qMax(1, pollDelayMs * 2));
        }
        return;
    }
    const QByteArray &id = snapshot.identity;
    if (id == current.identity || id == pending.identity || id == rejectedIdentity) {
        candidate = {};
        return; // `touch`, the same bytes again, or a file already refused
    }
    if (kernel) {
        judge(snapshot); // its writer is done: these are the bytes it wrote
        return;
    }

    if (candidate.identity == id) {
        // Looked at before and not taken; unchanged since.
        if (candidate.since.elapsed() >= candidate.settleMs) {
            rejectedIdentity = id;
            const QString reason = candidate.reason;
            candidate = {};
            reportFailure(reason);
            return;
        }
    } else if (snapshot.refusal.isEmpty() && snapshot.readiness.state == Readiness::Ready) {
        if (const int wait = quietRemaining(id); wait > 0) {
            scheduleCheck(wait);
            return;
        }
        judge(snapshot);
        return;
    } else {
        int settle = RefusedSettleMs;
        if (snapshot.refusal.isEmpty()) {
            qCDebug(lcWatcher).noquote() << describe(snapshot.readiness.reason) << "- looking again";
            if (snapshot.readiness.state == Readiness::Incomplete)
                settle = snapshot.bytes.isEmpty() ? emptySettleMs() : IncompleteSettleMs;
        }
        candidate.identity = id;
        candidate.reason = describe(snapshot.refusal.isEmpty() ? snapshot.readiness.reason : snapshot.refusal);
        candidate.settleMs = settle;
        candidate.since.start();
    }
    scheduleCheck(pollDelayMs);
    pollDelayMs = qMin(MaxPollMs, qMax(FirstPollMs, pollDelayMs * 2));
}

// Takes \a snapshot, or says once why it cannot be taken.
void QHotLibraryPrivate::judge(const Snapshot &snapshot)
{
    candidate = {};
    QString reason;
    if (!snapshot.refusal.isEmpty()) {
        reason = describe(snapshot.refusal);
    } else if (snapshot.readiness.state != Readiness::Ready) {
        reason = describe(snapshot.readiness.reason);
    } else {
        const bool first = !current;
        bool notCopied = false;
        if (take(snapshot, &reason, &notCopied)) {
            if (first)
                announceFirstVersion(); // load() had failed: the file came good since
            return;
        }
        if (notCopied) {
            copyFailed(snapshot.identity, reason, true);
            return;
        }
    }
    rejectedIdentity = snapshot.identity;
    reportFailure(reason);
}

// Where no kernel says when a writer is done: how much longer these bytes
// must stay as they are, with no change event, before they are taken.
int QHotLibraryPrivate::quietRemaining(const QByteArray &identity)
{
    if (quiet.identity != identity) {
        quiet.identity = identity;
        quiet.since.start();
    }
    qint64 quietFor = quiet.since.elapsed();
    if (quiet.lastEvent.isValid())
        quietFor = qMin(quietFor, quiet.lastEvent.elapsed());
    return int(qMax<qint64>(0, quietMs() - quietFor));
}

// For load() and reload(): the file as it is now, taken or refused at once.
bool QHotLibraryPrivate::takeNow(QString *reason, Readiness::State *readiness)
{
    const Snapshot snapshot = takeSnapshot(filePath, allowWritableByOthers);
    if (readiness)
        *readiness = snapshot.readiness.state;
    if (!snapshot.exists)
        *reason = describe(QStringLiteral("does not exist"));
    else if (!snapshot.refusal.isEmpty())
        *reason = describe(snapshot.refusal);
    else if (snapshot.readiness.state != Readiness::Ready)
        *reason = describe(snapshot.readiness.reason);
    else {
        bool notCopied = false;
        if (take(snapshot, reason, &notCopied))
            return true;
        if (notCopied)
            copyFailed(snapshot.identity, *reason, false); // the caller reports it
    }
    return false;
}

// Nothing is wrong with the bytes: the place to copy them to is missing or
// full. Reported once for these bytes; tried again at the next look (a
// watcher event) and on a timer that backs off, so a disk that gets room or
// a temporary directory that comes back is noticed without a busy loop.
void QHotLibraryPrivate::copyFailed(const QByteArray &identity, const QString &reason, bool report)
{
    const bool again = copyFailure.identity == identity;
    copyFailure.identity = identity;
    copyFailure.retryMs = again ? qMin(MaxCopyRetryMs, copyFailure.retryMs * 2) : FirstCopyRetryMs;
    if (again)
        qCDebug(lcLoader).noquote() << reason << "- trying again in" << copyFailure.retryMs << "ms";
    if (report && !again)
        reportFailure(reason);
    if (active && autoReload)
        scheduleCheck(copyFailure.retryMs);
}

bool QHotLibraryPrivate::take(const Snapshot &snapshot, QString *reason, bool *notCopied)
{
    Q_Q(QHotLibrary);
    const auto cannotCopy = [&](const QString &why) {
        *reason = describe(QStringLiteral("cannot be copied: ") + why);
        if (notCopied)
            *notCopied = true;
        return false;
    };
    if (dir && !dir->isIntact()) {
        // A temporary-file cleaner took it (or its lock file) away. The
        // running version stays mapped; the next one goes into a new one,
        // made as safely as the first.
        qCWarning(lcLoader).noquote() << "the private directory" << QDir::toNativeSeparators(dir->path())
                                      << "was removed while in use; making a new one";
        dir.reset();
    }
    if (!dir) {
        dir = std::make_unique<PrivateDir>();
        if (!dir->isValid()) {
            const QString why = dir->errorString();
            dir.reset();
            return cannotCopy(why);
        }
    }
    const QString copyPath = dir->writeCopy(filePath, ++copyCounter, snapshot.bytes);
    if (copyPath.isEmpty())
        return cannotCopy(dir->errorString());

    auto library = std::make_unique<QLibrary>(copyPath);
    // Resolve everything now: a missing dependency fails here, not at a call.
    library->setLoadHints(QLibrary::ResolveAllSymbolsHint);
    if (!library->load()) {
        *reason = describe(QStringLiteral("cannot be loaded: ") + library->errorString());
        QFile::remove(copyPath);
        return false;
    }
    const auto refuse = [&](const QString &why) {
        *reason = describe(why);
        library->unload();
        QFile::remove(copyPath);
        return false;
    };
    for (const QString &symbol : std::as_const(requiredSymbols)) {
        if (!library->resolve(symbol.toUtf8().constData()))
            return refuse(QStringLiteral("does not export '%1', which the application requires").arg(symbol));
    }
    QString manifestError;
    const Abi::Manifest *manifest = readManifest(*library, &manifestError);
    if (!manifestError.isEmpty())
        return refuse(manifestError);
    std::vector<Binding> bindings;
    const QString bindError = bindFunctions(manifest, allSlots(), &bindings);
    if (!bindError.isEmpty())
        return refuse(bindError);
    qCDebug(lcLoader).noquote() << "loaded" << copyPath;

    if (pending) {
        // A newer rebuild landed while the previous one waited for blockers.
        discard(pending);
    }
    pending.library = std::move(library);
    pending.copyPath = copyPath;
    pending.identity = snapshot.identity;
    pending.manifest = manifest;
    pending.bindings = std::move(bindings);
    pending.isRollback = takingRollback;
    if (manifest && manifest->structSize >= sizeof(Abi::Manifest) && manifest->versionRoot) {
        pending.root = std::make_unique<QObject>();
        pending.root->setObjectName(QStringLiteral("qhotreload-root-%1").arg(copyCounter));
        *manifest->versionRoot = pending.root.get();
    }

    if (!current) {
        // The first version: nothing to swap out, no one to warn.
        current = std::move(pending);
        pending = {};
        install(current);
        sync->version.store(1);
        Q_EMIT q->loadedFileNameChanged();
        Q_EMIT q->loadedChanged();
        Q_EMIT q->versionChanged();
        return true;
    }
    tryFinishSwap();
    return true;
}

void QHotLibraryPrivate::tryFinishSwap()
{
    Q_Q(QHotLibrary);
    if (!pending)
        return;
    if (!aboutToReloadEmitted) {
        aboutToReloadEmitted = true;
        {
            // Threads waiting for this moment each get a block of their own,
            // counted before anyone can look at the count.
            std::lock_guard lock(sync->mutex);
            ++sync->aboutGeneration;
            sync->blockers += sync->aboutWaiters;
            sync->aboutWaiters = 0;
            sync->countObserverBlocks();
        }
        sync->cv.notify_all();
        qCDebug(lcSwap) << "about to reload" << filePath;
        Q_EMIT q->aboutToReload();
        if (!pending)
            return; // a slot unloaded the library
    }
    {
        std::lock_guard lock(sync->mutex);
        if (sync->blockers > 0) {
            qCDebug(lcSwap) << "swap waits for" << sync->blockers << "blocker(s)";
            return; // the last blocker to go calls us again
        }
    }
    if (activeCalls() > 0) {
        // A hot function is on our stack (it runs an event loop): swapping
        // now would pull its code from under it. Look again shortly.
        qCDebug(lcSwap) << "swap waits for a hot call to return";
        swapRetryTimer->start();
        return;
    }

    // The running version's own state, saved while its code is still here.
    // A value an earlier version failed to restore is offered again instead.
    std::optional<QVariant> state;
    if (pending.isRollback) {
        // The crashed version's state is not to be trusted: give the version
        // coming back what it saved itself when it was swapped out.
        state = lastSavedState;
    } else {
        state = std::move(keptState);
        keptState.reset();
    }
    if (!state && !pending.isRollback && current.manifest && current.manifest->saveState) {
        QString why;
        try {
            state = current.manifest->saveState();
        } catch (const std::exception &e) {
            why = QStringLiteral("it threw: %1").arg(QString::fromLocal8Bit(e.what()));
        } catch (...) {
            why = QStringLiteral("it threw an unknown exception");
        }
        // The saved value may point at the old version's literals: make it
        // own its data before that version is unloaded.
        if (why.isEmpty() && state) {
            QString problem;
            if (!ownVariant(*state, current.copyPath, &problem))
                why = QStringLiteral("the saved state ") + problem;
        }
        if (!why.isEmpty()) {
            // Swapping now would lose the state for good: refuse the new version.
            rejectedIdentity = pending.identity;
            discard(pending);
            aboutToReloadEmitted = false;
            reportFailure(describe(QStringLiteral("was not taken: the running version's save hook failed (%1); "
                                                  "the running version keeps its state")
                                           .arg(why)));
            return;
        }
    }

    const bool rollback = pending.isRollback;
    if (crashGuard && !rollback) {
        // Remember the way back, should the new version crash.
        QFile copy(current.copyPath);
        lastGood.bytes = copy.open(QIODevice::ReadOnly) ? copy.readAll() : QByteArray();
        lastGood.identity = current.identity;
        lastSavedState = state;
    }

    LoadedVersion old = std::move(current);
    current = std::move(pending);
    pending = {};
    aboutToReloadEmitted = false;
    install(current);
    discard(old);
    if (rollback)
        rollbackPending = false;
    {
        std::lock_guard lock(sync->mutex);
        sync->version.fetch_add(1);
        sync->updated.store(true);
        ++sync->reloadGeneration;
    }
    sync->cv.notify_all();
    if (state)
        restoreState(std::move(*state));
    qCDebug(lcSwap) << "reloaded" << filePath << "version" << sync->version.load();
    Q_EMIT q->loadedFileNameChanged();
    Q_EMIT q->versionChanged();
    Q_EMIT q->reloaded();
}

// Hands \a state to the version just swapped in. What it cannot take is kept
// and offered to the next version: a failed restore loses nothing.
void QHotLibraryPrivate::restoreState(QVariant state)
{
    Q_Q(QHotLibrary);
    if (!current.manifest || !current.manifest->restoreState) {
        keptState = std::move(state);
        return;
    }
    QString why;
    try {
        if (!current.manifest->restoreState(state))
            why = QStringLiteral("returned false");
    } catch (const std::exception &e) {
        why = QStringLiteral("threw (%1)").arg(QString::fromLocal8Bit(e.what()));
    } catch (...) {
        why = QStringLiteral("threw an unknown exception");
    }
    if (why.isEmpty())
        return;
    keptState = std::move(state);
    const QString reason = describe(QStringLiteral("version %1: its restore hook %2; the saved state is kept "
                                                   "and offered again at the next reload")
                                            .arg(sync->version.load())
                                            .arg(why));
    qCWarning(lcSwap).noquote() << reason;
    setError(reason);
    Q_EMIT q->stateRestoreFailed(reason);
}

bool QHotLibraryPrivate::callGuarded(void (*thunk)(void *), void *context, const QString &function)
{
    if (rollbackPending) {
        qCWarning(lcSwap).noquote() << "not calling" << function << "of" << filePath
                                    << "- its version crashed and is being replaced";
        return false;
    }
    // The crashed frames never return, so their call-depth counters never go
    // back down: remember them.
    const QList<QHotModule::Slot *> slots = allSlots();
    std::vector<int> depths;
    for (const QHotModule::Slot *slot : slots)
        depths.push_back(*slot->depth);
    const int direct = directCalls;
    int signal = 0;
    if (runGuarded(thunk, context, &signal))
        return true;
    for (qsizetype i = 0; i < slots.size(); ++i)
        *slots.at(i)->depth = depths.at(size_t(i));
    directCalls = direct;
    handleCrash(function, signal);
    return false;
}

void QHotLibraryPrivate::handleCrash(const QString &function, int signal)
{
    Q_Q(QHotLibrary);
    const QString signalText = signalName(signal);
    QString reason = describe(QStringLiteral("version %1 crashed in '%2' with %3")
                                      .arg(sync->version.load())
                                      .arg(function, signalText));
    // Not loaded again until its file changes.
    rejectedIdentity = current.identity;
    const bool canRollBack = !lastGood.bytes.isEmpty();
    reason += canRollBack ? QStringLiteral("; rolling back to the version before it")
                          : QStringLiteral("; there is no earlier version to roll back to");
    qCWarning(lcSwap).noquote() << reason;
    setError(reason);
    Q_EMIT q->crashed(function, signalText, reason);
    if (!canRollBack)
        return;

    Snapshot snapshot;
    snapshot.exists = true;
    snapshot.bytes = std::move(lastGood.bytes);
    snapshot.identity = lastGood.identity;
    snapshot.readiness = {Readiness::Ready, QString()};
    lastGood = {};
    if (pending) {
        discard(pending); // whatever waited behind blockers: the rollback comes first
        aboutToReloadEmitted = false;
    }
    rollbackPending = true;
    takingRollback = true;
    QString why;
    const bool taken = take(snapshot, &why); // swaps now, or as soon as no hot call is on the stack
    takingRollback = false;
    if (!taken) {
        rollbackPending = false;
        reportFailure(describe(QStringLiteral("cannot roll back after the crash: ")) + why);
    }
}

QList<QHotModule::Slot *> QHotLibraryPrivate::allSlots() const
{
    QList<QHotModule::Slot *> slots;
    for (QHotModule *module : modules)
        slots += QHotModulePrivate::get(module)->slots;
    return slots;
}

int QHotLibraryPrivate::activeCalls() const
{
    int calls = directCalls;
    for (QHotModule *module : modules)
        calls += module->depth();
    return calls;
}

// Points every declared function at \a version and opens the straight call
// path on this thread.
void QHotLibraryPrivate::install(LoadedVersion &version)
{
    for (const Binding &binding : version.bindings)
        *binding.slot->target = binding.address;
    for (QHotModule *module : std::as_const(modules))
        QHotModulePrivate::get(module)->bound = true;
    if (crashGuard)
        return; // every call goes through the guard, none straight through
    const Qt::HANDLE self = QThread::currentThreadId();
    for (QHotModule *module : modules)
        module->setOwner(self);
}

void QHotLibraryPrivate::closeStraightPath()
{
    for (QHotModule *module : std::as_const(modules))
        module->setOwner(nullptr);
}

// Closes the straight call path: calls go the slow way, which loads first.
void QHotLibraryPrivate::attachModule(QHotModule *module)
{
    modules.append(module);
    QHotModulePrivate *m = QHotModulePrivate::get(module);
    if (!current)
        return; // bound with everyone else at the first load
    // Joining a library that is already loaded: its version must have our
    // functions too, or our calls fail clearly (never through a null pointer).
    std::vector<Binding> bindings;
    const QString error = bindFunctions(current.manifest, m->slots, &bindings);
    if (!error.isEmpty()) {
        m->error = describe(error);
        m->bound = false;
        qCWarning(lcLoader).noquote() << m->error;
        return;
    }
    for (const Binding &binding : bindings)
        *binding.slot->target = binding.address;
    current.bindings.insert(current.bindings.end(), bindings.begin(), bindings.end());
    m->bound = true;
    if (!crashGuard)
        module->setOwner(QThread::currentThreadId());
}

void QHotLibraryPrivate::unbindModules()
{
    closeStraightPath();
    for (QHotModule *module : modules) {
        QHotModulePrivate::get(module)->bound = false;
        for (QHotModule::Slot *slot : QHotModulePrivate::get(module)->slots)
            *slot->target = nullptr;
    }
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

void QHotLibraryPrivate::discard(LoadedVersion &version)
{
    if (!version)
        return;
    // The version's objects and the connections made with its root as
    // context go first, while their code is still mapped; then the types it
    // registered with Qt, whose descriptions live in it.
    version.root.reset();
    const QStringList types = forgetMetaTypesOf(version.copyPath);
    if (!types.isEmpty()) {
        // Qt's type registry can keep names that point into the library even
        // after the types are unregistered; unloading it would leave them
        // dangling. Keep this version mapped (never called again) instead.
        if (!retiredWarningShown) {
            retiredWarningShown = true;
            qCWarning(lcLoader).noquote()
                    << describe(QStringLiteral("registered Qt types (%1); Qt keeps references to them, so each "
                                               "version that does stays mapped after it is swapped out (its file "
                                               "is deleted). Keep gadgets and other registered types out of the "
                                               "state that crosses versions to avoid it.")
                                        .arg(types.join(QStringLiteral(", "))));
        }
        retired.push_back(std::move(version.library));
        QFile::remove(version.copyPath);
        version = {};
        return;
    }
    if (version.library->isLoaded() && !version.library->unload())
        qCWarning(lcLoader).noquote() << "cannot unload" << version.copyPath << ':' << version.library->errorString();
    if (isMapped(version.copyPath)) {
        qCWarning(lcLoader).noquote()
                << version.copyPath << "is still mapped after unloading; the next version may share its"
                << "statics. Build the library with qhot_add_library() (it passes -fno-gnu-unique).";
    }
    QFile::remove(version.copyPath);
    version = {};
}

void QHotLibraryPrivate::discardAll()
{
    if (current)
        unbindModules();
    discard(pending);
    discard(current);
    aboutToReloadEmitted = false;
}

QHotReloadBlocker QHotLibraryPrivate::adoptBlocker(const std::shared_ptr<SyncState> &sync)
{
    return QHotReloadBlocker(std::make_shared<QHotReloadBlockerPrivate>(sync));
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
    d->discardAll();
    for (QHotModule *module : std::as_const(d->modules))
        QHotModulePrivate::get(module)->libraryDestroyed();
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
        d->scheduleCheck(FirstPollMs); // it may be being written right now
    return false;
}

bool QHotLibrary::unload()
{
    Q_D(QHotLibrary);
    const bool wasLoaded = bool(d->current);
    d->active = false;
    d->watcher->stop();
    d->checkTimer->stop();
    d->candidate = {};
    d->rejectedIdentity.clear();
    d->copyFailure = {};
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
            d->scheduleCheck(0); // catch up with what happened while off
    } else {
        d->watcher->stop();
        d->checkTimer->stop();
        d->candidate = {};
    }
    Q_EMIT autoReloadChanged();
}

QString QHotLibrary::errorString() const
{
    Q_D(const QHotLibrary);
    return d->error;
}

QStringList QHotLibrary::requiredSymbols() const
{
    Q_D(const QHotLibrary);
    return d->requiredSymbols;
}

void QHotLibrary::setRequiredSymbols(const QStringList &symbols)
{
    Q_D(QHotLibrary);
    if (d->requiredSymbols == symbols)
        return;
    d->requiredSymbols = symbols;
    Q_EMIT requiredSymbolsChanged();
}

QFunctionPointer QHotLibrary::resolve(const char *symbol) const
{
    Q_D(const QHotLibrary);
    return d->current ? d->current.library->resolve(symbol) : nullptr;
}

QHotReloadBlocker QHotLibrary::blockReload()
{
    Q_D(QHotLibrary);
    {
        std::lock_guard lock(d->sync->mutex);
        ++d->sync->blockers;
    }
    return QHotLibraryPrivate::adoptBlocker(d->sync);
}

QHotReloadBlocker QHotLibrary::waitForAboutToReload(int msecs)
{
    Q_D(QHotLibrary);
    if (d->onOwnerThread()) {
        qCWarning(lcSwap, "QHotLibrary::waitForAboutToReload: called on the library's own thread, "
                          "which would wait for itself; returning at once");
        return {};
    }
    // Hold the shared state, not the library: it may be destroyed meanwhile.
    const std::shared_ptr<SyncState> sync = d->sync;
    std::unique_lock lock(sync->mutex);
    if (sync->destroyed)
        return {};
    const quint64 generation = sync->aboutGeneration;
    ++sync->aboutWaiters;
    const auto arrived = [&] { return sync->aboutGeneration != generation || sync->destroyed; };
    if (msecs < 0)
        sync->cv.wait(lock, arrived);
    else
        sync->cv.wait_for(lock, std::chrono::milliseconds(msecs), arrived);
    if (sync->aboutGeneration == generation) {
        --sync->aboutWaiters; // timed out or destroyed: no block was counted for us
        return {};
    }
    sync->aboutSeenAt[std::this_thread::get_id()] = sync->reloadGeneration;
    lock.unlock();
    // Adopt the block counted for us when aboutToReload() was emitted.
    return QHotLibraryPrivate::adoptBlocker(sync);
}

bool QHotLibrary::waitForReload(int msecs)
{
    Q_D(QHotLibrary);
    if (d->onOwnerThread()) {
        qCWarning(lcSwap, "QHotLibrary::waitForReload: called on the library's own thread, "
                          "which would wait for itself; returning at once");
        return false;
    }
    const std::shared_ptr<SyncState> sync = d->sync;
    std::unique_lock lock(sync->mutex);
    quint64 generation = sync->reloadGeneration;
    // After waitForAboutToReload() on this thread, the reload to wait for is
    // the one that followed it, even if it is done already.
    if (const auto seen = sync->aboutSeenAt.find(std::this_thread::get_id()); seen != sync->aboutSeenAt.end()) {
        generation = seen->second;
        sync->aboutSeenAt.erase(seen);
    }
    const auto arrived = [&] { return sync->reloadGeneration != generation || sync->destroyed; };
    if (msecs < 0)
        sync->cv.wait(lock, arrived);
    else
        sync->cv.wait_for(lock, std::chrono::milliseconds(msecs), arrived);
    return sync->reloadGeneration != generation;
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
        d->closeStraightPath();
    }
    return QObject::event(event);
}

bool QHotLibrary::allowWritableByOthers() const
{
    Q_D(const QHotLibrary);
    return d->allowWritableByOthers;
}

void QHotLibrary::setAllowWritableByOthers(bool allow)
{
    Q_D(QHotLibrary);
    d->allowWritableByOthers = allow;
}

bool QHotLibrary::crashGuard() const
{
    Q_D(const QHotLibrary);
    return d->crashGuard;
}

bool QHotLibrary::setCrashGuard(bool enabled)
{
    Q_D(QHotLibrary);
    if (d->crashGuard == enabled)
        return true;
    if (enabled) {
        QString error;
        if (!armCrashGuard(&error)) {
            qCWarning(lcSwap).noquote() << error;
            d->setError(error);
            return false;
        }
    }
    d->crashGuard = enabled;
    // Calls take the slow path, which runs them under the guard (or, with the
    // guard off, opens the straight path again).
    d->closeStraightPath();
    Q_EMIT crashGuardChanged();
    return true;
}
