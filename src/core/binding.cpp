// SPDX-License-Identifier: MIT
#include "binding_p.h"

#include "logging_p.h"

#include <QtCore/QHash>
#include <QtCore/QThread>

#include <mutex>

namespace QHotReload::Internal {

namespace {

// Which tables belong to which library: a module finds its library's tables
// here, not in the library's private parts.
std::mutex registryMutex;
QHash<const QHotLibrary *, FunctionTables *> &registry()
{
    static QHash<const QHotLibrary *, FunctionTables *> tables;
    return tables;
}

} // namespace

FunctionTables::FunctionTables(QHotLibrary *library)
    : m_library(library)
{
    std::lock_guard lock(registryMutex);
    registry().insert(library, this);
}

FunctionTables::~FunctionTables()
{
    {
        std::lock_guard lock(registryMutex);
        registry().remove(m_library);
    }
    // A module outliving its library must not call back into it.
    const QList<ModuleTable *> tables = m_tables;
    m_tables.clear();
    for (ModuleTable *table : tables) {
        if (table->libraryGone)
            table->libraryGone();
    }
}

FunctionTables *FunctionTables::of(const QHotLibrary *library)
{
    std::lock_guard lock(registryMutex);
    return registry().value(library);
}

const Abi::Manifest *runningManifest(const QHotLibrary *library)
{
    const FunctionTables *tables = library ? FunctionTables::of(library) : nullptr;
    return tables ? tables->manifest() : nullptr;
}

void FunctionTables::setOwner(const ModuleTable &table, Qt::HANDLE owner)
{
    for (QHotModule::Slot *slot : table.slots)
        slot->owner->store(owner, std::memory_order_relaxed);
}

void FunctionTables::point(const std::vector<Binding> &bindings)
{
    for (const Binding &binding : bindings)
        *binding.slot->target = binding.address;
}

void FunctionTables::install(const Abi::Manifest *manifest, const std::vector<Binding> &bindings)
{
    m_manifest = manifest;
    point(bindings);
    // Guarded, every call goes through the guard, none straight through.
    const bool straightPath = !guardedCall;
    for (ModuleTable *table : std::as_const(m_tables)) {
        table->bound = true;
        if (!table->error.isEmpty())
            table->error.clear();
        if (straightPath)
            setOwner(*table, QThread::currentThreadId());
    }
}

void FunctionTables::closeStraightPath()
{
    for (const ModuleTable *table : std::as_const(m_tables))
        setOwner(*table, nullptr);
}

void FunctionTables::unbindAll()
{
    closeStraightPath();
    m_manifest = nullptr;
    for (ModuleTable *table : std::as_const(m_tables)) {
        table->bound = false;
        for (QHotModule::Slot *slot : table->slots)
            *slot->target = nullptr;
    }
}

QList<QHotModule::Slot *> FunctionTables::allSlots() const
{
    QList<QHotModule::Slot *> slots;
    for (const ModuleTable *table : m_tables)
        slots += table->slots;
    return slots;
}

int FunctionTables::activeCalls() const
{
    int calls = 0;
    for (const ModuleTable *table : m_tables) {
        for (const QHotModule::Slot *slot : table->slots)
            calls += *slot->depth;
    }
    return calls;
}

void FunctionTables::join(ModuleTable *table)
{
    m_tables.append(table);
    if (!m_manifest)
        return; // bound with everyone else at the first load
    std::vector<Binding> bindings;
    const QString error = bindFunctions(m_manifest, table->slots, &bindings);
    if (!error.isEmpty()) {
        table->error = describe ? describe(error) : error;
        table->bound = false;
        qCWarning(lcLoader).noquote() << table->error;
        return;
    }
    point(bindings);
    table->bound = true;
    if (!table->error.isEmpty())
        table->error.clear();
    if (!guardedCall)
        setOwner(*table, QThread::currentThreadId());
}

void FunctionTables::leave(ModuleTable *table)
{
    m_tables.removeAll(table);
}

} // namespace QHotReload::Internal
