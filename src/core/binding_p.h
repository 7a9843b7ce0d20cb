// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_BINDING_P_H
#define QHOTRELOAD_BINDING_P_H

#include <QHotReload/qhotmodule.h>

#include "manifest_p.h"

#include <QtCore/QList>
#include <QtCore/QString>

#include <functional>
#include <vector>

class QHotLibrary;

namespace QHotReload::Internal {

//! One module's function table, as the library binds it. Owned by the module.
struct ModuleTable
{
    QList<QHotModule::Slot *> slots; //!< in declaration order; filled when the module meets its library
    bool bound = false;              //!< the running version has every function (library's thread)
    /*!
        The module's error (QHotModule::errorString()), the one place it is
        kept: why its library could not be loaded (written by the module), or
        why the table is unbound when it joined a running version that lacks
        one of its functions (written here). Cleared when a version binds it.
    */
    QString error;
    std::function<void()> libraryGone; //!< called on the library's thread when it is destroyed
};

/*!
    The function tables of every module that names one library: the part the
    library (which binds them at each swap) and the modules (whose calls read
    them) share, so neither reaches into the other. It treats the tables as
    data: the slots' targets, their straight-path owner and call depths.
    Lives with the library and is touched on its thread, except of(), which
    any thread may call.
*/
class FunctionTables
{
public:
    explicit FunctionTables(QHotLibrary *library);
    ~FunctionTables();
    Q_DISABLE_COPY_MOVE(FunctionTables)

    //! The tables of \a library, or nullptr once it is gone.
    static FunctionTables *of(const QHotLibrary *library);

    // --- the library's side ---------------------------------------------------

    //! Points every slot at \a bindings (the running version's, made from
    //! \a manifest; on the library's thread) and marks every table bound.
    //! Unless calls are guarded, calls on this thread may go straight through.
    void install(const Abi::Manifest *manifest, const std::vector<Binding> &bindings);
    //! Calls go the slow way (through the library) until install() opens the path again.
    void closeStraightPath();
    //! No version: every slot null, every table unbound.
    void unbindAll();
    //! Every slot of every table, for a version to be checked against.
    QList<QHotModule::Slot *> allSlots() const;
    //! Calls of any table's functions on the library thread's stack.
    int activeCalls() const;
    //! The running version's manifest (the one install() bound), or nullptr.
    const Abi::Manifest *manifest() const { return m_manifest; }

    /*!
        How a module's call runs when the library guards calls (its crash
        guard): set by the library while the guard is on, empty otherwise.
        Returns false when the guard caught a crash.
    */
    std::function<bool(void (*thunk)(void *), void *context, const QString &function)> guardedCall;
    //! Prefixes messages with the library's file, e.g. "liblogic.so does not …".
    std::function<QString(const QString &)> describe;

    // --- the modules' side ---------------------------------------------------

    /*!
        Adds \a table. When a version is running already, it must have the
        table's functions too, or the table stays unbound with the reason in
        its error (never a null pointer to call through).
    */
    void join(ModuleTable *table);
    //! Removes \a table (a module destroyed before the library).
    void leave(ModuleTable *table);

    //! Opens \a table's straight call path to calls on \a owner, or closes it (nullptr).
    static void setOwner(const ModuleTable &table, Qt::HANDLE owner);

private:
    static void point(const std::vector<Binding> &bindings);

    QHotLibrary *m_library;
    QList<ModuleTable *> m_tables;
    const Abi::Manifest *m_manifest = nullptr; // the running version's, while one runs
};

/*!
    The manifest of the version \a library runs (the one its modules' functions
    are bound to): nullptr while none runs, or when it is a plain library. On
    the library's thread. Exported for QHotReload's other modules (QHotWidget's
    factory), so that none of them reads a manifest of its own.
*/
QHOTRELOAD_CORE_EXPORT const Abi::Manifest *runningManifest(const QHotLibrary *library);

} // namespace QHotReload::Internal

#endif
