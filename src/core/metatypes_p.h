// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_METATYPES_P_H
#define QHOTRELOAD_METATYPES_P_H

#include <QtCore/QString>
#include <QtCore/QStringList>

namespace QHotReload::Internal {

/*!
    Unregisters every custom QMetaType whose description lives in the loaded
    library at \a libraryPath (a gadget, an enum, a QList<Gadget> the library
    used first). Qt keeps registered types for the life of the process; once
    the library is unloaded those entries would point into unmapped memory and
    the next version, registering the same names, would read them. Must be
    called while the library is still loaded. Returns the names removed.

    Qt may still hold type names (typedef aliases) that point into the
    library after this, and there is no public way to reach them: a version
    that registered types is therefore kept mapped by the caller.
*/
QStringList forgetMetaTypesOf(const QString &libraryPath);

//! Registers the types Qt's containers are viewed through, so no library registers them first.
void registerSharedMetaTypes();

} // namespace QHotReload::Internal

#endif
