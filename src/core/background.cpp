// SPDX-License-Identifier: MIT
#include "background_p.h"

#include <QtCore/QThread>

#if defined(Q_OS_UNIX)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace QHotReload::Internal {

Background::Background(QObject *context) : m_context(context) { }

Background::~Background()
{
    cancel();
    if (!m_thread)
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_changed.notify_all();
    m_thread->wait();
    delete m_thread;
}

void Background::run(std::function<void()> work, std::function<void()> done)
{
    Q_ASSERT(!m_busy);
    m_busy = true;
    m_done = std::move(done);
    {
        std::lock_guard lock(m_mutex);
        m_work = std::move(work);
        m_workGeneration = ++m_generation;
    }
    m_changed.notify_all();
    if (!m_thread) {
        m_thread = QThread::create([this] { serve(); });
        m_thread->setObjectName(QStringLiteral("QHotLibrary reader"));
        m_thread->start();
    }
}

void Background::serve()
{
    std::unique_lock lock(m_mutex);
    for (;;) {
        m_changed.wait(lock, [this] { return m_stop || m_work; });
        if (m_stop)
            return;
        std::function<void()> work = std::move(m_work);
        m_work = nullptr;
        const int generation = m_workGeneration;
        lock.unlock();
        work();
        work = nullptr; // what it holds goes here, off the owner's thread
        // Posted to the context's thread; a cancel() meanwhile drops it.
        QMetaObject::invokeMethod(m_context, [this, generation] { finished(generation); }, Qt::QueuedConnection);
        lock.lock();
        m_workGeneration = 0; // done with it: cancel() and finished() may go on
        m_changed.notify_all();
    }
}

void Background::waitForWork() const
{
    std::unique_lock lock(m_mutex);
    m_changed.wait(lock, [this] { return !m_work && m_workGeneration == 0; });
}

void Background::finished(int generation)
{
    if (generation != m_generation || !m_busy)
        return; // cancelled
    waitForWork();
    m_busy = false;
    std::function<void()> done = std::move(m_done);
    m_done = nullptr;
    done();
}

void Background::cancel()
{
    if (!m_busy)
        return;
    waitForWork();
    m_busy = false;
    m_done = nullptr;
    ++m_generation; // a hand-back already posted is dropped
}

void letGo(QByteArray &bytes)
{
#if defined(Q_OS_UNIX) && defined(MADV_DONTNEED)
    // Only a buffer of our own, and only its whole pages: the memory stays
    // mapped (and the allocator's bookkeeping at its ends untouched) until
    // the buffer is freed below, with nothing left to give back.
    if (bytes.isDetached() && bytes.size() >= (qsizetype(1) << 20)) {
        const quintptr page = quintptr(::sysconf(_SC_PAGESIZE));
        const quintptr start = quintptr(bytes.constData());
        const quintptr end = (start + quintptr(bytes.size())) & ~(page - 1);
        constexpr quintptr Step = quintptr(1) << 20;
        for (quintptr from = (start + page - 1) & ~(page - 1); from < end; from += Step)
            ::madvise(reinterpret_cast<void *>(from), size_t(qMin(Step, end - from)), MADV_DONTNEED);
    }
#endif
    bytes = QByteArray();
}

} // namespace QHotReload::Internal
