// SPDX-License-Identifier: MIT
#include "hotfactory_p.h"

#include <QtCore/QDataStream>
#include <QtCore/QIODevice>
#include <QtCore/QMetaType>
#include <QtWidgets/QWidget>

#if defined(Q_OS_UNIX)
#include <dlfcn.h>
#endif

namespace Abi = QHotReload::Abi;

namespace QHotReload::Internal {

namespace {

QStringView unqualified(QStringView name)
{
    return name.startsWith(QLatin1String("::")) ? name.mid(2) : name;
}

// Where the code or data at \a address lives: a module's load address.
const void *moduleOf(const void *address)
{
#if defined(Q_OS_UNIX)
    Dl_info info;
    if (address && ::dladdr(address, &info))
        return info.dli_fbase;
#else
    Q_UNUSED(address);
#endif
    return nullptr;
}

QVariant detachValue(const QString &name, const QVariant &value, const void *libraryModule, QStringList *dropped)
{
    if (!value.isValid())
        return value;
    const QMetaType type = value.metaType();
    if (type == QMetaType::fromType<QVariantMap>()) {
        QVariantMap out;
        const QVariantMap in = value.toMap();
        for (auto it = in.cbegin(); it != in.cend(); ++it) {
            const QVariant v = detachValue(name + QLatin1Char('.') + it.key(), it.value(), libraryModule, dropped);
            if (v.isValid() || !it.value().isValid())
                out.insert(it.key(), v);
        }
        return out;
    }
    if (type == QMetaType::fromType<QVariantList>()) {
        QVariantList out;
        const QVariantList in = value.toList();
        for (qsizetype i = 0; i < in.size(); ++i)
            out.append(detachValue(name + QStringLiteral("[%1]").arg(i), in.at(i), libraryModule, dropped));
        return out;
    }
    if (type.id() < QMetaType::User) {
        // The library may carry its own copy of a built-in type's interface
        // (QtGui's types have no extern template): copy through Qt's.
        // A string made with QStringLiteral in the library points into its
        // read-only data, and a copy shares it: stream the value through
        // Qt's own type, which copies every byte.
        const QMetaType builtin(type.id());
        if (!builtin.isValid())
            return value;
        if (builtin.hasRegisteredDataStreamOperators()) {
            QByteArray bytes;
            QDataStream out(&bytes, QIODevice::WriteOnly);
            if (builtin.save(out, value.constData())) {
                QDataStream in(bytes);
                QVariant copy{builtin};
                if (builtin.load(in, copy.data()))
                    return copy;
            }
        }
        return QVariant(builtin, value.constData());
    }
    if (libraryModule && moduleOf(type.iface()) == libraryModule) {
        dropped->append(QStringLiteral("property '%1' is of type '%2', which the hot library itself defines; "
                                       "its value cannot outlive the library and is not carried over")
                                .arg(name, QString::fromLatin1(type.name())));
        return {};
    }
    return value;
}

} // namespace

const Abi::Manifest *loadedManifest(const QHotLibrary *library)
{
    if (!library || !library->isLoaded())
        return nullptr;
    using ManifestFunction = const Abi::Manifest *(*)();
    const auto function = reinterpret_cast<ManifestFunction>(library->resolve(QHOTRELOAD_MANIFEST_SYMBOL));
    if (!function)
        return nullptr;
    const Abi::Manifest *manifest = function();
    if (!manifest || manifest->magic != Abi::ManifestMagic || manifest->version != Abi::ManifestVersion)
        return nullptr;
    return manifest;
}

WidgetFactory findWidgetFactory(const QHotLibrary *library, const QString &name, QString *error)
{
    if (!library || !library->isLoaded()) {
        *error = QStringLiteral("is not loaded");
        return nullptr;
    }
    const Abi::Manifest *manifest = loadedManifest(library);
    if (!manifest) {
        *error = QStringLiteral("has no hot-function manifest (QHOT_LIBRARY), so the factory '%1' cannot be found")
                         .arg(name);
        return nullptr;
    }
    using Traits = QHotReload::detail::FunctionTraits<QWidget *(QWidget *)>;
    const QStringView wanted = unqualified(name);
    for (quint32 i = 0; i < manifest->functionCount; ++i) {
        const Abi::FunctionInfo &f = manifest->functions[i];
        const QString fname = QString::fromUtf8(f.name);
        if (unqualified(fname) != wanted)
            continue;
        const QByteArray signature(f.signature, qsizetype(f.signatureLength));
        const QByteArray expected(Traits::signature.data(), qsizetype(Traits::signature.size()));
        if (f.signatureHash != Traits::signatureHash || signature != expected) {
            *error = QStringLiteral("has a hot function '%1' of signature '%2'; a widget factory must be '%3'")
                             .arg(fname, QString::fromUtf8(signature), QString::fromUtf8(expected));
            return nullptr;
        }
        return reinterpret_cast<WidgetFactory>(f.address);
    }
    *error = QStringLiteral("has no hot function '%1' (list the factory in QHOT_LIBRARY)").arg(name);
    return nullptr;
}

QObject *loadedVersionRoot(const QHotLibrary *library)
{
    const Abi::Manifest *manifest = loadedManifest(library);
    if (!manifest || manifest->structSize < sizeof(Abi::Manifest) || !manifest->versionRoot)
        return nullptr;
    return *manifest->versionRoot;
}

const void *loadedModule(const QHotLibrary *library)
{
    if (!library || !library->isLoaded())
        return nullptr;
    return moduleOf(reinterpret_cast<const void *>(library->resolve(QHOTRELOAD_MANIFEST_SYMBOL)));
}

QVariantMap detachFromLibrary(const QVariantMap &map, const void *module, QStringList *dropped)
{
    QVariantMap out;
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        const QVariant v = detachValue(it.key(), it.value(), module, dropped);
        if (v.isValid() || !it.value().isValid())
            out.insert(it.key(), v);
    }
    return out;
}

} // namespace QHotReload::Internal
