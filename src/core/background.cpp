// SPDX-License-Identifier: MIT
#include "background_p.h"

#include <QtCore/QThread>

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

} // namespace QHotReload::Internal
