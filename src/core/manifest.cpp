// SPDX-License-Identifier: MIT
#include "manifest_p.h"

#include "logging_p.h"

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
    return QStringLiteral("size %1, alignment %2").arg(t.size).arg(t.alignment);
}

//! One entry of a QHOT_DESCRIBE_TYPE field list.
struct Field
{
    QString name;
    QString type;
    QString offset;
};

// "name:type@offset;..." as qhotmanifest.h writes it. A type's spelling may
// hold ':' (namespaces) but neither '@' nor ';', a field's name neither.
QList<Field> parseFields(const char *text)
{
    QList<Field> fields;
    const QString all = QString::fromUtf8(text);
    for (QStringView entry : QStringView(all).split(QLatin1Char(';'), Qt::SkipEmptyParts)) {
        const qsizetype colon = entry.indexOf(QLatin1Char(':'));
        const qsizetype at = entry.lastIndexOf(QLatin1Char('@'));
        if (colon < 0 || at < colon)
            fields.append({entry.toString(), {}, {}});
        else
            fields.append({entry.left(colon).toString(), entry.mid(colon + 1, at - colon - 1).toString(),
                           entry.mid(at + 1).toString()});
    }
    return fields;
}

const Field *findField(const QList<Field> &fields, const QString &name)
{
    for (const Field &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

// What differs between two field lists, field by field, in the order the
// running application declares them, then the new library's additions.
QStringList compareFields(const QList<Field> &mine, const QList<Field> &theirs)
{
    QStringList changes;
    for (const Field &old : mine) {
        const Field *now = findField(theirs, old.name);
        if (!now) {
            changes.append(QStringLiteral("field '%1' (%2) was removed").arg(old.name, old.type));
        } else if (now->type != old.type) {
            changes.append(QStringLiteral("field '%1' changed type from '%2' to '%3'").arg(old.name, old.type, now->type));
        } else if (now->offset != old.offset) {
            changes.append(QStringLiteral("field '%1' moved from offset %2 to %3").arg(old.name, old.offset, now->offset));
        }
    }
    for (const Field &added : theirs) {
        if (!findField(mine, added.name))
            changes.append(QStringLiteral("field '%1' (%2 at offset %3) was added").arg(added.name, added.type, added.offset));
    }
    return changes;
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

bool hasSignature(const Abi::FunctionInfo &function, std::string_view signature, quint64 signatureHash)
{
    return function.signatureHash == signatureHash
            && std::string_view(function.signature, function.signatureLength) == signature;
}

QObject *versionRootOf(const Abi::Manifest *manifest)
{
    // versionRoot came with a later manifest than the first: a shorter one has no such field.
    if (!manifest || manifest->structSize < sizeof(Abi::Manifest) || !manifest->versionRoot)
        return nullptr;
    return *manifest->versionRoot;
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
        if (!hasSignature(*f, slot->signature, slot->signatureHash)) {
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
            // Field lists compare only when both sides have one: a type the
            // header describes on one side only (QHOT_DESCRIBE_TYPE added or
            // removed while the application runs) is checked by size and
            // alignment, as a type described nowhere.
            QStringList fieldChanges;
            if (mine.fields && theirs.fields && std::strcmp(mine.fields(), theirs.fields()) != 0) {
                fieldChanges = compareFields(parseFields(mine.fields()), parseFields(theirs.fields()));
                if (fieldChanges.isEmpty()) // same fields, spelled apart: say both
                    fieldChanges.append(QStringLiteral("fields '%1' became '%2'")
                                                .arg(QString::fromUtf8(mine.fields()), QString::fromUtf8(theirs.fields())));
            } else if (!mine.fields != !theirs.fields) {
                qCInfo(lcLoader).noquote()
                        << QStringLiteral("type '%1' (used by '%2') is described with QHOT_DESCRIBE_TYPE in the %3 "
                                          "only: its fields are not compared, only its size and alignment")
                                   .arg(toString(mine.name, mine.nameLength), name,
                                        mine.fields ? QStringLiteral("running application")
                                                    : QStringLiteral("new library"));
            }
            if (mine.size == theirs.size && mine.alignment == theirs.alignment && fieldChanges.isEmpty())
                continue;
            if (!fieldChanges.isEmpty())
                fieldChanges.last() += QLatin1Char(';');
            return QStringLiteral("changed the layout of type '%1' (used by '%2'): %3%4 in the running "
                                  "application, %5 in the new library")
                           .arg(toString(mine.name, mine.nameLength), name,
                                fieldChanges.isEmpty() ? QString() : fieldChanges.join(QLatin1String(", ")) + QLatin1Char(' '),
                                describeLayout(mine), describeLayout(theirs))
                    + QLatin1String(restart);
        }
        bindings->push_back({slot, reinterpret_cast<QFunctionPointer>(f->address)});
    }
    return {};
}

} // namespace QHotReload::Internal
