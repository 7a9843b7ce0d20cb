// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_OWNERSHIP_P_H
#define QHOTRELOAD_OWNERSHIP_P_H

#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

namespace QHotReload::Internal {

/*!
    Makes \a value own its data (see QHotReload::detail::takeOwnership). With
    \a libraryPath and \a problem given, also refuses a value whose type the
    library at \a libraryPath registered itself: returns false with the reason.
*/
bool ownVariant(QVariant &value, const QString &libraryPath, QString *problem);

/*!
    As ownVariant(), for the containers a variant can hold: the one walk
    behind both ownVariant() and the public QHotReload::detail::takeOwnership()
    overloads. Each looks first and writes (detaching a shared container) only
    if something is borrowed.
*/
void ownStrings(QStringList &list);
bool ownVariants(QVariantList &list, const QString &libraryPath, QString *problem);
bool ownEntries(QVariantMap &map, const QString &libraryPath, QString *problem);
bool ownEntries(QVariantHash &hash, const QString &libraryPath, QString *problem);

} // namespace QHotReload::Internal

#endif
