// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTRELOADOBSERVER_H
#define QHOTRELOAD_QHOTRELOADOBSERVER_H

#include <QHotReload/qhotlibrary.h>

#include <memory>

class QHotReloadObserverPrivate;

/*!
    \class QHotReloadObserver
    \brief One thread's view of a QHotLibrary's swaps: it remembers what it has
    not yet been told, so a thread that was busy misses nothing.

    QHotLibrary::waitForReload() and QHotLibrary::waitForAboutToReload() only see
    what happens while the caller waits. An observer counts from its own
    construction instead:

    \list
    \li waitForReload() returns at once when a swap finished since the
        observer was made or since its last waitForReload() returned true;
        several swaps in that time are reported as one.
    \li With HoldReloads, every swap waits for this observer: when a new
        version is ready, a block is counted for the observer, and the swap
        goes on only after the observer has picked that block up with
        waitForAboutToReload() and released it, or called waitForReload(),
        which releases it unasked (the old code is then already unneeded).
        A thread that runs `work(); observer.waitForAboutToReload(...)` in a
        loop is never swapped under while inside work(). An observer that
        holds and never waits holds every reload: destroy it when its thread
        stops looking.
    \endlist

    Without HoldReloads, waitForAboutToReload() behaves as
    QHotLibrary::waitForAboutToReload(): it sees a swap that starts while it
    waits, and the swap waits for the blocker it returns.

    An observer belongs to the thread that uses it (it is not for sharing
    between threads) and must not be used on the library's own thread, which
    would wait for itself (the calls then return at once with nothing). It may
    be constructed on any thread while the library exists, and may outlive the
    library: its waits then return at once.
*/
class QHOTRELOAD_CORE_EXPORT QHotReloadObserver
{
public:
    enum Option {
        NoOptions = 0x0,
        //! Every swap waits until this observer has been told (the Rust crate's observer).
        HoldReloads = 0x1,
    };
    Q_DECLARE_FLAGS(Options, Option)

    explicit QHotReloadObserver(QHotLibrary *library, Options options = NoOptions);
    ~QHotReloadObserver();

    Options options() const;

    /*!
        Waits up to \a msecs (-1: no limit) for a swap this observer has not yet
        been told about, and returns a blocker the swap waits for: save what
        must be saved with the old code, then release it. Returns an invalid
        blocker on time-out, when the library is gone, or when called on the
        library's thread.
    */
    QHotReloadBlocker waitForAboutToReload(int msecs = -1);

    /*!
        Returns true at once if a swap finished since this observer was made or
        last returned true here; otherwise waits up to \a msecs (-1: no limit)
        for the next one. A block this observer holds (HoldReloads) and has not
        picked up is released first. Returns false on time-out, when the
        library is gone, or when called on the library's thread.
    */
    bool waitForReload(int msecs = -1);

    //! Returns whether a swap finished that waitForReload() has not reported yet. Does not wait.
    bool hasReloaded() const;

private:
    Q_DISABLE_COPY(QHotReloadObserver)
    std::unique_ptr<QHotReloadObserverPrivate> d;
};

Q_DECLARE_OPERATORS_FOR_FLAGS(QHotReloadObserver::Options)

#endif // QHOTRELOAD_QHOTRELOADOBSERVER_H
