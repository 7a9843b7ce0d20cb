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
// A hot library uses it without linking the QHotReload runtime: the
// conversions are compiled once, into the small static library
// QHotReload::State that QHotReload::Headers (what qhot_add_library() links)
// brings along, and only a library that calls them links them in.
//
//     QVariant saveState() { return QHotReload::toVariantMap(g_settings); }
//     bool restoreState(const QVariant &v) {
//         g_settings = QHotReload::fromVariantMap<Settings>(v.toMap());
//         return true;
//     }
//     QHOT_LIBRARY_STATE(saveState, restoreState);

#include <QtCore/QMetaProperty> // QMetaObject and its properties, as before the conversions moved out
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QVariant>

namespace QHotReload {

namespace detail {

// The gadget at \a gadget of type \a metaObject, as toVariantMap() returns it.
QVariantMap toMap(const QMetaObject &metaObject, const void *gadget);
// Writes \a map into that gadget as assignFromVariantMap() does; returns the problems.
QStringList assignFromMap(const QMetaObject &metaObject, void *gadget, const QVariantMap &map);

} // namespace detail

/*!
    The stored, readable properties of \a gadget (a Q_GADGET), by name.
    Nested gadgets become nested maps, lists of gadgets lists of maps, enums
    their key names.
*/
template <typename T, std::enable_if_t<QtPrivate::IsGadgetHelper<T>::IsRealGadget, bool> = true>
QVariantMap toVariantMap(const T &gadget)
{
    return detail::toMap(T::staticMetaObject, &gadget);
}

/*!
    The stored, readable properties of \a object declared in \a object's class
    and its bases below \a base (default: everything but QObject's own).
*/
QVariantMap toVariantMap(const QObject *object, const QMetaObject *base = &QObject::staticMetaObject);

/*!
    Writes the entries of \a map into \a gadget by property name. Properties
    with no entry keep their value; entries that cannot be carried over
    (no such property any more, or a value that cannot be converted) are
    returned as sentences and logged once.
*/
template <typename T, std::enable_if_t<QtPrivate::IsGadgetHelper<T>::IsRealGadget, bool> = true>
QStringList assignFromVariantMap(T &gadget, const QVariantMap &map)
{
    return detail::assignFromMap(T::staticMetaObject, &gadget, map);
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
QStringList assignFromVariantMap(QObject *object, const QVariantMap &map,
                                 const QMetaObject *base = &QObject::staticMetaObject);

} // namespace QHotReload

#endif // QHOTRELOAD_QHOTSTATE_H
