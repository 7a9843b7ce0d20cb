// SPDX-License-Identifier: MIT
#include "settle_p.h"

#include <QtCore/QElapsedTimer>
#include <QtCore/QtGlobal>

#include <memory>

namespace QHotReload::Internal {

int Settle::msFromEnvironment(const char *name, int fallback)
{
    bool ok = false;
    const int fromEnv = qEnvironmentVariableIntValue(name, &ok);
    return ok && fromEnv >= 0 ? fromEnv : fallback;
}

Settle::Settle(Clock clock, int quietMs, int emptyMs)
    : m_clock(std::move(clock))
    // Where no kernel says when a writer is done: long enough for a writer
    // descheduled on a loaded machine. One that stalls longer than this
    // without closing can still be taken half-way, which is why the kernel's
    // word is used wherever there is one.
    , m_quietMs(quietMs >= 0 ? quietMs : msFromEnvironment("QHOTRELOAD_QUIET_MS", 300))
    // GNU ld creates its output empty when it starts and writes it at the end,
    // which on a busy machine or with LTO can take long: an empty file is a
    // link in progress far more often than a mistake.
    , m_emptyMs(emptyMs >= 0 ? emptyMs : msFromEnvironment("QHOTRELOAD_EMPTY_FILE_TIMEOUT_MS", 60000))
{
    if (!m_clock) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_clock = [timer] { return timer->elapsed(); };
    }
}

Settle::Step Settle::changed(FileWatcher::Change change)
{
    switch (change) {
    case FileWatcher::Change::Written:
        // A writer is at it, and its close will be the next word: a look now
        // would only read a file half-way.
        return Step::wait();
    case FileWatcher::Change::Completed:
        m_completedAt = now();
        m_pollDelayMs = 0; // the writer lets go microseconds after its close is reported
        return Step::lookIn(0);
    case FileWatcher::Change::Touched:
        // Many notifications for one rebuild are coalesced into one look.
        m_quiet.lastEvent = now();
        m_pollDelayMs = FirstPollMs;
        return Step::lookIn(0);
    case FileWatcher::Change::Beside:
        // The file is as it was: worth a look only if what it lacked may
        // have come (a look costs a read of the file).
        return m_retry.identity.isEmpty() ? Step::keep() : Step::lookIn(m_retry.retryMs);
    }
    return Step::wait();
}

Settle::Step Settle::looked(const Look &look)
{
    if (!look.exists) {
        // Deleted (a linker about to write it anew): the watcher says when it
        // is back. Whatever was pending on it is moot.
        m_candidate = {};
        return Step::wait();
    }
    if (look.writerAtIt) {
        // Where the kernel tells, the writer's close is the next word, except
        // just after a close: the kernel reports it before it lets go of the
        // writer's count, so a look at once can still see it open. Then (and
        // where the kernel does not tell) look again shortly; such a look
        // costs an open, not a read.
        if (!m_kernel || (m_completedAt >= 0 && now() - m_completedAt < ClosingMs))
            return lookAgain(1);
        return Step::wait();
    }
    if (look.known) {
        m_candidate = {};
        return Step::wait(); // `touch`, the same bytes again, or bytes already refused
    }
    if (m_kernel) {
        m_candidate = {};
        return Step::take(); // its writer is done: these are the bytes it wrote
    }

    if (m_candidate.identity == look.identity) {
        // Looked at before and not taken; unchanged since.
        if (now() - m_candidate.since >= m_candidate.settleMs) {
            const Step refuse = Step::refuse(m_candidate.reason);
            m_candidate = {};
            return refuse;
        }
    } else if (look.takeable) {
        if (const int wait = quietRemaining(look.identity); wait > 0)
            return Step::lookIn(wait);
        m_candidate = {};
        return Step::take();
    } else {
        int settle = RefusedSettleMs;
        if (look.incomplete)
            settle = look.empty ? m_emptyMs : IncompleteSettleMs;
        m_candidate.identity = look.identity;
        m_candidate.reason = look.reason;
        m_candidate.settleMs = settle;
        m_candidate.since = now();
    }
    return lookAgain(FirstPollMs);
}

Settle::Step Settle::startedIncomplete()
{
    return Step::lookIn(FirstPollMs);
}

Settle::Step Settle::copyFailed(const QByteArray &identity, bool *first)
{
    // A disk that is full stays full for a while, so back off, but not so far
    // that a fix goes unnoticed for long.
    const bool again = m_copyFailure.identity == identity;
    m_copyFailure.identity = identity;
    m_copyFailure.retryMs = again ? qMin(MaxCopyRetryMs, m_copyFailure.retryMs * 2) : FirstCopyRetryMs;
    if (first)
        *first = !again;
    return Step::lookIn(m_copyFailure.retryMs);
}

bool Settle::refusedOutside(const QByteArray &identity)
{
    const bool again = m_retry.identity == identity;
    m_retry.identity = identity;
    m_retry.retryMs = again ? qMin(MaxOutsideRetryMs, m_retry.retryMs * 2) : FirstOutsideRetryMs;
    return again;
}

void Settle::reset()
{
    m_candidate = {};
    m_copyFailure = {};
    m_retry = {};
}

// The next poll: the delay so far, doubling up to MaxPollMs, at least floorMs.
Settle::Step Settle::lookAgain(int floorMs)
{
    const int delay = m_pollDelayMs;
    m_pollDelayMs = qMin(MaxPollMs, qMax(floorMs, m_pollDelayMs * 2));
    return Step::lookIn(delay);
}

// How much longer these bytes must stay as they are, with no change event,
// before they are taken.
int Settle::quietRemaining(const QByteArray &identity)
{
    if (m_quiet.identity != identity) {
        m_quiet.identity = identity;
        m_quiet.since = now();
    }
    qint64 quietFor = now() - m_quiet.since;
    if (m_quiet.lastEvent >= 0)
        quietFor = qMin(quietFor, now() - m_quiet.lastEvent);
    return int(qMax<qint64>(0, m_quietMs - quietFor));
}

} // namespace QHotReload::Internal
