// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTLIBRARY_H
#define QHOTRELOAD_QHOTLIBRARY_H

#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QLibrary>
#include <QtCore/QObject>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

#include <memory>

class QHotLibraryPrivate;
class QHotReloadBlockerPrivate;

/*!
    \class QHotReloadBlocker
    \brief Holds back the swap to a new version of a QHotLibrary while it exists.

    Obtained from QHotLibrary::blockReload() or QHotLibrary::waitForAboutToReload().
    Copies share one block: the block ends when the last copy is destroyed or
    release() is called on it. A default-constructed blocker blocks nothing.
    A blocker may be destroyed on any thread, also after its library is gone.
*/
class QHOTRELOAD_CORE_EXPORT QHotReloadBlocker
{
public:
    QHotReloadBlocker() noexcept;
    ~QHotReloadBlocker();
    QHotReloadBlocker(const QHotReloadBlocker &other) noexcept;
    QHotReloadBlocker &operator=(const QHotReloadBlocker &other) noexcept;
    QHotReloadBlocker(QHotReloadBlocker &&other) noexcept;
    QHotReloadBlocker &operator=(QHotReloadBlocker &&other) noexcept;

    //! Returns true while this blocker holds a block.
    bool isValid() const noexcept;
    explicit operator bool() const noexcept { return isValid(); }
    //! Drops this copy's share of the block now (as the destructor would).
    void release() noexcept;

private:
    friend class QHotReloadBlockerPrivate;
    explicit QHotReloadBlocker(std::shared_ptr<QHotReloadBlockerPrivate> d) noexcept;
    std::shared_ptr<QHotReloadBlockerPrivate> d;
};

/*!
    \class QHotLibrary
    \brief A shared library that is reloaded while the application runs.

    QHotLibrary loads a private copy of a shared library and watches the original
    file. When a rebuild lands, the new file is checked (complete, not the same
    bytes, loadable, every required symbol present), copied, opened, and then
    swapped in on the thread that owns the QHotLibrary, between events:
    aboutToReload() is emitted while the old code is still loaded, reloaded()
    once the new code is live. A version that cannot be taken is refused with
    reloadFailed(); the old version keeps running and is never unloaded for it.

    The swap waits while a QHotReloadBlocker exists. All other members must be
    called on the owning thread, except waitForAboutToReload(), waitForReload(),
    wasUpdated(), version() and blockReload(), which are thread-safe.
*/
class QHOTRELOAD_CORE_EXPORT QHotLibrary : public QObject
{
    Q_OBJECT
    Q_PROPERTY(QString fileName READ fileName WRITE setFileName NOTIFY fileNameChanged)
    Q_PROPERTY(QString loadedFileName READ loadedFileName NOTIFY loadedFileNameChanged)
    Q_PROPERTY(bool loaded READ isLoaded NOTIFY loadedChanged)
    Q_PROPERTY(int version READ version NOTIFY versionChanged)
    Q_PROPERTY(bool autoReload READ autoReload WRITE setAutoReload NOTIFY autoReloadChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)
    Q_PROPERTY(bool crashGuard READ crashGuard WRITE setCrashGuard NOTIFY crashGuardChanged)
    Q_PROPERTY(bool trialLoad READ trialLoad WRITE setTrialLoad NOTIFY trialLoadChanged)
    Q_PROPERTY(int trialLoadTimeout READ trialLoadTimeout WRITE setTrialLoadTimeout NOTIFY trialLoadTimeoutChanged)
    Q_PROPERTY(QStringList requiredSymbols READ requiredSymbols WRITE setRequiredSymbols NOTIFY requiredSymbolsChanged)
    Q_PROPERTY(qint64 retiredBudget READ retiredBudget WRITE setRetiredBudget NOTIFY retiredBudgetChanged)
    Q_PROPERTY(bool redirectRetired READ redirectRetired WRITE setRedirectRetired NOTIFY redirectRetiredChanged)

public:
    explicit QHotLibrary(QObject *parent = nullptr);
    /*!
        \a fileName is a path or a bare library name (\c "logic" is
        \c liblogic.so, \c liblogic.dylib or \c logic.dll). A relative name is
        looked for next to the executable, then in the working directory and
        each of its parents; if it is found nowhere, it is taken relative to
        the working directory (the file may appear later).
    */
    explicit QHotLibrary(const QString &fileName, QObject *parent = nullptr);
    ~QHotLibrary() override;

    //! The watched file, as resolved from the name given.
    QString fileName() const;
    //! Changes the watched file to \a fileName; unloads what was loaded.
    void setFileName(const QString &fileName);

    //! The private copy that is loaded now; empty when nothing is loaded.
    QString loadedFileName() const;

    /*!
        Loads a private copy of fileName() and starts watching it (if
        autoReload is on). Returns false if the file is missing, incomplete or
        cannot be loaded, with the reason in errorString(); with autoReload on,
        the library is still watched and a later good file is taken with
        reloaded(). Returns true at once if already loaded.
    */
    bool load();
    /*!
        Takes the current version out of service and stops watching: its
        objects (those under QHotReload::versionRoot()) are deleted and hot
        calls fail from now on; its copy is retired as at a swap (see
        retiredBudget). Returns false if nothing was loaded.
    */
    bool unload();
    /*!
        Takes the file on disk now as a new version, even if its bytes are
        the ones loaded. Returns false if it cannot be taken (errorString()
        says why; reloadFailed() is emitted and the old version stays).
        Returns true once it passed its checks: the swap itself happens at once
        or, while blockers exist, when the last one is released.
    */
    bool reload();
    bool isLoaded() const;

    /*!
        1 after the first load, plus one for each successful swap; 0 before.
        Thread-safe.
    */
    int version() const;

    /*!
        True once after each reload: the first call after a swap returns true,
        later ones false until the next swap. Thread-safe.
    */
    bool wasUpdated();

    bool autoReload() const;
    //! Whether rebuilds on disk are taken automatically (the default).
    void setAutoReload(bool enabled);

    //! The last error, as a sentence naming the file and the cause.
    QString errorString() const;

    /*!
        By default a library file that other users can write (or replace, in a
        directory they can write without the sticky bit) is refused: it would
        let them run code in this process. Set to true to allow it anyway.
        Returns whether it is allowed.
    */
    bool allowWritableByOthers() const;
    void setAllowWritableByOthers(bool allow);

    /*!
        The crash guard (off by default; POSIX only for now). While on, a
        fatal signal (SIGSEGV, SIGFPE, SIGBUS, SIGILL) raised inside a hot
        function called through a QHOT_MODULE callable on this library's
        thread is caught: crashed() is emitted, the call returns a
        default-constructed value (QHotCallError if its type has none), and
        the library rolls back to the version before the crashed one, giving
        it the state it saved when it was swapped out. The crashed version is
        not loaded again until its file changes. A crash anywhere else is not
        swallowed. What it cannot promise: the crashed call's destructors do
        not run and locks it held stay held. Every call takes the slow path
        while it is on (a few nanoseconds more per call). Returns false (and
        stays off) where the guard is not available. Owning thread only.
    */
    bool crashGuard() const;
    bool setCrashGuard(bool enabled);

    /*!
        Whether each new version is loaded first by a helper process,
        qhotreload-probe, installed with QHotReload (on by default; the
        environment variable \c QHOTRELOAD_TRIAL_LOAD=0 turns the default
        off). A version whose static initializers throw, abort, crash or do not
        return within trialLoadTimeout() there is refused with reloadFailed()
        naming the cause, and is never loaded into the application: the
        running version and its state stay as they are, and the next build is
        taken as usual. A version the probe cannot judge, because it needs a
        symbol or a library only the application provides (or the probe is
        missing), is loaded in the application without a trial, as with the
        trial off; category \c qhotreload.probe says so once at debug level.
        On Unix one probe per process is started at the first trial and kept,
        and each trial is a fork of it (well under a millisecond for a small
        library); on Windows each trial is a process of its own.
    */
    bool trialLoad() const;
    //! Turns the trial load of new versions on or off (see trialLoad()).
    void setTrialLoad(bool enabled);

    /*!
        How long a trial load may take, in milliseconds, before the version is
        refused as hanging (5000 by default, or \c QHOTRELOAD_TRIAL_LOAD_TIMEOUT).
        The calling thread waits for the trial, so this also bounds how long a
        hanging initializer can hold it.
    */
    int trialLoadTimeout() const;
    //! Sets the trial load's time limit to \a msecs (values below 1 are taken as 1).
    void setTrialLoadTimeout(int msecs);

    //! Symbols every version must export; a version missing one is refused.
    QStringList requiredSymbols() const;
    void setRequiredSymbols(const QStringList &symbols);

    /*!
        The most bytes of swapped-out copies kept mapped, counted by the size
        of their files. A version that was live is not unloaded at the swap:
        the application may still hold pointers into its code and data (a
        detached thread, a timer on qApp or a connection with one of its
        lambdas, a kept function pointer, vtable or string literal, a message
        handler), and those keep running its code. Its objects under
        QHotReload::versionRoot() are deleted at the swap; its file is
        deleted too where the platform allows (not on Windows, where it goes
        when the copy is unloaded). Once the retired copies' files together
        exceed the budget, the oldest are unloaded; on Linux the address
        range of an unloaded copy stays reserved, so a pointer still kept
        into it ends the application with a message naming the library, the
        version and (for a call) the hot function, instead of running
        whatever would be mapped there next. Copies that registered Qt
        types, and copies a thread that would not stop still runs in, are
        never unloaded and do not count. On Linux a deleted copy still takes
        its disk (or tmpfs memory) space while mapped.

        The default is 64 MB, or the value of the environment variable
        \c QHOTRELOAD_RETIRED_BUDGET (bytes, or a number followed by K, M
        or G) when the library is made. 0 unloads every swapped-out version
        at once, as earlier versions of QHotReload did. Retired copies stay
        mapped when the QHotLibrary is destroyed. Owning thread only.
    */
    qint64 retiredBudget() const;
    //! Sets the budget to \a bytes (negative counts as 0) and unloads the oldest copies beyond it.
    void setRetiredBudget(qint64 bytes);

    /*!
        Whether, at each swap, the entry points of retired versions still
        mapped jump to the new version's function of the same name, so a
        function pointer, a timer or connection slot that is a free function,
        or a message handler the application kept into an old version runs
        the new code. Only functions the README's rule ("Stale entry points")
        shows safe are redirected: free functions at namespace scope whose
        parameters are builtins, Qt value types or pointers and references to
        them; never member functions (an object keeps its own version's code),
        lambdas, or anything in a local or unnamed class. Every retired version
        jumps straight to the newest. Category \c qhotreload.swap says at
        info level how many functions of how many retired versions were
        redirected and how many were skipped; a stripped library (no symbol
        table) is redirected nothing, and a warning says so once.

        On by default on x86-64 Linux; elsewhere redirecting is not supported
        yet and this stays false. Turning it off puts every redirected entry
        point back to its own version's code. Owning thread only.
    */
    bool redirectRetired() const;
    //! Turns the redirection of retired versions on or off (see redirectRetired()).
    void setRedirectRetired(bool enabled);

    /*!
        The address of \a symbol in the loaded version, or nullptr. Valid until
        the next swap (reloaded()).
    */
    QFunctionPointer resolve(const char *symbol) const;

    /*!
        A token that holds back the next swap while it exists. Thread-safe.
    */
    QHotReloadBlocker blockReload();

    /*!
        Blocks the calling thread until aboutToReload() is emitted, or \a msecs
        pass (-1: no limit). Returns a blocker that holds the swap until it
        is released, so the caller can save its state first; an invalid
        blocker on time-out. Must not be called on the owning thread (returns
        an invalid blocker at once there). Thread-safe.
    */
    QHotReloadBlocker waitForAboutToReload(int msecs = -1);

    /*!
        Blocks the calling thread until the next reloaded(), or \a msecs pass
        (-1: no limit). Returns false on time-out. After waitForAboutToReload()
        on the same thread, it waits for the reload that followed that
        moment, and returns at once if it is done already. Must not be called on the
        owning thread (returns false at once there). Thread-safe.
    */
    bool waitForReload(int msecs = -1);

    /*!
        Calls the hot function \a name (qualified, as listed in the library's
        QHOT_LIBRARY) of the loaded version with \a arguments, converted to
        its argument types, and returns its result (an invalid QVariant for a
        void function). Only functions whose argument and return types are
        built-in QMetaTypes can be called this way. A wrong name, argument
        count or an argument that cannot be converted gives an invalid
        QVariant, a warning and errorString() saying which. Owning thread only.
    */
    Q_INVOKABLE QVariant call(const QString &name, const QVariantList &arguments = {});

Q_SIGNALS:
    //! A new version passed its checks; the old code is still loaded.
    void aboutToReload();
    /*!
        The new version is live; the old version's objects are deleted and its
        copy retired (see retiredBudget). Also
        emitted when a load() that failed is followed by a good file on disk:
        then it is the first version.
    */
    void reloaded();
    //! A new version was refused; the old one keeps running. \a reason names the file and the cause.
    void reloadFailed(const QString &reason);
    /*!
        The new version is live but its restore hook (QHOT_LIBRARY_STATE)
        refused the saved state or threw. The state is kept and offered to the
        next version. \a reason names the file, the version and the cause.
    */
    void stateRestoreFailed(const QString &reason);

    /*!
        The crash guard caught \a signal (e.g. "SIGSEGV") in hot function
        \a function; \a reason says so and what happens next (rollback).
    */
    void crashed(const QString &function, const QString &signal, const QString &reason);

    void fileNameChanged();
    void loadedFileNameChanged();
    void loadedChanged();
    void versionChanged();
    void autoReloadChanged();
    void errorStringChanged();
    void requiredSymbolsChanged();
    void crashGuardChanged();
    void retiredBudgetChanged();
    void redirectRetiredChanged();
    void trialLoadChanged();
    void trialLoadTimeoutChanged();

protected:
    bool event(QEvent *event) override;

private:
    Q_DECLARE_PRIVATE(QHotLibrary)
    std::unique_ptr<QHotLibraryPrivate> d_ptr;
};

namespace QHotReload::Abi {
struct Manifest;
}

namespace QHotReload::Detail {

/*!
    \internal
    Makes the hot library \a name, linked into the application with hot
    reload off, known to QML's HotLibrary: \a manifest returns its
    QHOT_LIBRARY table. Called once per library from the source
    qhot_link_library() generates for an application that links
    QHotReload::Qml; the first registration of a name holds. Returns true.
*/
QHOTRELOAD_CORE_EXPORT bool registerLinkedLibrary(const char *name, const Abi::Manifest *(*manifest)());

} // namespace QHotReload::Detail

#endif // QHOTRELOAD_QHOTLIBRARY_H
