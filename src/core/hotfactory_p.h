// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_HOTFACTORY_P_H
#define QHOTRELOAD_HOTFACTORY_P_H

// What QHotReload's other modules that remake a hot library's object at each
// swap (QHotWidget, QML's HotObject) need to know about the version a
// QHotLibrary has loaded: a factory by name, the version's root object
// (deleted just before that version is unloaded), and an object's property
// values copied so that they outlive the version. The manifest itself is the
// core's to read (runningManifest(), findFunction(), versionRootOf()); this
// asks it. Not installed; exported for those modules.

#include <QHotReload/qhotlibrary.h>
#include <QHotReload/qhotmanifest.h>
#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QStringList>
#include <QtCore/QVariantMap>

#include <string_view>

namespace QHotReload::Internal {

//! Where a manifest says a hot function is (Abi::FunctionInfo::address).
using FunctionAddress = void (*)();

/*!
    The address of the hot function \a name of \a manifest if its signature
    is \a signature (its hash \a signatureHash, as FunctionTraits spells
    them). Otherwise nullptr, and \a error says why: a sentence fragment that
    follows the library's name, calling such a function \a kind ("a widget
    factory"). A null \a manifest is a library without QHOT_LIBRARY.
*/
QHOTRELOAD_CORE_EXPORT FunctionAddress findFactory(const Abi::Manifest *manifest, const QString &name,
                                                   std::string_view signature, quint64 signatureHash,
                                                   const char *kind, QString *error);

//! As above, in the version \a library has loaded; "is not loaded" when none is.
QHOTRELOAD_CORE_EXPORT FunctionAddress findFactory(const QHotLibrary *library, const QString &name,
                                                   std::string_view signature, quint64 signatureHash,
                                                   const char *kind, QString *error);

/*!
    The hot function \a name of \a where (a QHotLibrary's loaded version, or
    a manifest) if its signature is \c Signature (e.g. QWidget *(QWidget *));
    otherwise nullptr and \a error says why, as findFactory() above does.
*/
template <typename Signature, typename Where>
Signature *findFactory(const Where *where, const QString &name, const char *kind, QString *error)
{
    using Traits = QHotReload::detail::FunctionTraits<Signature>;
    return reinterpret_cast<Signature *>(
            findFactory(where, name, Traits::signature, Traits::signatureHash, kind, error));
}

//! The QObject the loaded version's objects belong to, or nullptr (no manifest).
QHOTRELOAD_CORE_EXPORT QObject *loadedVersionRoot(const QHotLibrary *library);

//! The module (load address) of the version \a library has loaded, or nullptr.
QHOTRELOAD_CORE_EXPORT const void *loadedModule(const QHotLibrary *library);

/*!
    \a map with every value copied so that it no longer refers to the hot
    library loaded at \a module: built-in types are copied through Qt's own
    type, values of a type the library itself registered are left out and
    named in \a dropped.
*/
QHOTRELOAD_CORE_EXPORT QVariantMap detachFromLibrary(const QVariantMap &map, const void *module,
                                                     QStringList *dropped);

/*!
    The values to carry from \a object (made by the hot library loaded at
    \a module) to the object that replaces it: its stored properties that are
    both readable and writable, declared below \a base in its class, copied
    with detachFromLibrary(). What cannot be carried is named in \a dropped,
    each entry prefixed with the class name.
*/
QHOTRELOAD_CORE_EXPORT QVariantMap carriedProperties(const QObject *object, const QMetaObject *base,
                                                     const void *module, QStringList *dropped);

} // namespace QHotReload::Internal

#endif
