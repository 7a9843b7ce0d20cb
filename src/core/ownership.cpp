// SPDX-License-Identifier: MIT
#include <QHotReload/qhotmodule.h>

#include "ownership_p.h"

#include <algorithm>
#include <type_traits>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#endif

// A literal's data has no header (the pointer's d is null): copying the
// characters gives the value a heap block of its own. Shared heap data is
// left alone, so values that already own their data cost a check each.

namespace QHotReload::detail {

void takeOwnership(QString &value)
{
    if (!value.isNull() && !value.data_ptr().isMutable())
        value = QString(value.constData(), value.size());
}

void takeOwnership(QByteArray &value)
{
    if (!value.isNull() && !value.data_ptr().isMutable())
        value = QByteArray(value.constData(), value.size());
}

void takeOwnership(QStringList &value)
{
    QHotReload::Internal::ownStrings(value);
}

void takeOwnership(QVariantList &value)
{
    QHotReload::Internal::ownVariants(value, QString(), nullptr);
}

void takeOwnership(QVariantMap &value)
{
    QHotReload::Internal::ownEntries(value, QString(), nullptr);
}

void takeOwnership(QVariantHash &value)
{
    QHotReload::Internal::ownEntries(value, QString(), nullptr);
}

void takeOwnership(QVariant &value)
{
    QHotReload::Internal::ownVariant(value, QString(), nullptr);
}

} // namespace QHotReload::detail

namespace QHotReload::Internal {

namespace {

bool isBorrowed(const QString &s)
{
    return !s.isNull() && !s.data_ptr().isMutable();
}

bool isBorrowed(const QByteArray &b)
{
    return !b.isNull() && !const_cast<QByteArray &>(b).data_ptr().isMutable(); // data_ptr() only reads here
}

// Whether ownVariant() was asked to refuse types the library registered.
bool refusesLibraryTypes(const QString &libraryPath, const QString *problem)
{
    return !libraryPath.isEmpty() && problem;
}

bool needsWork(const QVariant &value, bool typesMatter);

bool stringsNeedWork(const QStringList &list)
{
    return std::any_of(list.cbegin(), list.cend(), [](const QString &s) { return isBorrowed(s); });
}

bool variantsNeedWork(const QVariantList &list, bool typesMatter)
{
    return std::any_of(list.cbegin(), list.cend(), [typesMatter](const QVariant &v) { return needsWork(v, typesMatter); });
}

template <typename Entries> bool keysBorrowed(const Entries &entries)
{
    for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
        if (isBorrowed(it.key()))
            return true;
    }
    return false;
}

template <typename Entries> bool entriesNeedWork(const Entries &entries, bool typesMatter)
{
    for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
        if (isBorrowed(it.key()) || needsWork(it.value(), typesMatter))
            return true;
    }
    return false;
}

// Whether anything in \a value points at data it does not own, or (when
// \a typesMatter: ownVariant() was asked to refuse the library's own types)
// holds a type that is not built in. Looking is cheap; rebuilding a big map
// is not.
bool needsWork(const QVariant &value, bool typesMatter)
{
    switch (value.metaType().id()) {
    case QMetaType::QString:
        return isBorrowed(*static_cast<const QString *>(value.constData()));
    case QMetaType::QByteArray:
        return isBorrowed(*static_cast<const QByteArray *>(value.constData()));
    case QMetaType::QStringList:
        return stringsNeedWork(*static_cast<const QStringList *>(value.constData()));
    case QMetaType::QVariantList:
        return variantsNeedWork(*static_cast<const QVariantList *>(value.constData()), typesMatter);
    case QMetaType::QVariantMap:
        return entriesNeedWork(*static_cast<const QVariantMap *>(value.constData()), typesMatter);
    case QMetaType::QVariantHash:
        return entriesNeedWork(*static_cast<const QVariantHash *>(value.constData()), typesMatter);
    default:
        return typesMatter && value.metaType().id() >= QMetaType::User;
    }
}

// The mend* functions write to a container that a look found something to
// mend in (writing detaches a shared one): a big value that owns its data
// costs a walk, never a copy.

void mendStrings(QStringList &list)
{
    for (QString &s : list)
        QHotReload::detail::takeOwnership(s);
}

bool mendVariants(QVariantList &list, const QString &libraryPath, QString *problem)
{
    for (QVariant &item : list) {
        if (!ownVariant(item, libraryPath, problem))
            return false;
    }
    return true;
}

template <typename Entries> bool mendEntries(Entries &entries, const QString &libraryPath, QString *problem)
{
    if (!keysBorrowed(entries)) {
        // Only values to mend: in place.
        for (auto it = entries.begin(); it != entries.end(); ++it) {
            if (!ownVariant(it.value(), libraryPath, problem))
                return false;
        }
        return true;
    }
    // A key cannot be changed in place: build the container anew.
    Entries owned;
    if constexpr (std::is_same_v<Entries, QVariantHash>)
        owned.reserve(entries.size());
    for (auto it = entries.cbegin(); it != entries.cend(); ++it) {
        QString key = it.key();
        QVariant item = it.value();
        QHotReload::detail::takeOwnership(key);
        if (!ownVariant(item, libraryPath, problem))
            return false;
        owned.insert(key, item);
    }
    entries = std::move(owned);
    return true;
}

} // namespace

void ownStrings(QStringList &list)
{
    if (stringsNeedWork(list))
        mendStrings(list);
}

bool ownVariants(QVariantList &list, const QString &libraryPath, QString *problem)
{
    return !variantsNeedWork(list, refusesLibraryTypes(libraryPath, problem)) || mendVariants(list, libraryPath, problem);
}

bool ownEntries(QVariantMap &map, const QString &libraryPath, QString *problem)
{
    return !entriesNeedWork(map, refusesLibraryTypes(libraryPath, problem)) || mendEntries(map, libraryPath, problem);
}

bool ownEntries(QVariantHash &hash, const QString &libraryPath, QString *problem)
{
    return !entriesNeedWork(hash, refusesLibraryTypes(libraryPath, problem)) || mendEntries(hash, libraryPath, problem);
}

bool ownVariant(QVariant &value, const QString &libraryPath, QString *problem)
{
    using namespace QHotReload::detail;
    const bool types = refusesLibraryTypes(libraryPath, problem);
    switch (value.metaType().id()) {
    case QMetaType::QString:
        if (needsWork(value, types))
            takeOwnership(*static_cast<QString *>(value.data()));
        return true;
    case QMetaType::QByteArray:
        if (needsWork(value, types))
            takeOwnership(*static_cast<QByteArray *>(value.data()));
        return true;
    // Look before writing: value.data() detaches a shared variant.
    case QMetaType::QStringList:
        if (needsWork(value, types))
            mendStrings(*static_cast<QStringList *>(value.data()));
        return true;
    case QMetaType::QVariantList:
        return !needsWork(value, types) || mendVariants(*static_cast<QVariantList *>(value.data()), libraryPath, problem);
    case QMetaType::QVariantMap:
        return !needsWork(value, types) || mendEntries(*static_cast<QVariantMap *>(value.data()), libraryPath, problem);
    case QMetaType::QVariantHash:
        return !needsWork(value, types) || mendEntries(*static_cast<QVariantHash *>(value.data()), libraryPath, problem);
    default:
        break;
    }
    if (value.metaType().id() < QMetaType::User || libraryPath.isEmpty() || !problem)
        return true;
#if defined(Q_OS_UNIX)
    // A type registered by the library itself: its QMetaType describes code
    // and data in that library, gone with its version.
    Dl_info info;
    if (::dladdr(value.metaType().iface(), &info) && info.dli_fname
        && QFile::decodeName(info.dli_fname) == libraryPath) {
        *problem = QStringLiteral("holds a value of type '%1', which the library itself registered; it cannot "
                                  "outlive the version that made it (save plain values, e.g. a QVariantMap "
                                  "made with QHotReload::toVariantMap())")
                           .arg(QString::fromLatin1(value.metaType().name()));
        return false;
    }
#endif
    return true;
}

} // namespace QHotReload::Internal
