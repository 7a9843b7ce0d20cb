// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_BACKGROUND_P_H
#define QHOTRELOAD_BACKGROUND_P_H

#include <QtCore/QByteArray>
#include <QtCore/QObject>

#include <condition_variable>
#include <functional>
#include <mutex>

QT_BEGIN_NAMESPACE
class QThread;
QT_END_NAMESPACE

namespace QHotReload::Internal {

/*!
    Runs one piece of work at a time on a thread of its own and hands back
    to the thread that owns it: what the reload path does off the library's
    thread (reading a new build, copying it, its trial load), so that a large
    library does not stall the GUI. The thread is started at the first piece
    of work and kept, idle, until this object goes (starting one per piece
    cost ~0.5 ms of every reload). Not thread-safe: used from its owner's
    thread only.
*/
class Background
{
public:
    //! Hands back on \a context's thread; \a context outlives this object.
    explicit Background(QObject *context);
    ~Background(); //!< as cancel(), then the thread ends
    Q_DISABLE_COPY_MOVE(Background)

    //! Whether work runs, or ran and its \c done has not been called yet.
    bool isBusy() const { return m_busy; }
    /*!
        Runs \a work on the thread, then \a done on the context's thread
        from its event loop (not from within this call). Only one at a time:
        the caller waits until isBusy() is false.
    */
    void run(std::function<void()> work, std::function<void()> done);
    //! Waits for the running work, if any; its \c done is not called.
    void cancel();

private:
    void finished(int generation);
    void waitForWork() const; // until the thread holds no work
    void serve();             // the thread's loop

    // Receives the hand-back (posted calls to it go with it, should it be
    // deleted first; a cancelled one is told by its generation).
    QObject *m_context;
    QThread *m_thread = nullptr;
    std::function<void()> m_done;
    int m_generation = 0;
    bool m_busy = false;

    // Shared with the thread, under m_mutex.
    mutable std::mutex m_mutex;
    mutable std::condition_variable m_changed;
    std::function<void()> m_work; // set by run(), taken by the thread
    int m_workGeneration = 0;     // the work's, until the thread is done with it; then 0
    bool m_stop = false;
};

/*!
    Lets go of \a bytes, when this holds their only reference, without
    holding up the process's other threads: the memory of a large buffer is
    given back a megabyte at a time before the buffer is freed. Freed at once,
    a 50 MB buffer stalled the GUI thread for 10-15 ms while this thread did
    it (the kernel unmaps it in one piece, and the GUI thread's next page
    fault waits). Call it off the GUI thread; \a bytes is empty afterwards.
*/
void letGo(QByteArray &bytes);

} // namespace QHotReload::Internal

#endif
