// SPDX-License-Identifier: MIT
#include <QHotReload/qhotmodule.h>

#include "ownership_p.h"

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
    for (QString &s : value)
        takeOwnership(s);
}

void takeOwnership(QVariantList &value)
{
    for (QVariant &v : value)
        takeOwnership(v);
}

void takeOwnership(QVariantMap &value)
{
    // Keys cannot be changed in place.
    QVariantMap owned;
    for (auto it = value.cbegin(); it != value.cend(); ++it) {
        QString key = it.key();
        QVariant item = it.value();
        takeOwnership(key);
        takeOwnership(item);
        owned.insert(key, item);
    }
    value = owned;
}

void takeOwnership(QVariantHash &value)
{
    QVariantHash owned;
    owned.reserve(value.size());
    for (auto it = value.cbegin(); it != value.cend(); ++it) {
        QString key = it.key();
        QVariant item = it.value();
        takeOwnership(key);
        takeOwnership(item);
        owned.insert(key, item);
    }
    value = owned;
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

// Whether anything in \a value points at data it does not own, or holds a
// type that is not built in. Looking is cheap; rebuilding a big map is not.
bool needsWork(const QVariant &value)
{
    switch (value.metaType().id()) {
    case QMetaType::QString:
        return isBorrowed(*static_cast<const QString *>(value.constData()));
    case QMetaType::QByteArray: {
        const auto &b = *static_cast<const QByteArray *>(value.constData());
        return !b.isNull() && !const_cast<QByteArray &>(b).data_ptr().isMutable(); // data_ptr() only reads here
    }
    case QMetaType::QStringList:
        for (const QString &s : *static_cast<const QStringList *>(value.constData())) {
            if (isBorrowed(s))
                return true;
        }
        return false;
    case QMetaType::QVariantList:
        for (const QVariant &v : *static_cast<const QVariantList *>(value.constData())) {
            if (needsWork(v))
                return true;
        }
        return false;
    case QMetaType::QVariantMap: {
        const auto &map = *static_cast<const QVariantMap *>(value.constData());
        for (auto it = map.cbegin(); it != map.cend(); ++it) {
            if (isBorrowed(it.key()) || needsWork(it.value()))
                return true;
        }
        return false;
    }
    case QMetaType::QVariantHash: {
        const auto &hash = *static_cast<const QVariantHash *>(value.constData());
        for (auto it = hash.cbegin(); it != hash.cend(); ++it) {
            if (isBorrowed(it.key()) || needsWork(it.value()))
                return true;
        }
        return false;
    }
    default:
        return value.metaType().id() >= QMetaType::User;
    }
}

} // namespace

bool ownVariant(QVariant &value, const QString &libraryPath, QString *problem)
{
    using namespace QHotReload::detail;
    if (!needsWork(value))
        return true;
    switch (value.metaType().id()) {
    case QMetaType::QString:
        takeOwnership(*static_cast<QString *>(value.data()));
        return true;
    case QMetaType::QByteArray:
        takeOwnership(*static_cast<QByteArray *>(value.data()));
        return true;
    case QMetaType::QStringList:
        takeOwnership(*static_cast<QStringList *>(value.data()));
        return true;
    case QMetaType::QVariantList: {
        auto &list = *static_cast<QVariantList *>(value.data());
        for (QVariant &item : list) {
            if (!ownVariant(item, libraryPath, problem))
                return false;
        }
        return true;
    }
    case QMetaType::QVariantMap:
    case QMetaType::QVariantHash: {
        const bool isMap = value.metaType().id() == QMetaType::QVariantMap;
        QVariantMap map;
        QVariantHash hash;
        const auto add = [&](QString key, QVariant item) {
            takeOwnership(key);
            if (!ownVariant(item, libraryPath, problem))
                return false;
            if (isMap)
                map.insert(key, item);
            else
                hash.insert(key, item);
            return true;
        };
        if (isMap) {
            const QVariantMap in = value.toMap();
            for (auto it = in.cbegin(); it != in.cend(); ++it) {
                if (!add(it.key(), it.value()))
                    return false;
            }
            value = map;
        } else {
            const QVariantHash in = value.toHash();
            for (auto it = in.cbegin(); it != in.cend(); ++it) {
                if (!add(it.key(), it.value()))
                    return false;
            }
            value = hash;
        }
        return true;
    }
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
