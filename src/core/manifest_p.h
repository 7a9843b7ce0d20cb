// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_MANIFEST_P_H
#define QHOTRELOAD_MANIFEST_P_H

#include <QHotReload/qhotmanifest.h>
#include <QHotReload/qhotmodule.h>

#include <QtCore/QLibrary>
#include <QtCore/QList>
#include <QtCore/QString>

#include <string_view>
#include <vector>

namespace QHotReload::Internal {

/*!
    Reads the manifest of an opened library. Returns nullptr with \a error
    empty when the library has none (a plain library), nullptr with \a error
    set when it has one that cannot be used (a sentence fragment, no file name).
*/
const Abi::Manifest *readManifest(QLibrary &library, QString *error);

struct Binding
{
    QHotModule::Slot *slot;
    QFunctionPointer address;
};

/*!
    Checks that \a manifest has every function of \a slots with the same
    signature and the same layout of each type named in it. On success fills
    \a bindings and returns an empty string; otherwise returns a sentence
    fragment naming the function or type, old and new.
*/
QString bindFunctions(const Abi::Manifest *manifest, const QList<QHotModule::Slot *> &slots,
                      std::vector<Binding> *bindings);

// What QHotReload's other modules (QHotWidget's factory) read of a library's
// manifest: exported for them, so that they repeat none of it. The running
// version's manifest: runningManifest() (binding_p.h).

//! The manifest entry called \a name (qualified, leading "::" optional), or nullptr.
QHOTRELOAD_CORE_EXPORT const Abi::FunctionInfo *findFunction(const Abi::Manifest &manifest, QStringView name);

//! Whether \a function has exactly \a signature (its hash \a signatureHash), as FunctionTraits spells it.
QHOTRELOAD_CORE_EXPORT bool hasSignature(const Abi::FunctionInfo &function, std::string_view signature,
                                         quint64 signatureHash);

/*!
    The parent of the objects of the version whose manifest is \a manifest
    (QHotReload::versionRoot() in the library), deleted just before that
    version is unloaded; nullptr when there is none (no manifest, or one from
    a build whose manifest predates the version root).
*/
QHOTRELOAD_CORE_EXPORT QObject *versionRootOf(const Abi::Manifest *manifest);

} // namespace QHotReload::Internal

#endif
