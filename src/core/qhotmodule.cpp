// SPDX-License-Identifier: MIT
#include "qhotmodule_p.h"

#include "logging_p.h"
#include "binding_p.h"
#include "version_p.h" // locateLibrary()

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QHash>
#include <QtCore/QPointer>
#include <QtCore/QThread>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <thread>

QHotCallError::~QHotCallError() = default;

namespace QHotReload::Internal {

namespace {
// How long a marshaled call is waited for awake before the caller sleeps.
// On an idle machine the owner thread's core is asleep and a call's round
// trip is two wake-ups of ~15-20 us each; spinning over the second spares it.
// Short calls end within this; a longer one is waited for asleep.
constexpr std::chrono::microseconds MarshalSpin{50};

inline void cpuRelax()
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#elif defined(__aarch64__)
    asm volatile("yield");
#else
    std::this_thread::yield();
#endif
}

QString threadName(QThread *thread)
{
    if (!thread)
        return QStringLiteral("(none)");
    if (!thread->objectName().isEmpty())
        return QLatin1Char('\'') + thread->objectName() + QLatin1Char('\'');
    if (QCoreApplication::instance() && thread == QCoreApplication::instance()->thread())
        return QStringLiteral("the main thread");
    return QStringLiteral("thread 0x%1").arg(quintptr(thread), 0, 16);
}
} // namespace

void runBlocking(QObject *target, const std::function<void()> &function, int timeoutMs, const QString &whatFailed)
{
    struct Call
    {
        enum State { Waiting, Running, Done, Cancelled };
        std::mutex mutex;
        std::condition_variable cv;
        State state = Waiting;
        std::exception_ptr error;
        // Set once state is Done (and error written) and the waiters are
        // notified: what the spin reads.
        std::atomic_bool done{false};
    };
    const auto call = std::make_shared<Call>();
    // `function` is captured by reference: this thread waits until it is done,
    // or cancels it before it starts, so it never outlives its use.
    QMetaObject::invokeMethod(target, [call, &function] {
        {
            std::lock_guard lock(call->mutex);
            if (call->state == Call::Cancelled)
                return;
            call->state = Call::Running;
        }
        try {
            function();
        } catch (...) {
            call->error = std::current_exception();
        }
        {
            std::lock_guard lock(call->mutex);
            call->state = Call::Done;
        }
        call->cv.notify_all();
        // Last: a caller that sees it may return and drop its share of the
        // call while this thread is done with the mutex and the condition.
        call->done.store(true, std::memory_order_release);
    }, Qt::QueuedConnection);

    // Only with a core to spin on beside the owner thread's; never longer than MarshalSpin.
    static const bool spin = QThread::idealThreadCount() > 1;
    if (spin) {
        const auto until = std::chrono::steady_clock::now() + MarshalSpin;
        while (!call->done.load(std::memory_order_acquire) && std::chrono::steady_clock::now() < until)
            cpuRelax();
        if (call->done.load(std::memory_order_acquire)) {
            if (call->error)
                std::rethrow_exception(call->error);
            return;
        }
    }

    std::unique_lock lock(call->mutex);
    const bool started = call->cv.wait_for(lock, std::chrono::milliseconds(timeoutMs),
                                           [&] { return call->state != Call::Waiting; });
    if (!started) {
        call->state = Call::Cancelled;
        const QString message = whatFailed
                + QStringLiteral(": %1 did not pick the call up within %2 ms; it runs no event loop, or it is "
                                 "waiting for the calling thread (a deadlock). The call was not made.")
                          .arg(threadName(target->thread()))
                          .arg(timeoutMs);
        qCWarning(lcSwap).noquote() << message;
        throw QHotCallError(message.toStdString());
    }
    call->cv.wait(lock, [&] { return call->state == Call::Done; });
    if (call->error)
        std::rethrow_exception(call->error);
}

} // namespace QHotReload::Internal

using namespace QHotReload::Internal;

void QHotModulePrivate::libraryDestroyed()
{
    std::lock_guard lock(mutex);
    library = nullptr;
    q->setOwner(nullptr);
}

QHotModule::QHotModule(const char *libraryName)
    : d(std::make_unique<QHotModulePrivate>())
{
    d->q = this;
    d->libraryName = QString::fromUtf8(libraryName);
    d->table.libraryGone = [this] { d->libraryDestroyed(); };
    if (const QByteArray timeout = qgetenv("QHOTRELOAD_MARSHAL_TIMEOUT_MS"); !timeout.isEmpty())
        d->marshalTimeout = timeout.toInt();
}

QHotModule::~QHotModule()
{
    std::lock_guard lock(d->mutex);
    if (d->library) {
        // Only reached when the QCoreApplication outlives static destruction;
        // the library must not call back into a module that is gone.
        if (FunctionTables *tables = FunctionTables::of(d->library))
            tables->leave(&d->table);
    }
}

void QHotModule::setOwner(Qt::HANDLE owner)
{
    FunctionTables::setOwner(d->table, owner);
}

QHotLibrary *QHotModule::library()
{
    {
        std::lock_guard lock(d->mutex);
        if (d->library)
            return d->library;
    }
    QCoreApplication *app = QCoreApplication::instance();
    if (!app)
        return nullptr;
    const auto create = [this, app] {
        std::lock_guard lock(d->mutex);
        if (d->library)
            return;
        // One QHotLibrary per file, shared by every module that names it (two
        // namespaces of one library must not load two copies of it). Only
        // touched on the main thread.
        static QHash<QString, QPointer<QHotLibrary>> libraries;
        const QString path = locateLibrary(d->libraryName);
        QHotLibrary *library = libraries.value(path);
        if (!library) {
            // A child of the application: it goes (and unloads) with it.
            library = new QHotLibrary(path, app);
            libraries.insert(path, library);
        }
        // Every function is declared by now (static initialization is
        // over): the table lists them in the order they were declared.
        d->table.slots.clear();
        for (Slot *slot = m_lastSlot; slot; slot = slot->next)
            d->table.slots.prepend(slot);
        FunctionTables::of(library)->join(&d->table);
        d->library = library;
    };
    if (QThread::currentThread() == app->thread())
        create();
    else
        runBlocking(app, create, d->marshalTimeout, QStringLiteral("QHotModule: cannot create the library %1").arg(d->libraryName));
    std::lock_guard lock(d->mutex);
    return d->library;
}

bool QHotModule::load()
{
    QHotLibrary *lib = library();
    if (!lib) {
        d->table.error = QStringLiteral("QHotModule::load(%1): no QCoreApplication").arg(d->libraryName);
        return false;
    }
    if (QThread::currentThread() != lib->thread()) {
        bool ok = false;
        runBlocking(lib, [&] { ok = load(); }, d->marshalTimeout,
                    QStringLiteral("QHotModule: cannot load %1").arg(d->libraryName));
        return ok;
    }
    if (!lib->isLoaded() && !lib->load()) {
        d->table.error = lib->errorString();
        return false;
    }
    // Loaded, but this module may have joined a running version that lacks
    // one of its functions: its table is unbound and says why.
    if (!d->table.bound)
        return false;
    d->table.error.clear();
    return true;
}

bool QHotModule::isLoaded() const
{
    QHotLibrary *lib = nullptr;
    {
        std::lock_guard lock(d->mutex);
        lib = d->library;
    }
    return lib && lib->isLoaded();
}

QString QHotModule::errorString() const
{
    return d->table.error;
}

int QHotModule::marshalTimeout() const
{
    return d->marshalTimeout;
}

void QHotModule::setMarshalTimeout(int msecs)
{
    d->marshalTimeout = msecs;
}

void QHotModule::throwCrashed(const char *functionName)
{
    throw QHotCallError(QStringLiteral("'%1' crashed and the crash guard caught it; there is no value to return")
                                .arg(QString::fromUtf8(functionName))
                                .toStdString());
}

bool QHotModule::runOnOwner(void (*thunk)(void *), void *context, const char *functionName)
{
    QHotLibrary *lib = library();
    if (!lib) {
        throw QHotCallError(QStringLiteral("cannot call '%1': there is no QCoreApplication (yet, or any more)")
                                    .arg(QString::fromUtf8(functionName))
                                    .toStdString());
    }
    bool completed = true;
    const auto body = [&] {
        if (!lib->isLoaded() && !lib->load()) {
            throw QHotCallError(QStringLiteral("cannot call '%1': %2")
                                        .arg(QString::fromUtf8(functionName), lib->errorString())
                                        .toStdString());
        }
        if (!d->table.bound) {
            throw QHotCallError(QStringLiteral("cannot call '%1': %2")
                                        .arg(QString::fromUtf8(functionName), d->table.error)
                                        .toStdString());
        }
        const FunctionTables *tables = FunctionTables::of(lib);
        if (tables && tables->guardedCall) {
            completed = tables->guardedCall(thunk, context, QString::fromUtf8(functionName));
            return;
        }
        // Loaded here, on the library's thread: every declared function is
        // bound (the library checked them when it took this version), so
        // later calls on this thread may go straight through.
        setOwner(QThread::currentThreadId());
        thunk(context);
    };
    if (QThread::currentThread() == lib->thread()) {
        body();
        return completed;
    }
    runBlocking(lib, body, d->marshalTimeout,
                QStringLiteral("cannot call '%1' from %2")
                        .arg(QString::fromUtf8(functionName),
                             QThread::currentThread()->objectName().isEmpty()
                                     ? QStringLiteral("a worker thread")
                                     : QLatin1Char('\'') + QThread::currentThread()->objectName() + QLatin1Char('\'')));
    return completed;
}
