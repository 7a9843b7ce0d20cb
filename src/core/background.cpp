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
}

void Background::run(std::function<void()> work, std::function<void()> done)
{
    Q_ASSERT(!m_thread);
    const int generation = ++m_generation;
    m_done = std::move(done);
    QObject *receiver = m_context;
    m_thread = QThread::create([this, receiver, generation, work = std::move(work)] {
        work();
        // Posted to the context's thread. cancel() waits for this thread, so
        // the post comes before any cancel() returns and is then dropped.
        QMetaObject::invokeMethod(receiver, [this, generation] { finished(generation); }, Qt::QueuedConnection);
    });
    m_thread->setObjectName(QStringLiteral("QHotLibrary reader"));
    m_thread->start();
}

void Background::finished(int generation)
{
    if (generation != m_generation || !m_thread)
        return; // cancelled
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
    std::function<void()> done = std::move(m_done);
    m_done = nullptr;
    done();
}

void Background::cancel()
{
    if (!m_thread)
        return;
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
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
