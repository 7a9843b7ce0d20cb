// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_DETAIL_OWNERSHIP_H
#define QHOTRELOAD_DETAIL_OWNERSHIP_H

// Not API: machinery of QHotReload's public headers, included by them. Its
// names may change in any release; include the public headers instead.
//
// What a hot function's result is copied through before the application keeps
// it (QHotFunction, QHotLibrary::call()).

#include <QHotReload/qhotreloadcore_export.h>

#include <QtCore/QByteArray>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

#include <type_traits>
#include <utility>

namespace QHotReload::detail {

/*!
    \internal
    Makes \a value own all its data. A QString or QByteArray made by
    QStringLiteral (or fromRawData) in a hot library points into that
    library's read-only data, which is gone once its version is unloaded;
    strings, byte arrays, string lists and variants (maps, lists, hashes,
    nested) handed from a library to the application are copied to the heap.
*/
QHOTRELOAD_CORE_EXPORT void takeOwnership(QVariant &value);
QHOTRELOAD_CORE_EXPORT void takeOwnership(QString &value);
QHOTRELOAD_CORE_EXPORT void takeOwnership(QByteArray &value);
QHOTRELOAD_CORE_EXPORT void takeOwnership(QStringList &value);
QHOTRELOAD_CORE_EXPORT void takeOwnership(QVariantMap &value);
QHOTRELOAD_CORE_EXPORT void takeOwnership(QVariantList &value);
QHOTRELOAD_CORE_EXPORT void takeOwnership(QVariantHash &value);

template <typename T, typename = void> struct MayPointIntoLibrary : std::false_type {};
template <typename T>
struct MayPointIntoLibrary<T, std::void_t<decltype(takeOwnership(std::declval<T &>()))>> : std::true_type {};

} // namespace QHotReload::detail

#endif // QHOTRELOAD_DETAIL_OWNERSHIP_H
