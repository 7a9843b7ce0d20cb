// SPDX-License-Identifier: MIT
#include "hotfactory_p.h"

#include "binding_p.h"    // runningManifest()
#include "boundcheck_p.h" // imageAt()
#include "manifest_p.h"   // findFunction(), hasSignature(), versionRootOf()

#include <QHotReload/qhotstate.h> // toVariantMap()

#include <QtCore/QDataStream>
#include <QtCore/QIODevice>
#include <QtCore/QMetaType>

namespace Abi = QHotReload::Abi;

namespace QHotReload::Internal {

namespace {

// Where the code or data at \a address lives: a module's load address.
const void *moduleOf(const void *address)
{
    return imageAt(address).base;
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

FunctionAddress findFactory(const Abi::Manifest *manifest, const QString &name, std::string_view signature,
                            quint64 signatureHash, const char *kind, QString *error)
{
    if (!manifest) {
        *error = QStringLiteral("has no hot-function manifest (QHOT_LIBRARY), so the factory '%1' cannot be found")
                         .arg(name);
        return nullptr;
    }
    const Abi::FunctionInfo *f = findFunction(*manifest, name);
    if (!f) {
        *error = QStringLiteral("has no hot function '%1' (list the factory in QHOT_LIBRARY)").arg(name);
        return nullptr;
    }
    if (!hasSignature(*f, signature, signatureHash)) {
        *error = QStringLiteral("has a hot function '%1' of signature '%2'; %3 must be '%4'")
                         .arg(QString::fromUtf8(f->name),
                              QString::fromUtf8(f->signature, qsizetype(f->signatureLength)),
                              QString::fromLatin1(kind),
                              QString::fromUtf8(signature.data(), qsizetype(signature.size())));
        return nullptr;
    }
    return f->address;
}

FunctionAddress findFactory(const QHotLibrary *library, const QString &name, std::string_view signature,
                            quint64 signatureHash, const char *kind, QString *error)
{
    if (!library || !library->isLoaded()) {
        *error = QStringLiteral("is not loaded");
        return nullptr;
    }
    return findFactory(runningManifest(library), name, signature, signatureHash, kind, error);
}

QObject *loadedVersionRoot(const QHotLibrary *library)
{
    return versionRootOf(runningManifest(library));
}

const void *loadedModule(const QHotLibrary *library)
{
    return moduleOf(runningManifest(library));
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

QVariantMap carriedProperties(const QObject *object, const QMetaObject *base, const void *module,
                              QStringList *dropped)
{
    QVariantMap values = QHotReload::toVariantMap(object, base);
    const QMetaObject *mo = object->metaObject();
    for (int i = base->propertyCount(); i < mo->propertyCount(); ++i) {
        const QMetaProperty p = mo->property(i);
        if (!p.isWritable())
            values.remove(QString::fromLatin1(p.name()));
    }
    QStringList problems;
    values = detachFromLibrary(values, module, &problems);
    const QString className = QString::fromLatin1(mo->className());
    for (const QString &problem : std::as_const(problems))
        dropped->append(className + QStringLiteral(": ") + problem);
    return values;
}

} // namespace QHotReload::Internal
