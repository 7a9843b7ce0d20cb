// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTMODULE_P_H
#define QHOTRELOAD_QHOTMODULE_P_H

#include <QHotReload/qhotmodule.h>

#include "binding_p.h"

#include <QtCore/QList>

#include <atomic>
#include <functional>
#include <mutex>

class QHotModulePrivate
{
public:
    static QHotModulePrivate *get(QHotModule *module) { return module->d.get(); }

    //! Called by the library's destructor (on its thread).
    void libraryDestroyed();

    QHotModule *q = nullptr;
    QString libraryName;
    // Our functions, as the library binds them (through FunctionTables, never
    // through our private parts or we through its), and our error.
    QHotReload::Internal::ModuleTable table;
    std::mutex mutex;                  // guards library
    QHotLibrary *library = nullptr;
    std::atomic<int> marshalTimeout{10000};
};

namespace QHotReload::Internal {

/*!
    Runs \a function on \a target's thread and waits for it to return.
    If it has not started within \a timeoutMs (the thread runs no event loop,
    or it waits for the calling thread), it is cancelled — it will never run —
    and QHotCallError is thrown with \a whatFailed and the reason. An exception
    thrown by \a function is rethrown in the caller.
*/
void runBlocking(QObject *target, const std::function<void()> &function, int timeoutMs, const QString &whatFailed);

} // namespace QHotReload::Internal

#endif
