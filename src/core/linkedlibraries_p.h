// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_LINKEDLIBRARIES_P_H
#define QHOTRELOAD_LINKEDLIBRARIES_P_H

// Hot libraries linked into the application (hot reload off), by name, and
// the call by name that QHotLibrary::call() and QML's HotLibrary make through
// a manifest, loaded or linked in. Not installed; exported for QHotReload's
// own modules.

#include <QHotReload/qhotmanifest.h>
#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QString>
#include <QtCore/QVariant>

namespace QHotReload::Detail {

/*!
    \internal
    The manifest of the hot library registered as \a name by
    registerLinkedLibrary() (an application built with hot reload off that
    links QHotReload::Qml), or nullptr: none of that name is linked in, or
    its manifest is not one this QHotReload reads.
*/
QHOTRELOAD_CORE_EXPORT const Abi::Manifest *linkedLibrary(const QString &name);

/*!
    \internal
    The entry of \a manifest for the function \a name (qualified, a leading
    "::" optional), or nullptr.
*/
QHOTRELOAD_CORE_EXPORT const Abi::FunctionInfo *listedFunction(const Abi::Manifest &manifest, QStringView name);

/*!
    \internal
    Calls \a function with \a arguments, each converted to the type it
    takes; its argument and return types must be built-in QMetaTypes. Returns
    the result (an invalid QVariant for a void function). If the call cannot
    be made (wrong count, a type call() cannot pass, a value that does not
    convert) returns an invalid QVariant and sets \a error to a sentence
    fragment naming the function; \a error is cleared when it was made.
*/
QHOTRELOAD_CORE_EXPORT QVariant callListed(const Abi::FunctionInfo &function, const QVariantList &arguments,
                                           QString *error);

} // namespace QHotReload::Detail

#endif // QHOTRELOAD_LINKEDLIBRARIES_P_H
