// SPDX-License-Identifier: MIT
#include "qmlcarry_p.h"

#include "qmllogging_p.h"

#include <QtCore/QMetaProperty>
#include <QtCore/QRegularExpression>
#include <QtQml/QQmlContext>
#include <QtQml/QQmlEngine>

namespace QHotReload::Detail {

namespace {

// "Badge_QMLTYPE_3" and "Badge_QMLTYPE_7" are the same type in two versions.
QByteArray typeKey(const QObject *object)
{
    static const QRegularExpression suffix(QStringLiteral("_QML(?:TYPE)?_\\d+$"));
    return QString::fromLatin1(object->metaObject()->className()).remove(suffix).toLatin1();
}

// A width or height no one set follows the item's implicit size (a Text's
// text): the new item computes its own.
bool followsImplicitSize(const QObject *object, const QByteArray &name, const QVariant &value)
{
    if (name != "width" && name != "height")
        return false;
    const QVariant implicit = object->property(name == "width" ? "implicitWidth" : "implicitHeight");
    return implicit.isValid() && implicit == value;
}

} // namespace

void QmlBaselines::record(QObject *root, bool replace)
{
    for (auto it = m_values.begin(); it != m_values.end();) {
        if (it->first.isNull())
            it = m_values.erase(it);
        else
            ++it;
    }
    for (QObject *o : QmlTree::subtree(root)) {
        if (replace || !m_values.contains(o))
            m_values.insert(o, {QPointer<QObject>(o), QmlTree::values(o)});
    }
}

const QmlTree::Values *QmlBaselines::find(QObject *object) const
{
    const auto it = m_values.constFind(object);
    return it == m_values.cend() || it->first.isNull() ? nullptr : &it->second;
}

QmlCarry::QmlCarry(const QmlBaselines &baselines, BoundNames bound) : m_baselines(baselines), m_bound(std::move(bound))
{
}

QString QmlCarry::nameOf(QObject *object) const
{
    QString name = QmlTree::idOf(object);
    if (name.isEmpty())
        name = object->objectName();
    return name.isEmpty() ? QString::fromLatin1(typeKey(object)) : name;
}

QVariantMap QmlCarry::changedValues(QObject *old, const QUrl &file)
{
    QVariantMap out;
    const QmlTree::Values *base = m_baselines.find(old);
    if (!base)
        return out;
    const QSet<QByteArray> bound = m_bound(file);
    const QmlTree::Values now = QmlTree::values(old);
    for (auto it = now.cbegin(); it != now.cend(); ++it) {
        const auto was = base->constFind(it.key());
        if (was != base->cend() && !QmlTree::sameValue(*was, it.value()) && !bound.contains(it.key())
            && !followsImplicitSize(old, it.key(), it.value()))
            out.insert(QString::fromLatin1(it.key()), it.value());
    }
    return out;
}

QVariantMap QmlCarry::rootValues(QObject *old, const QmlTree::Values *pristine, const QUrl &file)
{
    QVariantMap out = changedValues(old, file);
    const QmlTree::Values *base = m_baselines.find(old);
    if (pristine && base) {
        // What the using file set on this instance: its values when made
        // differ from an untouched object of the same text.
        for (auto it = base->cbegin(); it != base->cend(); ++it) {
            const auto plain = pristine->constFind(it.key());
            const QString name = QString::fromLatin1(it.key());
            // An object the untouched one made for itself (a palette) is not the using file's.
            if (plain == pristine->cend() || QmlTree::rawObject(*plain))
                continue;
            if (!QmlTree::sameValue(*plain, it.value()) && !out.contains(name))
                out.insert(name, old->property(it.key().constData()));
        }
    }
    return out;
}

void QmlCarry::pair(QObject *old, QObject *made)
{
    m_roots.insert(old);
    pairInside(old, made);
}

void QmlCarry::pairInside(QObject *old, QObject *made)
{
    m_pairs.append(qMakePair(old, made));
    m_newFor.insert(old, made);
    const QList<QObject *> olds = QmlTree::declaredIn(old);
    QList<QObject *> news = QmlTree::declaredIn(made);
    QList<QObject *> unmatched;
    // By id, then objectName; the rest by position among objects of their type.
    for (QObject *o : olds) {
        const QString id = QmlTree::idOf(o);
        QObject *match = nullptr;
        for (QObject *n : std::as_const(news)) {
            if ((!id.isEmpty() && QmlTree::idOf(n) == id)
                || (id.isEmpty() && !o->objectName().isEmpty() && n->objectName() == o->objectName())) {
                match = n;
                break;
            }
        }
        if (match) {
            news.removeOne(match);
            pairInside(o, match);
        } else {
            unmatched.append(o);
        }
    }
    for (QObject *o : std::as_const(unmatched)) {
        const bool named = !QmlTree::idOf(o).isEmpty() || !o->objectName().isEmpty();
        auto it = std::find_if(news.begin(), news.end(), [&](QObject *n) {
            return !named && QmlTree::idOf(n).isEmpty() && n->objectName().isEmpty() && typeKey(n) == typeKey(o);
        });
        if (it == news.end()) {
            if (const QVariantMap lost = changedValues(o, QmlTree::fileUrl(qmlContext(o)->baseUrl())); !lost.isEmpty()) {
                m_changed += int(lost.size());
                m_lost.append(QStringLiteral("%1: not in the new file (%2 lost)")
                                      .arg(nameOf(o), QStringList(lost.keys()).join(QStringLiteral(", "))));
            }
            continue;
        }
        QObject *n = *it;
        news.erase(it);
        pairInside(o, n);
    }
}

bool QmlCarry::convert(QVariant &value, const QMetaProperty &target) const
{
    if (QmlTree::isObject(value)) {
        // A pointer to an object that is made again points to its new one.
        QObject *o = QmlTree::rawObject(value);
        if (QObject *made = m_newFor.value(o))
            o = made;
        value = QVariant::fromValue(o);
        if (target.metaType().flags() & QMetaType::PointerToQObject)
            return !o || o->metaObject()->inherits(target.metaType().metaObject());
    }
    if (value.metaType() == target.metaType() || target.metaType().id() == QMetaType::QVariant)
        return true;
    return value.convert(target.metaType());
}

void QmlCarry::write(QObject *made, const QVariantMap &values, QObject *old)
{
    const QMetaObject *mo = made->metaObject();
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        ++m_changed;
        const QByteArray name = it.key().toLatin1();
        const int index = mo->indexOfProperty(name.constData());
        QVariant value = it.value();
        QString why;
        if (index < 0 || !QmlTree::carriable(made, name))
            why = QStringLiteral("not in the new file");
        else if (!convert(value, mo->property(index)))
            why = QStringLiteral("%1 does not convert to %2").arg(QString::fromLatin1(it.value().typeName()),
                                                                  QString::fromLatin1(mo->property(index).typeName()));
        else if (!mo->property(index).write(made, value))
            why = QStringLiteral("not written");
        if (why.isEmpty()) {
            ++m_kept;
            qCDebug(lcQml, "kept '%s' of %s", name.constData(), qPrintable(nameOf(old)));
        }
        if (!why.isEmpty())
            m_lost.append(QStringLiteral("'%1' of %2: %3").arg(it.key(), nameOf(old), why));
    }
}

void QmlCarry::carryPaired()
{
    // The roots' values were given before; the objects inside follow in tree order.
    for (const auto &[old, made] : std::as_const(m_pairs)) {
        QQmlContext *context = qmlContext(old);
        if (!context || m_roots.contains(old))
            continue;
        write(made, changedValues(old, QmlTree::fileUrl(context->baseUrl())), old);
    }
}

} // namespace QHotReload::Detail
