// SPDX-License-Identifier: MIT
// State that survives swaps (qhotstate.h): the conversions between gadgets or
// QObjects and QVariantMaps, out of line.
//
// Built into QHotReload::State, a small static library that QHotReload::Headers
// brings to everything including qhotstate.h (hot libraries, applications with
// hot reload off, QHotReload::Core): a hot library may not link the QHotReload
// runtime (with hot reload off nothing of it is linked, and the trial load runs
// each version where there is none), so this cannot live in QHotReload::Core.
// Only the images that call these functions link them in.

#include <QHotReload/qhotstate.h>

#include <QtCore/QLoggingCategory>
#include <QtCore/QMetaContainer>
#include <QtCore/QMetaEnum>
#include <QtCore/QMetaProperty>
#include <QtCore/QMutex>
#include <QtCore/QSequentialIterable>
#include <QtCore/QSet>

namespace QHotReload {

namespace {

Q_LOGGING_CATEGORY(lcState, "qhotreload.state", QtWarningMsg)

// Each distinct problem is logged once per image that converts, however often
// a state is converted (the serialized-state pattern converts on every call).
void reportOnce(const QString &problem)
{
    static QMutex mutex;
    static QSet<QString> seen;
    QMutexLocker lock(&mutex);
    if (seen.contains(problem))
        return;
    seen.insert(problem);
    lock.unlock();
    qCWarning(lcState).noquote() << problem;
}

bool isGadget(QMetaType type)
{
    return (type.flags() & QMetaType::IsGadget) && type.metaObject();
}

// The type Qt views sequential containers through. Asked for by name first:
// in a hot library, QMetaType::fromType<QSequentialIterable>() is the
// library's own copy of the description, and if it were the first one Qt saw,
// Qt would keep pointing into the library after it is unloaded (the
// QHotReload runtime registers the type at start-up for that reason).
QMetaType sequentialIterableType()
{
    const QMetaType registered = QMetaType::fromName("QSequentialIterable");
    return registered.isValid() ? registered : QMetaType::fromType<QSequentialIterable>();
}

// How to walk a list of gadgets (QList<Gadget>); false for any other type.
bool gadgetSequence(QMetaType listType, QMetaSequence *sequence, QMetaType *element)
{
    const QMetaType iterableType = sequentialIterableType();
    if (!QMetaType::canView(listType, iterableType))
        return false;
    QVariant probe(listType);
    QSequentialIterable iterable;
    if (!QMetaType::view(listType, probe.data(), iterableType, &iterable))
        return false;
    *sequence = iterable.metaContainer();
    *element = sequence->valueMetaType();
    return isGadget(*element) && sequence->hasSize() && sequence->canGetValueAtIndex()
            && sequence->canAddValueAtEnd();
}

QVariantMap gadgetToMap(const QMetaObject &mo, const void *gadget, int firstProperty);

// A property's value as it travels: gadgets as maps, lists of gadgets as lists
// of maps, enums as key names.
QVariant exportValue(const QMetaProperty &property, const QVariant &value)
{
    if (property.isEnumType()) {
        const QMetaEnum e = property.enumerator();
        const int number = value.toInt();
        if (e.isFlag())
            return QString::fromLatin1(e.valueToKeys(number));
        if (const char *key = e.valueToKey(number))
            return QString::fromLatin1(key);
        return number;
    }
    const QMetaType type = value.metaType();
    if (isGadget(type))
        return gadgetToMap(*type.metaObject(), value.constData(), 0);
    QMetaSequence sequence;
    QMetaType element;
    if (gadgetSequence(type, &sequence, &element)) {
        QVariantList list;
        const qsizetype count = sequence.size(value.constData());
        for (qsizetype i = 0; i < count; ++i) {
            QVariant item(element);
            sequence.valueAtIndex(value.constData(), i, item.data());
            list.append(gadgetToMap(*element.metaObject(), item.constData(), 0));
        }
        return list;
    }
    return value;
}

QVariantMap gadgetToMap(const QMetaObject &mo, const void *gadget, int firstProperty)
{
    QVariantMap map;
    for (int i = firstProperty; i < mo.propertyCount(); ++i) {
        const QMetaProperty p = mo.property(i);
        if (!p.isStored() || !p.isReadable())
            continue;
        map.insert(QString::fromLatin1(p.name()), exportValue(p, p.readOnGadget(gadget)));
    }
    return map;
}

QString describeValue(const QVariant &value)
{
    const char *typeName = value.metaType().name();
    QString text = QString::fromLatin1(typeName ? typeName : "invalid value");
    if (value.canConvert<QString>()) {
        QString shown = value.toString();
        if (shown.size() > 40)
            shown = shown.left(37) + QStringLiteral("...");
        text += QStringLiteral(" \"%1\"").arg(shown);
    }
    return text;
}

void mapToGadget(const QVariantMap &map, const QMetaObject &mo, void *gadget, int firstProperty,
                        const QString &path, QStringList *problems);

// Turns a travelling value back into a value of \a type, or explains why not.
bool importValue(const QMetaProperty &property, QMetaType type, const QVariant &in, QVariant *out,
                        const QString &path, QStringList *problems)
{
    if (property.isValid() && property.isEnumType()) {
        const QMetaEnum e = property.enumerator();
        bool ok = false;
        int number = 0;
        if (in.metaType() == QMetaType::fromType<QString>()) {
            const QByteArray key = in.toString().toLatin1();
            number = e.isFlag() ? e.keysToValue(key.constData(), &ok) : e.keyToValue(key.constData(), &ok);
        } else {
            number = in.toInt(&ok);
        }
        if (!ok)
            return false;
        *out = number; // QMetaProperty writes an enum from its number
        return true;
    }
    if (isGadget(type) && in.metaType() == QMetaType::fromType<QVariantMap>()) {
        QVariant value(type); // the new type's defaults, then what carries over
        mapToGadget(in.toMap(), *type.metaObject(), value.data(), 0, path, problems);
        *out = value;
        return true;
    }
    QMetaSequence sequence;
    QMetaType element;
    if (in.metaType() == QMetaType::fromType<QVariantList>() && gadgetSequence(type, &sequence, &element)) {
        QVariant list(type);
        const QVariantList items = in.toList();
        for (qsizetype i = 0; i < items.size(); ++i) {
            QVariant item(element);
            mapToGadget(items.at(i).toMap(), *element.metaObject(), item.data(), 0,
                        path + QStringLiteral("[%1]").arg(i), problems);
            sequence.addValueAtEnd(list.data(), item.constData());
        }
        *out = list;
        return true;
    }
    QVariant value = in;
    if (value.metaType() != type && !value.convert(type))
        return false;
    *out = value;
    return true;
}

void mapToGadget(const QVariantMap &map, const QMetaObject &mo, void *gadget, int firstProperty,
                        const QString &path, QStringList *problems)
{
    const QString typeName = QString::fromLatin1(mo.className());
    QSet<QString> used;
    for (int i = firstProperty; i < mo.propertyCount(); ++i) {
        const QMetaProperty p = mo.property(i);
        const QString name = QString::fromLatin1(p.name());
        const auto it = map.constFind(name);
        if (it == map.cend() || !p.isWritable())
            continue; // added since: keeps its default
        used.insert(name);
        const QString field = path.isEmpty() ? name : path + QLatin1Char('.') + name;
        QVariant value;
        if (!importValue(p, p.metaType(), *it, &value, field, problems) || !p.writeOnGadget(gadget, value)) {
            const QString problem = QStringLiteral("%1: field '%2' cannot take the saved %3 as %4; it keeps its default")
                                            .arg(typeName, field, describeValue(*it),
                                                 QString::fromLatin1(p.metaType().name()));
            problems->append(problem);
            reportOnce(problem);
        }
    }
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (used.contains(it.key()))
            continue;
        bool readOnly = false;
        for (int i = firstProperty; i < mo.propertyCount(); ++i)
            readOnly = readOnly || QLatin1String(mo.property(i).name()) == it.key();
        const QString field = path.isEmpty() ? it.key() : path + QLatin1Char('.') + it.key();
        const QString problem = readOnly
                ? QStringLiteral("%1: field '%2' is not writable; the saved %3 was dropped")
                          .arg(typeName, field, describeValue(it.value()))
                : QStringLiteral("%1: field '%2' no longer exists; the saved %3 was dropped")
                          .arg(typeName, field, describeValue(it.value()));
        problems->append(problem);
        reportOnce(problem);
    }
}

} // namespace

namespace detail {

QVariantMap toMap(const QMetaObject &metaObject, const void *gadget)
{
    return gadgetToMap(metaObject, gadget, 0);
}

QStringList assignFromMap(const QMetaObject &metaObject, void *gadget, const QVariantMap &map)
{
    QStringList problems;
    mapToGadget(map, metaObject, gadget, 0, QString(), &problems);
    return problems;
}

} // namespace detail

QVariantMap toVariantMap(const QObject *object, const QMetaObject *base)
{
    QVariantMap map;
    const QMetaObject *mo = object->metaObject();
    for (int i = base->propertyCount(); i < mo->propertyCount(); ++i) {
        const QMetaProperty p = mo->property(i);
        if (!p.isStored() || !p.isReadable())
            continue;
        map.insert(QString::fromLatin1(p.name()), exportValue(p, p.read(object)));
    }
    return map;
}

QStringList assignFromVariantMap(QObject *object, const QVariantMap &map, const QMetaObject *base)
{
    QStringList problems;
    const QMetaObject *mo = object->metaObject();
    const QString typeName = QString::fromLatin1(mo->className());
    QSet<QString> used;
    for (int i = base->propertyCount(); i < mo->propertyCount(); ++i) {
        const QMetaProperty p = mo->property(i);
        const QString name = QString::fromLatin1(p.name());
        const auto it = map.constFind(name);
        if (it == map.cend() || !p.isWritable())
            continue;
        used.insert(name);
        QVariant value;
        if (!importValue(p, p.metaType(), *it, &value, name, &problems) || !p.write(object, value)) {
            const QString problem = QStringLiteral("%1: property '%2' cannot take the saved %3 as %4; it keeps its value")
                                            .arg(typeName, name, describeValue(*it),
                                                 QString::fromLatin1(p.metaType().name()));
            problems.append(problem);
            reportOnce(problem);
        }
    }
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (used.contains(it.key()))
            continue;
        const QString problem = QStringLiteral("%1: property '%2' no longer exists or is read-only; the saved %3 was dropped")
                                        .arg(typeName, it.key(), describeValue(it.value()));
        problems.append(problem);
        reportOnce(problem);
    }
    return problems;
}

} // namespace QHotReload
