// SPDX-License-Identifier: MIT
#ifndef QHOTRELOAD_QHOTSTATE_H
#define QHOTRELOAD_QHOTSTATE_H

// State that survives swaps, also when its type changes.
//
// A Q_GADGET struct (or a QObject's properties) becomes a QVariantMap keyed by
// property name, and a QVariantMap becomes a struct again by name: fields the
// new struct added get their default, fields it removed are dropped, a field
// whose type changed is converted when QVariant can convert it, nested gadgets
// and lists of gadgets are handled, enums travel as their key names. What
// cannot be carried over is reported once in the log (category
// qhotreload.state) and returned to the caller — never silently dropped.
//
// Header-only: a hot library uses it without linking the QHotReload runtime.
//
//     QVariant saveState() { return QHotReload::toVariantMap(g_settings); }
//     bool restoreState(const QVariant &v) {
//         g_settings = QHotReload::fromVariantMap<Settings>(v.toMap());
//         return true;
//     }
//     QHOT_LIBRARY_STATE(saveState, restoreState);

#include <QtCore/QLoggingCategory>
#include <QtCore/QMetaContainer>
#include <QtCore/QMetaEnum>
#include <QtCore/QMetaObject>
#include <QtCore/QMetaProperty>
#include <QtCore/QMutex>
#include <QtCore/QObject>
#include <QtCore/QSequentialIterable>
#include <QtCore/QSet>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

namespace QHotReload {

namespace detail {

inline const QLoggingCategory &stateCategory()
{
    static const QLoggingCategory category("qhotreload.state", QtWarningMsg);
    return category;
}

// Each distinct problem is logged once per process, however often a state is
// converted (the serialized-state pattern converts on every call).
inline void reportOnce(const QString &problem)
{
    static QMutex mutex;
    static QSet<QString> seen;
    QMutexLocker lock(&mutex);
    if (seen.contains(problem))
        return;
    seen.insert(problem);
    lock.unlock();
    qCWarning(stateCategory()).noquote() << problem;
}

inline bool isGadget(QMetaType type)
{
    return (type.flags() & QMetaType::IsGadget) && type.metaObject();
}

// The type Qt views sequential containers through. Asked for by name first:
// in a hot library, QMetaType::fromType<QSequentialIterable>() is the
// library's own copy of the description, and if it were the first one Qt saw,
// Qt would keep pointing into the library after it is unloaded (the
// QHotReload runtime registers the type at start-up for that reason).
inline QMetaType sequentialIterableType()
{
    const QMetaType registered = QMetaType::fromName("QSequentialIterable");
    return registered.isValid() ? registered : QMetaType::fromType<QSequentialIterable>();
}

// How to walk a list of gadgets (QList<Gadget>); false for any other type.
inline bool gadgetSequence(QMetaType listType, QMetaSequence *sequence, QMetaType *element)
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

inline QVariantMap gadgetToMap(const QMetaObject &mo, const void *gadget, int firstProperty);

// A property's value as it travels: gadgets as maps, lists of gadgets as lists
// of maps, enums as key names.
inline QVariant exportValue(const QMetaProperty &property, const QVariant &value)
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

inline QVariantMap gadgetToMap(const QMetaObject &mo, const void *gadget, int firstProperty)
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

inline QString describeValue(const QVariant &value)
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

inline void mapToGadget(const QVariantMap &map, const QMetaObject &mo, void *gadget, int firstProperty,
                        const QString &path, QStringList *problems);

// Turns a travelling value back into a value of \a type, or explains why not.
inline bool importValue(const QMetaProperty &property, QMetaType type, const QVariant &in, QVariant *out,
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

inline void mapToGadget(const QVariantMap &map, const QMetaObject &mo, void *gadget, int firstProperty,
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

} // namespace detail

/*!
    The stored, readable properties of \a gadget (a Q_GADGET), by name.
    Nested gadgets become nested maps, lists of gadgets lists of maps, enums
    their key names.
*/
template <typename T, std::enable_if_t<QtPrivate::IsGadgetHelper<T>::IsRealGadget, bool> = true>
QVariantMap toVariantMap(const T &gadget)
{
    return detail::gadgetToMap(T::staticMetaObject, &gadget, 0);
}

/*!
    The stored, readable properties of \a object declared in \a object's class
    and its bases below \a base (default: everything but QObject's own).
*/
inline QVariantMap toVariantMap(const QObject *object, const QMetaObject *base = &QObject::staticMetaObject)
{
    QVariantMap map;
    const QMetaObject *mo = object->metaObject();
    for (int i = base->propertyCount(); i < mo->propertyCount(); ++i) {
        const QMetaProperty p = mo->property(i);
        if (!p.isStored() || !p.isReadable())
            continue;
        map.insert(QString::fromLatin1(p.name()), detail::exportValue(p, p.read(object)));
    }
    return map;
}

/*!
    Writes the entries of \a map into \a gadget by property name. Properties
    with no entry keep their value; entries that cannot be carried over
    (no such property any more, or a value that cannot be converted) are
    returned as sentences and logged once.
*/
template <typename T, std::enable_if_t<QtPrivate::IsGadgetHelper<T>::IsRealGadget, bool> = true>
QStringList assignFromVariantMap(T &gadget, const QVariantMap &map)
{
    QStringList problems;
    detail::mapToGadget(map, T::staticMetaObject, &gadget, 0, QString(), &problems);
    return problems;
}

//! A default-constructed T with the entries of \a map carried over (see assignFromVariantMap()).
template <typename T, std::enable_if_t<QtPrivate::IsGadgetHelper<T>::IsRealGadget, bool> = true>
T fromVariantMap(const QVariantMap &map, QStringList *problems = nullptr)
{
    T gadget{};
    const QStringList found = assignFromVariantMap(gadget, map);
    if (problems)
        *problems += found;
    return gadget;
}

/*!
    Writes the entries of \a map into \a object's writable properties by name
    (those below \a base are left alone), as assignFromVariantMap() does.
*/
inline QStringList assignFromVariantMap(QObject *object, const QVariantMap &map,
                                        const QMetaObject *base = &QObject::staticMetaObject)
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
        if (!detail::importValue(p, p.metaType(), *it, &value, name, &problems) || !p.write(object, value)) {
            const QString problem = QStringLiteral("%1: property '%2' cannot take the saved %3 as %4; it keeps its value")
                                            .arg(typeName, name, detail::describeValue(*it),
                                                 QString::fromLatin1(p.metaType().name()));
            problems.append(problem);
            detail::reportOnce(problem);
        }
    }
    for (auto it = map.cbegin(); it != map.cend(); ++it) {
        if (used.contains(it.key()))
            continue;
        const QString problem = QStringLiteral("%1: property '%2' no longer exists or is read-only; the saved %3 was dropped")
                                        .arg(typeName, it.key(), detail::describeValue(it.value()));
        problems.append(problem);
        detail::reportOnce(problem);
    }
    return problems;
}

} // namespace QHotReload

#endif // QHOTRELOAD_QHOTSTATE_H
