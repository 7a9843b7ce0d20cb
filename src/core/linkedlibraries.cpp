// SPDX-License-Identifier: MIT
#include "linkedlibraries_p.h"

#include "manifest_p.h"

#include <QHotReload/qhotlibrary.h>

#include <QtCore/QMetaType>
#include <QtCore/QMutex>

#include <cstring>
#include <vector>

namespace {

struct LinkedLibrary
{
    const char *name;
    const QHotReload::Abi::Manifest *(*manifest)();
};

// Filled during the application's static initialization (and that of any
// library it loads later), read afterwards: a mutex for the latter.
struct Registry
{
    QBasicMutex mutex;
    std::vector<LinkedLibrary> libraries;
};

Registry &registry()
{
    static Registry instance;
    return instance;
}

} // namespace

namespace QHotReload::Detail {

bool registerLinkedLibrary(const char *name, const Abi::Manifest *(*manifest)())
{
    Registry &r = registry();
    const QMutexLocker lock(&r.mutex);
    for (const LinkedLibrary &library : r.libraries) {
        if (std::strcmp(library.name, name) == 0)
            return true;
    }
    r.libraries.push_back({name, manifest});
    return true;
}

const Abi::Manifest *linkedLibrary(const QString &name)
{
    if (name.isEmpty())
        return nullptr;
    const QByteArray wanted = name.toUtf8();
    const Abi::Manifest *(*get)() = nullptr;
    {
        Registry &r = registry();
        const QMutexLocker lock(&r.mutex);
        for (const LinkedLibrary &library : r.libraries) {
            if (wanted == library.name)
                get = library.manifest;
        }
    }
    const Abi::Manifest *manifest = get ? get() : nullptr;
    // Built into the same application with the same headers: anything else is a mix-up.
    if (!manifest || manifest->magic != Abi::ManifestMagic || manifest->version != Abi::ManifestVersion)
        return nullptr;
    return manifest;
}

const Abi::FunctionInfo *listedFunction(const Abi::Manifest &manifest, QStringView name)
{
    return Internal::findFunction(manifest, name);
}

QVariant callListed(const Abi::FunctionInfo &function, const QVariantList &arguments, QString *error)
{
    const auto fail = [error](const QString &why) {
        *error = why;
        return QVariant();
    };
    const QString fn = QString::fromUtf8(function.name);
    const qsizetype expected = qsizetype(function.typeCount) - 1;
    if (arguments.size() != expected)
        return fail(QStringLiteral("'%1' takes %2 argument(s), %3 given").arg(fn).arg(expected).arg(arguments.size()));
    const auto typeName = [](const Abi::TypeInfo &t) { return QString::fromUtf8(t.name, t.nameLength); };
    QVariantList converted;
    converted.reserve(expected);
    for (qsizetype i = 0; i < expected; ++i) {
        const Abi::TypeInfo &type = function.types[i + 1];
        if (type.metaTypeId == 0) {
            return fail(QStringLiteral("argument %1 of '%2' is of type '%3', which call() cannot pass "
                                       "(only built-in QMetaTypes)")
                                .arg(i + 1).arg(fn, typeName(type)));
        }
        QVariant value = arguments.at(i);
        const QMetaType wanted(int(type.metaTypeId));
        if (value.metaType() != wanted && !value.convert(wanted)) {
            return fail(QStringLiteral("argument %1 of '%2' must be %3; the %4 given cannot be converted")
                                .arg(i + 1)
                                .arg(fn, QString::fromLatin1(wanted.name()),
                                     QString::fromLatin1(arguments.at(i).metaType().name()
                                                                 ? arguments.at(i).metaType().name()
                                                                 : "invalid value")));
        }
        converted.append(value);
    }
    const Abi::TypeInfo &returnType = function.types[0];
    if (returnType.metaTypeId == 0) {
        return fail(QStringLiteral("'%1' returns '%2', which call() cannot pass (only built-in QMetaTypes)")
                            .arg(fn, typeName(returnType)));
    }
    const bool isVoid = returnType.metaTypeId == QMetaType::Void;
    QVariant result = isVoid ? QVariant() : QVariant(QMetaType(int(returnType.metaTypeId)));
    std::vector<void *> pointers;
    pointers.reserve(size_t(expected));
    for (QVariant &value : converted)
        pointers.push_back(value.data());
    if (!function.invoke(isVoid ? nullptr : result.data(), pointers.data()))
        return fail(QStringLiteral("'%1' cannot be called through call()").arg(fn));
    error->clear();
    return result;
}

} // namespace QHotReload::Detail
