// SPDX-License-Identifier: MIT
#include "manifest_p.h"

#include <cstring>

namespace QHotReload::Internal {

namespace {

QString toString(const char *data, quint32 length)
{
    return QString::fromUtf8(data, qsizetype(length));
}

// "::answer" and "answer" name the same function; spaces are not part of a name.
QString normalizedName(QStringView name)
{
    QString out = name.toString();
    out.remove(QLatin1Char(' '));
    if (out.startsWith(QLatin1String("::")))
        out.remove(0, 2);
    return out;
}

const char restart[] = "; restart the application to take this change";

QString describeLayout(const Abi::TypeInfo &t)
{
    QString text = QStringLiteral("size %1, alignment %2").arg(t.size).arg(t.alignment);
    if (t.fields)
        text += QStringLiteral(", fields %1").arg(QString::fromUtf8(t.fields()));
    return text;
}

} // namespace

const Abi::Manifest *readManifest(QLibrary &library, QString *error)
{
    using Getter = const Abi::Manifest *(*)();
    const auto get = reinterpret_cast<Getter>(library.resolve(QHOTRELOAD_MANIFEST_SYMBOL));
    if (!get)
        return nullptr;
    const Abi::Manifest *manifest = get();
    if (!manifest || manifest->magic != Abi::ManifestMagic) {
        *error = QStringLiteral("has a damaged hot-function manifest");
        return nullptr;
    }
    if (manifest->version != Abi::ManifestVersion) {
        *error = QStringLiteral("was built with another version of QHotReload (manifest version %1, this "
                                "application reads version %2); rebuild both with the same version")
                         .arg(manifest->version)
                         .arg(Abi::ManifestVersion);
        return nullptr;
    }
    return manifest;
}

const Abi::FunctionInfo *findFunction(const Abi::Manifest &manifest, QStringView name)
{
    const QString wanted = normalizedName(name);
    for (quint32 i = 0; i < manifest.functionCount; ++i) {
        if (normalizedName(QString::fromUtf8(manifest.functions[i].name)) == wanted)
            return &manifest.functions[i];
    }
    return nullptr;
}

QString bindFunctions(const Abi::Manifest *manifest, const QList<QHotModule::Slot *> &slots,
                      std::vector<Binding> *bindings)
{
    bindings->clear();
    if (slots.isEmpty())
        return {};
    if (!manifest) {
        return QStringLiteral("is not a hot library: it exports no %1 (list its hot functions with "
                              "QHOT_LIBRARY in one of its source files)")
                .arg(QLatin1String(QHOTRELOAD_MANIFEST_SYMBOL));
    }
    const bool sameCompiler = std::strcmp(manifest->compiler, QHotReload::detail::compilerId()) == 0;
    for (QHotModule::Slot *slot : slots) {
        const QString name = normalizedName(QString::fromUtf8(slot->name));
        const Abi::FunctionInfo *f = findFunction(*manifest, name);
        if (!f) {
            return QStringLiteral("has no hot function '%1', which the application calls (is it still "
                                  "listed in QHOT_LIBRARY?)")
                    .arg(name);
        }
        const bool sameSignature = f->signatureHash == slot->signatureHash
                && std::string_view(f->signature, f->signatureLength) == slot->signature;
        if (!sameSignature) {
            QString text = QStringLiteral("changed the signature of '%1' from '%2' (what the running "
                                          "application was built with) to '%3'")
                                   .arg(name,
                                        toString(slot->signature.data(), quint32(slot->signature.size())),
                                        toString(f->signature, f->signatureLength));
            if (!sameCompiler) {
                text += QStringLiteral(" (the library was built by %1, the application by %2)")
                                .arg(QString::fromUtf8(manifest->compiler),
                                     QString::fromUtf8(QHotReload::detail::compilerId()));
            }
            return text + QLatin1String(restart);
        }
        // Same signature, hence the same types in the same places: compare layouts.
        for (quint32 i = 0; i < slot->typeCount && i < f->typeCount; ++i) {
            const Abi::TypeInfo &mine = slot->types[i];
            const Abi::TypeInfo &theirs = f->types[i];
            // Size 0: void, or a type one side only declares (class QPainter;)
            // and passes by pointer or reference: nothing to compare.
            if (mine.size == 0 || theirs.size == 0)
                continue;
            const bool sameFields = (!mine.fields && !theirs.fields)
                    || (mine.fields && theirs.fields && std::strcmp(mine.fields(), theirs.fields()) == 0);
            if (mine.size == theirs.size && mine.alignment == theirs.alignment && sameFields)
                continue;
            return QStringLiteral("changed the layout of type '%1' (used by '%2'): %3 in the running "
                                  "application, %4 in the new library")
                           .arg(toString(mine.name, mine.nameLength), name, describeLayout(mine),
                                describeLayout(theirs))
                    + QLatin1String(restart);
        }
        bindings->push_back({slot, reinterpret_cast<QFunctionPointer>(f->address)});
    }
    return {};
}

} // namespace QHotReload::Internal
