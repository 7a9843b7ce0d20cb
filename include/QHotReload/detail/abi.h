// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_DETAIL_ABI_H
#define QHOTRELOAD_DETAIL_ABI_H

// Not API: machinery of QHotReload's public headers, included by them. Its
// names may change in any release; include the public headers instead.
//
// The binary interface between a hot library and the application: the
// manifest the one exported symbol returns. Fields are only ever added at the
// end (Manifest::structSize says how many a library has).

#include <QtCore/QObject>
#include <QtCore/QVariant>
#include <QtCore/qglobal.h>

namespace QHotReload::Abi {

constexpr quint32 ManifestMagic = 0x54484f51; // "QOHT"
constexpr quint32 ManifestVersion = 1;

//! The name of the one symbol a hot library exports.
#define QHOTRELOAD_MANIFEST_SYMBOL "qhotreload_manifest_v1"

//! One type named in a hot function's signature (the pointee of a pointer or reference).
struct TypeInfo
{
    const char *name;          // as the compiler spells it: "game::State"
    quint32 nameLength;
    quint32 metaTypeId;        // built-in QMetaType of the value type, or 0 (not callable through call())
    quint64 size;              // 0 for void and incomplete types
    quint64 alignment;
    const char *(*fields)();   // optional field list "name:type@offset;..." (QHOT_DESCRIBE_TYPE)
};

//! One hot function.
struct FunctionInfo
{
    const char *name;          // qualified, as listed: "game::step"
    const char *signature;     // as the compiler spells the function type: "void(game::State&)"
    quint32 signatureLength;
    quint64 signatureHash;     // FNV-1a of the signature
    void (*address)();
    const TypeInfo *types;     // [0] the return type, then each argument
    quint32 typeCount;
    bool (*invoke)(void *result, void **arguments); // for QHotLibrary::call()
};

//! What qhotreload_manifest_v1() returns. Fields are only ever added at the end.
struct Manifest
{
    quint32 magic;
    quint32 version;
    quint32 structSize;        // sizeof(Manifest) in the library
    quint32 functionCount;
    const FunctionInfo *functions;
    const char *compiler;      // signatures compare only between the same compiler
    QVariant (*saveState)();                     // optional state hooks
    bool (*restoreState)(const QVariant &state);
    QObject **versionRoot;     // set by the application: the parent of this version's objects
};

} // namespace QHotReload::Abi


#endif // QHOTRELOAD_DETAIL_ABI_H
