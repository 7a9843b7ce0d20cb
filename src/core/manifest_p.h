// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_MANIFEST_P_H
#define QHOTRELOAD_MANIFEST_P_H

#include <QHotReload/qhotmanifest.h>
#include <QHotReload/qhotmodule.h>

#include <QtCore/QLibrary>
#include <QtCore/QList>
#include <QtCore/QString>

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

//! The manifest entry called \a name (qualified, leading "::" optional), or nullptr.
const Abi::FunctionInfo *findFunction(const Abi::Manifest &manifest, QStringView name);

} // namespace QHotReload::Internal

#endif
