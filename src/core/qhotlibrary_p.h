// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTLIBRARY_P_H
#define QHOTRELOAD_QHOTLIBRARY_P_H

#include <QHotReload/qhotlibrary.h>

#include "crashguard_p.h"
#include "manifest_p.h"
#include "privatedir_p.h"
#include "readiness_p.h"
#include "watcher_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QElapsedTimer>
#include <QtCore/QFileInfo>
#include <QtCore/QLibrary>
#include <QtCore/QTimer>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <vector>

namespace QHotReload::Internal {

//! What a QHotReloadObserver has been told; guarded by SyncState::mutex.
struct ObserverState
{
    bool holds = false;          // HoldReloads: every swap waits for it
    bool waitingAbout = false;   // inside waitForAboutToReload()
    bool blockCounted = false;   // a block counted for it at aboutToReload(), not yet picked up
    quint64 aboutSeen = 0;       // aboutGeneration it was last told of
    quint64 reloadSeen = 0;      // reloadGeneration it was last told of
};

/*!
    What other threads may touch: blocker count, wait generations, version.
    Shared with every blocker so a blocker may outlive its library.
*/
struct SyncState
{
    std::mutex mutex;
    std::condition_variable cv;
    QHotLibrary *owner = nullptr;     // cleared when the library is destroyed
    int blockers = 0;                 // live blocks (QHotReloadBlocker shares)
    int aboutWaiters = 0;             // threads in waitForAboutToReload()
    quint64 aboutGeneration = 0;      // counts aboutToReload()
    quint64 reloadGeneration = 0;     // counts reloaded()
    bool destroyed = false;
    // Per thread: the reload count when it last got aboutToReload, so its next
    // waitForReload() also sees a swap that finished before it started waiting.
    std::unordered_map<std::thread::id, quint64> aboutSeenAt;
    std::vector<ObserverState *> observers;
    std::atomic<int> version{0};
    std::atomic<bool> updated{false};

    //! Called with the mutex held when the last block goes.
    void lastBlockReleased();
    //! With the mutex held, as aboutToReload() is emitted: a block for each
    //! observer that holds reloads or is waiting for this moment.
    void countObserverBlocks();
    //! With the mutex held: gives back a block counted for an observer.
    void releaseObserverBlock(ObserverState &observer);
};

//! One loaded (or checked, waiting to be swapped in) private copy.
struct LoadedVersion
{
    std::unique_ptr<QLibrary> library;
    QString copyPath;
    QByteArray identity;
    const Abi::Manifest *manifest = nullptr;   // nullptr for a plain library
    std::vector<Binding> bindings;             // where each declared function is in this version
    std::unique_ptr<QObject> root;             // parent of the version's own objects
    bool isRollback = false;                   // brought back after the next version crashed

    explicit operator bool() const { return library != nullptr; }
};

//! The bytes of the watched file at one moment, and what they say.
struct Snapshot
{
    bool exists = false;
    QString refusal;        // set when the file exists but may not or cannot be read
    QByteArray bytes;
    QByteArray identity;    // content hash; for an unreadable file, size and time
    bool changedWhileRead = false; // the file was written to during the read
    OpenWriter writer = OpenWriter::Unknown; // Open: not read, a writer is at it
    Readiness readiness;
};

Snapshot takeSnapshot(const QString &filePath, bool allowWritableByOthers);

//! Why a library at \a info is unsafe to load (others can write it), or empty.
QString writableByOthers(const QFileInfo &info);

//! The file name \a name stands for on this platform ("logic" → "liblogic.so").
QString platformLibraryName(const QString &name);
//! Where a relative library name is found (see the QHotLibrary constructor).
QString locateLibrary(const QString &name);

//! Whether the library at \a path is still loaded in this process.
bool isMapped(const QString &path);

} // namespace QHotReload::Internal

class QHotReloadBlockerPrivate
{
public:
    explicit QHotReloadBlockerPrivate(std::shared_ptr<QHotReload::Internal::SyncState> s)
        : sync(std::move(s)) {}
    ~QHotReloadBlockerPrivate();

    std::shared_ptr<QHotReload::Internal::SyncState> sync;
};

class QHotLibraryPrivate
{
    Q_DECLARE_PUBLIC(QHotLibrary)
public:
    explicit QHotLibraryPrivate(QHotLibrary *q);
    ~QHotLibraryPrivate();

    static QHotLibraryPrivate *get(QHotLibrary *q) { return q->d_func(); }

    // The pipeline, one way: watch → ready? → copy → open & check → swap.
    void startWatching();
    void scheduleCheck(int delayMs);
    void onFileChanged(QHotReload::Internal::FileWatcher::Change change);
    void check();
    void judge(const QHotReload::Internal::Snapshot &snapshot);
    int quietRemaining(const QByteArray &identity);
    bool takeNow(QString *reason, QHotReload::Internal::Readiness::State *readiness = nullptr);
    bool take(const QHotReload::Internal::Snapshot &snapshot, QString *reason, bool *notCopied = nullptr);
    void copyFailed(const QByteArray &identity, const QString &reason, bool report);
    void tryFinishSwap();
    void announceFirstVersion();

    void install(QHotReload::Internal::LoadedVersion &version);
    void attachModule(QHotModule *module);
    void unbindModules();
    void restoreState(QVariant state);
    bool callGuarded(void (*thunk)(void *), void *context, const QString &function);
    void handleCrash(const QString &function, int signal);
    void closeStraightPath();
    int activeCalls() const;
    QList<QHotModule::Slot *> allSlots() const;
    void discard(QHotReload::Internal::LoadedVersion &version);
    void discardAll();
    void setError(const QString &error);
    void reportFailure(const QString &reason);
    QString describe(const QString &what) const;
    //! A blocker for a block already counted in \a sync.
    static QHotReloadBlocker adoptBlocker(const std::shared_ptr<QHotReload::Internal::SyncState> &sync);
    bool onOwnerThread() const;

    QHotLibrary *q_ptr;
    QString filePath;
    QStringList requiredSymbols;
    QString error;
    bool autoReload = true;
    bool allowWritableByOthers = false;
    bool active = false;              // load() was called and unload() was not
    bool aboutToReloadEmitted = false;
    int copyCounter = 0;
    int directCalls = 0;              // call() invocations on the owner thread's stack
    QList<QHotModule *> modules;      // the modules whose functions every version must have

    std::unique_ptr<QHotReload::Internal::PrivateDir> dir;
    QHotReload::Internal::FileWatcher *watcher = nullptr;
    QTimer *checkTimer = nullptr;
    QTimer *swapRetryTimer = nullptr; // while a hot call on our stack holds a swap back
    QHotReload::Internal::LoadedVersion current;
    QHotReload::Internal::LoadedVersion pending;
    QByteArray rejectedIdentity;      // refused once; not tried again until it changes
    // Bytes that could not be copied (no private directory, disk full): not
    // refused, tried again at the next look and on a backing-off timer.
    struct {
        QByteArray identity;
        int retryMs = 0;
    } copyFailure;
    std::vector<std::unique_ptr<QLibrary>> retired; // swapped out, kept mapped for Qt's type registry
    bool retiredWarningShown = false;
    std::optional<QVariant> keptState; // saved, not yet restored by any version

    // Crash guard: what a rollback goes back to.
    bool crashGuard = false;
    bool takingRollback = false;      // take() is bringing lastGood back
    bool rollbackPending = false;     // a crashed version is live until the rollback swap
    struct {
        QByteArray bytes;
        QByteArray identity;
    } lastGood;                       // the version before the running one
    std::optional<QVariant> lastSavedState; // what that version saved at the swap

    // A snapshot that could not be taken yet: reported once it stays the same
    // for its settle time, forgotten as soon as the file changes.
    struct Candidate {
        QByteArray identity;
        QString reason;
        QElapsedTimer since;
        int settleMs = 0;
    } candidate;
    int pollDelayMs = 0;
    QElapsedTimer completedAt;        // the last close or rename-in the kernel reported
    // Where no kernel says when a writer is done: the last complete-looking
    // bytes, since when they have been seen, and the last change event.
    struct {
        QByteArray identity;
        QElapsedTimer since;
        QElapsedTimer lastEvent;
    } quiet;

    std::shared_ptr<QHotReload::Internal::SyncState> sync;
};

#endif
