// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_SETTLE_P_H
#define QHOTRELOAD_SETTLE_P_H

#include "watcher_p.h"

#include <QtCore/QByteArray>
#include <QtCore/QString>

#include <functional>

namespace QHotReload::Internal {

/*!
    The second stage of the reload path: when to look at the watched file
    again, and when what was seen is final. It reads no file and starts no
    timer: it is told what the watcher said and what a look found, and answers
    with a Step. Time comes from a clock it is given (milliseconds, monotonic),
    so its rules are tested with a clock that only moves when told.

    Where the kernel says when a writer is done (FileWatcher::Mode::Kernel),
    a file is looked at once per completion and the look is final. Elsewhere
    a complete-looking file is taken once it has kept the same bytes, with no
    change event, for the quiet period; a file that cannot be taken is
    reported once it has stayed the same for its settle time. Bytes refused
    for a cause outside them are looked at again after a change beside the
    file (in its directory), backing off while they keep being refused.
*/
class QHOTRELOAD_CORE_EXPORT Settle
{
public:
    using Clock = std::function<qint64()>;

    //! What a look at the file found, as the orchestrator sees it.
    struct Look
    {
        bool exists = false;
        bool writerAtIt = false;  //!< still open for writing, or changed while read
        bool known = false;       //!< the running, pending or refused bytes: nothing to do
        QByteArray identity;
        bool takeable = false;    //!< readable, allowed, and complete-looking
        bool incomplete = false;  //!< cut short (not refused for good)
        bool empty = false;       //!< no bytes at all
        QString reason;           //!< why it cannot be taken, with the file's name
    };

    //! What to do next.
    struct Step
    {
        enum Kind {
            Wait,    //!< nothing until the watcher speaks again
            LookIn,  //!< look again in delayMs
            Take,    //!< these bytes are final: take them (or refuse them, saying why)
            Refuse,  //!< report reason once; do not try these bytes again
            Keep,    //!< nothing new: a look already planned stays planned
        };
        Kind kind = Wait;
        int delayMs = 0;
        QString reason;

        static Step wait() { return Step(); }
        static Step lookIn(int ms) { Step s; s.kind = LookIn; s.delayMs = ms; return s; }
        static Step take() { Step s; s.kind = Take; return s; }
        static Step refuse(const QString &why) { Step s; s.kind = Refuse; s.reason = why; return s; }
        static Step keep() { Step s; s.kind = Keep; return s; }
    };

    // The rules' times, in milliseconds.
    static constexpr int FirstPollMs = 2;
    static constexpr int MaxPollMs = 50;
    static constexpr int ClosingMs = 1000;
    static constexpr int IncompleteSettleMs = 1500;
    static constexpr int RefusedSettleMs = 200;
    static constexpr int FirstCopyRetryMs = 500;
    static constexpr int MaxCopyRetryMs = 30000;
    static constexpr int FirstOutsideRetryMs = 100;
    static constexpr int MaxOutsideRetryMs = 5000;

    //! \a clock defaults to a monotonic clock; \a quietMs and \a emptyMs to
    //! QHOTRELOAD_QUIET_MS (300) and QHOTRELOAD_EMPTY_FILE_TIMEOUT_MS (60 000).
    explicit Settle(Clock clock = {}, int quietMs = -1, int emptyMs = -1);

    void setKernel(bool kernel) { m_kernel = kernel; }
    //! How long complete-looking bytes must stay the same, with no change
    //! event, before they are taken where no kernel tells (ms).
    void setQuietMs(int ms) { m_quietMs = qMax(0, ms); }
    bool isKernel() const { return m_kernel; }

    //! The watcher spoke. Wait means: stop any look that was planned.
    Step changed(FileWatcher::Change change);
    //! A look found \a look; what next.
    Step looked(const Look &look);
    //! load() found the file half-written: look again soon.
    Step startedIncomplete();
    //! Bytes that are fine could not be copied (no room, no directory): when
    //! to try again, backing off while it is the same bytes. \a first is set
    //! for the first failure of these bytes (the one to report).
    Step copyFailed(const QByteArray &identity, bool *first);
    //! Bytes \a identity were refused for a cause outside them (a dependency
    //! missing or unreadable): a change beside the file (Beside) plans a look
    //! from now on, the sooner the fewer times these bytes were refused so.
    //! Returns true when these bytes were refused so before.
    bool refusedOutside(const QByteArray &identity);
    //! No refusal waits for a change beside the file any more (taken, or
    //! refused for the bytes themselves).
    void retryDone() { m_retry = {}; }
    //! Forget everything pending (unload, auto-reload off).
    void reset();

    //! Milliseconds from the environment variable \a name, or \a fallback.
    static int msFromEnvironment(const char *name, int fallback);

private:
    qint64 now() const { return m_clock(); }
    Step lookAgain(int floorMs);
    int quietRemaining(const QByteArray &identity);

    Clock m_clock;
    int m_quietMs;
    int m_emptyMs;
    bool m_kernel = false;
    int m_pollDelayMs = 0;
    qint64 m_completedAt = -1;   // the last close or rename-in the kernel reported
    // A look that could not be taken: reported once it stays so for settleMs.
    struct {
        QByteArray identity;
        QString reason;
        qint64 since = 0;
        int settleMs = 0;
    } m_candidate;
    // Where no kernel tells: the complete-looking bytes, since when, and the
    // last change event.
    struct {
        QByteArray identity;
        qint64 since = 0;
        qint64 lastEvent = -1;
    } m_quiet;
    struct {
        QByteArray identity;
        int retryMs = 0;
    } m_copyFailure;
    // Refused for a cause outside the bytes: looked at again after a change
    // beside the file, retryMs after it (coalescing a burst of changes, and
    // backing off while a busy directory brings no remedy).
    struct {
        QByteArray identity;
        int retryMs = 0;
    } m_retry;
};

} // namespace QHotReload::Internal

#endif
