// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTLIBRARY_P_H
#define QHOTRELOAD_QHOTLIBRARY_P_H

#include <QHotReload/qhotlibrary.h>

#include "background_p.h"
#include "binding_p.h"
#include "probe_p.h"
#include "redirect_p.h"
#include "settle_p.h"
#include "snapshot_p.h"
#include "sync_p.h"
#include "version_p.h"
#include "watcher_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QTimer>

#include <memory>
#include <optional>

/*
    The reload path, stage by stage; each stage is a file of its own:

      follow    watcher.cpp    FileWatcher: the file and its directory, re-watched
      settle    settle.cpp     Settle: when to look again, when a look is final
      snapshot  snapshot.cpp   takeSnapshot(): one read, readiness, identity
      load      version.cpp    prepareCopy(): copy, trial load; openVersion():
                               open, check, bind
      swap      swap.cpp       blockers, state, bind, retire (sync.cpp: what
                               other threads see)

    QHotLibraryPrivate (qhotlibrary.cpp) strings them together: onFileChanged()
    → check() → looked() → judge() → takePrepared() → stage() →
    tryFinishSwap(); the snapshot and prepareCopy() run on a thread of their
    own (background.cpp), the rest on the library's thread. load(), reload()
    and a rollback take the file at once, on the library's thread (take()).
    What any stage tells goes through report.cpp; the crash guard's way back
    is rollback.cpp.
*/
class QHotLibraryPrivate
{
    Q_DECLARE_PUBLIC(QHotLibrary)
public:
    explicit QHotLibraryPrivate(QHotLibrary *q);
    ~QHotLibraryPrivate();

    static QHotLibraryPrivate *get(QHotLibrary *q) { return q->d_func(); }

    // follow → settle → snapshot (qhotlibrary.cpp)
    void startWatching();
    void stopLooking();
    void onFileChanged(QHotReload::Internal::FileWatcher::Change change);
    void check();
    void looked(QHotReload::Internal::Snapshot snapshot);
    void lookAgainIfAsked();
    void stopBackground();
    void follow(const QHotReload::Internal::Settle::Step &step);
    void judge(QHotReload::Internal::Snapshot snapshot);
    void takePrepared(QHotReload::Internal::VersionSource source, const QHotReload::Internal::PreparedCopy &copy);
    bool takeNow(QString *reason, QHotReload::Internal::Readiness::State *readiness = nullptr);
    void copyFailed(const QByteArray &identity, const QString &reason, bool report);

    // load → stage (qhotlibrary.cpp)
    enum class Origin { File, Rollback };
    QHotReload::Internal::VersionSource versionSource(const QHotReload::Internal::Snapshot &snapshot, Origin origin);
    void stage(QHotReload::Internal::LoadedVersion version, Origin origin);
    bool take(const QHotReload::Internal::Snapshot &snapshot, QString *reason, bool *notCopied = nullptr,
              Origin origin = Origin::File, bool *outside = nullptr);
    void refuse(const QByteArray &identity, const QString &reason, bool outside);
    void startWith(QHotReload::Internal::LoadedVersion version);
    void announceFirstVersion();

    // swap (swap.cpp)
    void tryFinishSwap();
    bool swapHeldBack();
    std::optional<QVariant> outgoingState(bool *refused);
    void restoreState(QVariant state);
    void install(QHotReload::Internal::LoadedVersion &version);
    int activeCalls() const;
    void discard(QHotReload::Internal::LoadedVersion &version);
    void retire(QHotReload::Internal::LoadedVersion &version);
    void tellLeftovers();
    void discardAll();

    // crash → roll back (rollback.cpp)
    bool callGuarded(void (*thunk)(void *), void *context, const QString &function);
    void handleCrash(const QString &function, int signal);

    // what the user is told (report.cpp)
    void setError(const QString &error);
    void reportFailure(const QString &reason);
    QString describe(const QString &what) const;
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
    // The modules' function tables: every version must have their functions.
    std::unique_ptr<QHotReload::Internal::FunctionTables> tables;

    std::unique_ptr<QHotReload::Internal::PrivateDir> dir;
    // Reads a new build and writes and trial-loads its copy off this thread
    // (after dir: it is stopped before dir goes, and touches dir meanwhile).
    std::unique_ptr<QHotReload::Internal::Background> background;
    bool lookAgain = false;           // a look was due while the background was busy
    std::shared_ptr<QHotReload::Internal::PreparedCopy> preparing; // its copy, removed if it is cancelled
    QHotReload::Internal::FileWatcher *watcher = nullptr;
    QHotReload::Internal::Settle settle;
    QTimer *checkTimer = nullptr;
    QTimer *swapRetryTimer = nullptr; // while a hot call on our stack holds a swap back
    QHotReload::Internal::LoadedVersion current;
    QHotReload::Internal::LoadedVersion pending;
    QByteArray rejectedIdentity;      // refused once; not tried again until it changes
    QString retryReason;              // refused for a cause outside the bytes (Settle keeps
                                      // which bytes): reported once, tried again
    QHotReload::Internal::Retirement retirement;
    QHotReload::Internal::Redirector redirector; // retired entry points → the running version
    bool redirectRetired = QHotReload::Internal::Redirector::isSupported();
    std::optional<QVariant> keptState; // saved, not yet restored by any version

    // Crash guard: what a rollback goes back to.
    bool crashGuard = false;
    bool trialLoad = QHotReload::Internal::trialLoadByDefault();
    int trialLoadTimeout = QHotReload::Internal::defaultTrialLoadTimeout();
    bool rollbackPending = false;     // a crashed version is live until the rollback swap
    struct {
        QByteArray bytes;
        QByteArray identity;
    } lastGood;                       // the version before the running one
    std::optional<QVariant> lastSavedState; // what that version saved at the swap

    std::shared_ptr<QHotReload::Internal::SyncState> sync;
};

#endif
